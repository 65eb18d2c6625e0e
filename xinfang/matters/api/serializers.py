"""Matter serializers for the staff API. Never reused by the public portal (personal data)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone
from rest_framework import serializers

from xinfang.core.errors import InvalidInput
from xinfang.core.inputs import Input, Kind, parse_one
from xinfang.core.inputs import parse as parse_inputs
from xinfang.workdays.models import current_rules

from ..access import identity_hidden
from ..choices import STATE_LABELS, Channel, Purpose
from ..selectors import attachment_rows
from ..selectors import petitioner_rows as core_petitioner_rows
from ..workflow import COMMON_INPUTS, TRANSITIONS, Transition


def _code(obj):
    return obj.code if obj is not None else None


def _name(obj):
    return obj.name if obj is not None else None


class MatterListSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    close_reason = serializers.CharField()
    title = serializers.CharField()
    channel = serializers.CharField()
    purpose = serializers.CharField()
    category = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    handling_unit = serializers.SerializerMethodField()
    handling_unit_name = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    next_due = serializers.DateField(allow_null=True)
    next_due_kind = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    petitioner_names = serializers.SerializerMethodField()
    is_collective = serializers.BooleanField()
    is_repeat = serializers.BooleanField()

    def to_representation(self, m) -> dict:
        """The declared fields' values, read directly: DRF's field machinery (a deep copy of the
        fields for every row, a call per field) cost about as much as the rest of the 201 body and
        dominates a page of 200 rows (issue 14). ``test_list_row_is_drf_own_rendering`` proves the
        output is what the declared fields give; the declarations stay the schema."""
        return {
            "number": m.number, "status": str(m.status), "status_label": STATE_LABELS.get(m.status, m.status),
            "close_reason": str(m.close_reason), "title": m.title, "channel": str(m.channel), "purpose": str(m.purpose),
            "category": self.get_category(m), "region": self.get_region(m),
            "handling_unit": self.get_handling_unit(m), "handling_unit_name": self.get_handling_unit_name(m),
            "received_at": _datetime(m.received_at), "next_due": m.next_due.isoformat() if m.next_due else None,
            "next_due_kind": str(m.next_due_kind), "overdue": self.get_overdue(m),
            "petitioner_names": self.get_petitioner_names(m), "is_collective": bool(m.is_collective),
            "is_repeat": bool(m.is_repeat),
        }

    def get_category(self, m) -> str:
        return m.category.code

    def get_region(self, m) -> str:
        return m.region.code

    def get_handling_unit(self, m) -> str | None:
        return _code(m.handling_unit)

    def get_handling_unit_name(self, m) -> str | None:
        return _name(m.handling_unit)

    def get_overdue(self, m) -> bool:
        return m.next_due is not None and m.next_due < self.context.get("today", timezone.localdate())

    def get_petitioner_names(self, m) -> str:
        if identity_hidden(self.context.get("user"), m):  # §30, the one rule (matters.access)
            return "（保密）"
        return m.petitioner_names


def petitioner_rows(matter, *, reveal: bool, hidden: bool) -> list[dict]:
    """The core's rows in the API's shape (a hidden identity has no gender at all)."""
    out = []
    for row in core_petitioner_rows(matter, reveal=reveal, hidden=hidden):
        data = {"name": row.name, "id_number": row.id_number, "phone": row.phone, "address": row.address,
                "is_representative": row.is_representative}
        if not hidden:
            data["gender"] = row.gender
        out.append(data)
    return out


class MatterDetailSerializer(serializers.Serializer):
    def to_representation(self, m) -> dict:
        ctx = self.context
        today = ctx.get("today") or timezone.localdate()
        data = MatterListSerializer(context=ctx).to_representation(m)
        data.update({
            "version": m.version,
            "handling_class": m.handling_class,
            "previous_status": m.previous_status,
            "registering_unit": _code(m.registering_unit),
            "registered_by": str(m.registered_by) if m.registered_by else None,
            "review_body": _code(m.review_body),
            "recheck_body": _code(m.recheck_body),
            "category_name": m.category.path_name if m.category_id else None,
            "region_name": m.region.name,
            "region_detail": m.region_detail,
            "content": m.content,
            "accused_unit": _code(m.accused_unit),
            "accused_party": m.accused_party,
            "headcount": m.headcount,
            "involved_count": m.involved_count,
            "flags": {
                "collective": m.is_collective, "repeat": m.is_repeat, "skip_level": m.is_skip_level,
                "law_related": m.is_law_related, "confidential": m.is_confidential, "anonymous": m.is_anonymous,
                "major": m.is_major, "backlog": m.is_backlog, "cross": m.is_cross, "public": m.is_public,
            },
            "upstream_number": m.upstream_number,
            "upstream_due": m.upstream_due,
            "extension_days": m.extension_days,
            "extension_approved": m.extension_approved,
            "in_hearing": m.hearing_started_on is not None,
            "delivered": m.delivered,
            "closed_at": m.closed_at,
            "petitioners": petitioner_rows(m, reveal=ctx.get("reveal", False), hidden=ctx.get("hidden", False)),
            "petitions": [
                {"number": p.number, "channel": p.channel, "received_at": p.received_at, "is_repeat": p.is_repeat,
                 "headcount": p.headcount}
                for p in m.petitions.all()
            ],
            "deadlines": [
                {
                    "kind": d.kind, "target": d.target, "unit": _code(d.unit), "start": d.start, "due": d.due,
                    "period": d.period, "period_unit": d.period_unit, "extension_days": d.extension_days,
                    "excluded_days": d.excluded_days, "met_at": d.met_at, "cancelled_at": d.cancelled_at,
                    "running": d.is_running, "overdue": d.is_overdue(today), "lapsed": d.is_lapsed(today),
                    "provisional": d.provisional, "explanation": d.explanation, "rule_version": d.rule_version,
                }
                for d in m.deadlines.all()
            ],
            "events": [
                {
                    "seq": e.seq, "action": e.action, "unit": _code(e.unit), "actor": str(e.actor) if e.actor else None,
                    "via": e.via, "occurred_at": e.occurred_at, "recorded_at": e.recorded_at,
                    "from_status": e.from_status, "to_status": e.to_status,
                    "params": ctx["event_params"][e.pk],  # redacted for the reader (selectors.redacted_event_params)
                    "note": e.note,
                }
                for e in m.events.all()
            ],
            # §30: none for a reader who may not see the reporter (selectors.attachment_rows)
            "attachments": [
                {"id": a.pk, "name": a.name, "mime": a.mime, "size": a.size, "sha256": a.sha256,
                 "event_seq": a.event.seq if a.event_id else None, "action": a.event.action if a.event_id else "register",
                 "uploaded_by": str(a.uploaded_by) if a.uploaded_by_id else None, "via": a.via,
                 "uploaded_at": a.uploaded_at, "public": a.public,
                 "url": f"/api/v1/matters/{m.number}/attachments/{a.pk}/"}
                for a in attachment_rows(ctx.get("user"), m)
            ],
            "allowed_actions": ctx.get("allowed_actions", []),
        })
        return _jsonable(data)


def _datetime(value) -> str:
    """A moment as DRF's ``DateTimeField`` gives it: local time, ISO 8601 (…+08:00)."""
    return timezone.localtime(value).isoformat()


def _jsonable(data: dict) -> dict:
    out = {}
    for k, v in data.items():
        if hasattr(v, "isoformat"):
            out[k] = _datetime(v) if hasattr(v, "tzinfo") and getattr(v, "hour", None) is not None else v.isoformat()
        elif isinstance(v, list):
            out[k] = [_jsonable(x) if isinstance(x, dict) else x for x in v]
        elif isinstance(v, dict):
            out[k] = _jsonable(v)
        else:
            out[k] = v
    return out


# ---- input serializers (typing and the OpenAPI schema; the services validate the rules) --------


class PersonInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=32)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.CharField(required=False, allow_blank=True, max_length=200)
    is_representative = serializers.BooleanField(required=False, default=False)


class RegisterSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.CharField(required=False, help_text="ISO 8601; defaults to now")
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    category = serializers.CharField(help_text="6-digit category code")
    region = serializers.CharField(help_text="12-digit region code")
    region_detail = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    petitioners = PersonInputSerializer(many=True, required=False)
    headcount = serializers.IntegerField(required=False, min_value=1)
    involved_count = serializers.IntegerField(required=False, min_value=1)
    accused_unit = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    accused_party = serializers.CharField(required=False, allow_blank=True)
    confidential = serializers.BooleanField(required=False)
    anonymous = serializers.BooleanField(required=False)
    skip_level = serializers.BooleanField(required=False)
    law_related = serializers.BooleanField(required=False)
    major = serializers.BooleanField(required=False)
    public = serializers.BooleanField(required=False)
    upstream_number = serializers.CharField(required=False, allow_blank=True)
    upstream_unit = serializers.CharField(required=False, allow_blank=True)
    upstream_due = serializers.DateField(required=False, allow_null=True)


class RepeatPetitionSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.CharField(required=False)
    content = serializers.CharField(required=False, allow_blank=True)
    petitioners = PersonInputSerializer(many=True, required=False)
    headcount = serializers.IntegerField(required=False, min_value=1)


def input_field(inp: Input, settings=None) -> serializers.Field:
    """The DRF field for one declared input (types, bounds and choices for the schema)."""
    kw = {"required": inp.required and inp.required_if is None, "label": inp.label,
          "help_text": " ".join(filter(None, [inp.label, inp.help]))}
    if inp.kind == Kind.TEXT or inp.kind == Kind.CODE:
        return serializers.CharField(max_length=inp.max_length, allow_blank=not kw["required"], **kw)
    if inp.kind == Kind.CHOICE:
        return serializers.ChoiceField(choices=list(inp.choices), allow_blank=not kw["required"], **kw)
    if inp.kind == Kind.INTEGER:
        return serializers.IntegerField(min_value=inp.minimum, max_value=inp.bound(settings), allow_null=True, **kw)
    if inp.kind == Kind.DATE:
        return serializers.DateField(**kw)
    if inp.kind == Kind.DATETIME:
        return serializers.DateTimeField(**kw)
    if inp.kind == Kind.BOOLEAN:
        return serializers.BooleanField(default=inp.default, **kw)
    if inp.kind == Kind.FILES:
        return serializers.ListField(child=serializers.FileField(), **kw)
    return serializers.ListField(child=serializers.CharField(max_length=inp.max_length), **kw)


class ActionInputSerializer(serializers.Serializer):
    """Base of the derived action serializers: validation is the declaration's own ``parse``, so
    what the API accepts is exactly what the service accepts (the fields serve the schema)."""

    transition: Transition

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise InvalidInput("请求内容应为 JSON 对象。", fields={"non_field_errors": "请求内容应为 JSON 对象"})
        t = self.transition
        own = {i.name for i in t.inputs}
        cleaned = parse_inputs(tuple(i for i in COMMON_INPUTS if i.name not in own), data)
        cleaned.update(parse_inputs(t.inputs, data, settings=current_rules()))
        expected = data.get("expected_version")
        if expected not in (None, ""):
            cleaned["expected_version"] = parse_one(EXPECTED_VERSION, expected)
        return cleaned


EXPECTED_VERSION = Input("expected_version", Kind.INTEGER, "版本号", required=False, minimum=0,
                         help="乐观锁：事项已被他人改动时返回 409")


def action_serializer(transition: Transition) -> type[serializers.Serializer]:
    """The API input serializer of one action, derived from its declaration."""
    own = {i.name for i in transition.inputs}
    inputs = (*transition.inputs, *(i for i in COMMON_INPUTS if i.name not in own), EXPECTED_VERSION)
    fields: dict[str, object] = {i.name: input_field(i) for i in inputs}
    fields["transition"] = transition
    fields["__doc__"] = f"{transition.label}（{transition.article}）"
    name = f"{transition.action.title().replace('_', '')}ActionSerializer"
    return type(name, (ActionInputSerializer,), fields)


ACTION_SERIALIZERS: dict[str, type[serializers.Serializer]] = {t.action: action_serializer(t) for t in TRANSITIONS}
