"""The shapes of the staff API's matter answers, for the OpenAPI schema only.

``MatterDetailSerializer.to_representation`` builds the answer; these serializers describe it
field by field so that clients (and the schemathesis probe, which checks every answer against
the schema) know what they get. A field added to the answer must be added here: the probe fails
on an answer the schema does not describe.
"""

from __future__ import annotations

from rest_framework import serializers

from .serializers import MatterListSerializer

S, INT, B = serializers.CharField, serializers.IntegerField, serializers.BooleanField
D, DT = serializers.DateField, serializers.DateTimeField


def _shape(name: str, fields: dict, doc: str = "") -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc or None, "__module__": __name__})


FlagsSerializer = _shape("MatterFlagsSerializer", {
    name: B() for name in ("collective", "repeat", "skip_level", "law_related", "confidential", "anonymous",
                           "major", "backlog", "cross", "public")
})
PetitionerSerializer = _shape("MatterPetitionerSerializer", {
    "name": S(), "id_number": S(help_text="masked unless revealed"), "phone": S(help_text="masked unless revealed"),
    "address": S(), "is_representative": B(),
    "gender": S(required=False, help_text="absent when the identity is hidden (§30)"),
})
PetitionRowSerializer = _shape("MatterPetitionRowSerializer", {
    "number": S(), "channel": S(), "received_at": DT(), "is_repeat": B(), "headcount": INT(),
})
DeadlineRowSerializer = _shape("MatterDeadlineSerializer", {
    "kind": S(), "target": S(), "unit": S(allow_null=True), "start": D(), "due": D(), "period": INT(),
    "period_unit": S(), "extension_days": INT(), "excluded_days": INT(), "met_at": DT(allow_null=True),
    "cancelled_at": DT(allow_null=True), "running": B(), "overdue": B(), "lapsed": B(), "provisional": B(),
    "explanation": S(), "rule_version": INT(),
})
EventRowSerializer = _shape("MatterEventSerializer", {
    "seq": INT(), "action": S(), "unit": S(allow_null=True), "actor": S(allow_null=True), "via": S(),
    "occurred_at": DT(), "recorded_at": DT(), "from_status": S(), "to_status": S(),
    "params": serializers.DictField(), "note": S(),
})
AttachmentRowSerializer = _shape("MatterAttachmentSerializer", {
    "id": INT(), "name": S(), "mime": S(), "size": INT(), "sha256": S(),
    "event_seq": INT(allow_null=True, help_text="the act that carried the file (null: registration)"),
    "action": S(help_text="that act's action, or `register`"), "uploaded_by": S(allow_null=True), "via": S(),
    "uploaded_at": DT(), "public": B(help_text="对信访人可见: shown to the petitioner on the portal"),
    "url": S(help_text="GET: the file (access-checked); PATCH {public}: 对信访人可见"),
})

DETAIL_FIELDS = {
    "version": INT(), "handling_class": S(), "previous_status": S(), "registering_unit": S(allow_null=True),
    "registered_by": S(allow_null=True), "review_body": S(allow_null=True), "recheck_body": S(allow_null=True),
    "category_name": S(allow_null=True), "region_name": S(), "region_detail": S(), "content": S(),
    "accused_unit": S(allow_null=True), "accused_party": S(), "headcount": INT(), "involved_count": INT(),
    "flags": FlagsSerializer(), "upstream_number": S(), "upstream_due": D(allow_null=True), "extension_days": INT(),
    "extension_approved": B(), "in_hearing": B(), "delivered": B(), "closed_at": DT(allow_null=True),
    "petitioners": PetitionerSerializer(many=True), "petitions": PetitionRowSerializer(many=True),
    "deadlines": DeadlineRowSerializer(many=True), "events": EventRowSerializer(many=True),
    "attachments": AttachmentRowSerializer(many=True),
    "allowed_actions": serializers.ListField(child=S(), help_text="actions this caller may perform now"),
}

MatterDetailShape = type("MatterDetailSerializer", (MatterListSerializer,),
                         {**DETAIL_FIELDS, "__module__": __name__, "__doc__": "One matter as this caller may see it."})
DuplicateSerializer = _shape("MatterDuplicateSerializer", {
    "number": S(), "title": S(), "status": S(), "status_label": S(), "received_at": DT(), "reason": S(),
})
RegisteredShape = type("MatterRegisteredSerializer", (MatterDetailShape,), {
    "duplicates": DuplicateSerializer(many=True, help_text="candidate duplicates among matters the caller may see"),
    "petition": S(help_text="the new petition's number"), "query_code": S(help_text="查询码 for the petitioner"),
    "__module__": __name__,
})
PetitionAddedShape = type("MatterPetitionAddedSerializer", (MatterDetailShape,), {
    "petition": S(help_text="the new petition's number"), "query_code": S(help_text="查询码 for the petitioner"),
    "__module__": __name__,
})

AttachmentVisibilityShape = _shape("MatterAttachmentVisibilitySerializer", {
    "id": INT(read_only=True), "public": B(help_text="对信访人可见"),
})
