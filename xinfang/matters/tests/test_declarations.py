"""One declaration per action: the API serializer, the OpenAPI schema, the workbench form and
docs/workflow.md all come from ``Transition.inputs``, for every action; the API refuses what the
declaration refuses with the 400 error shape naming the field in Chinese."""

import json
from types import SimpleNamespace

import pytest
from django import forms
from rest_framework import serializers

from xinfang.core.inputs import Kind
from xinfang.documents.choices import DocType
from xinfang.matters.api.serializers import ACTION_SERIALIZERS
from xinfang.matters.docs import workflow_markdown
from xinfang.matters.workflow import COMMON_INPUTS, OTHER_EVENTS, TRANSITIONS, WORKFLOW
from xinfang.testing.factories import register
from xinfang.testing.inputs import example_params
from xinfang.workbench.forms.actions import SHOWN_WHEN, action_form_class

ACTIONS = [t.action for t in TRANSITIONS]
COMMON = {i.name for i in COMMON_INPUTS}

DRF_TYPES = {
    Kind.TEXT: serializers.CharField, Kind.CODE: serializers.CharField, Kind.CHOICE: serializers.ChoiceField,
    Kind.INTEGER: serializers.IntegerField, Kind.DATE: serializers.DateField, Kind.BOOLEAN: serializers.BooleanField,
    Kind.CODES: serializers.ListField, Kind.DATETIME: serializers.DateTimeField,
}
FORM_TYPES = {
    Kind.TEXT: forms.CharField, Kind.CODE: forms.ChoiceField, Kind.CHOICE: forms.ChoiceField,
    Kind.INTEGER: forms.IntegerField, Kind.DATE: forms.DateField, Kind.BOOLEAN: forms.TypedChoiceField,
    Kind.CODES: forms.MultipleChoiceField,
}


@pytest.mark.parametrize("action", ACTIONS)
def test_api_serializer_is_the_declaration(action):
    t = WORKFLOW[action]
    fields = ACTION_SERIALIZERS[action]().fields
    assert set(fields) == {*t.fields, *COMMON, "expected_version"}
    for inp in t.inputs:
        field = fields[inp.name]
        assert isinstance(field, DRF_TYPES[inp.kind]), inp.name
        assert field.required == (inp.required and inp.required_if is None)
        assert field.label == inp.label
        if inp.kind == Kind.CHOICE:
            assert list(field.choices) == [k for k, _ in inp.choices]
        if inp.kind == Kind.INTEGER:
            assert (field.min_value, field.max_value) == (inp.minimum, inp.maximum)
        if inp.kind == Kind.TEXT:
            assert field.max_length == inp.max_length


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
def test_workbench_form_is_the_declaration(action):
    t = WORKFLOW[action]
    matter = SimpleNamespace(status="accepted", version=1, _prefetched_objects_cache={"deadlines": []})
    shown = {i.name for i in t.inputs if not i.when or SHOWN_WHEN[i.when](matter)}
    form = action_form_class(action, matter)()
    assert set(form.fields) == {*shown, *COMMON, "expected_version"}
    assert form.label == t.label and form.article == t.article
    for inp in t.inputs:
        if inp.name not in shown:
            continue
        field = form.fields[inp.name]
        # a named option list (Input.options) is offered as a select whatever the kind
        assert isinstance(field, forms.ChoiceField if inp.options else FORM_TYPES[inp.kind]), inp.name
        assert field.label == inp.label
        assert field.required == (inp.required and inp.required_if is None)
        if inp.kind == Kind.CHOICE:
            assert [k for k, _ in field.choices][1:] == [k for k, _ in inp.choices]
        if inp.kind == Kind.INTEGER:
            assert (field.min_value, field.max_value) == (inp.minimum, inp.maximum)


def test_docs_list_every_declared_input():
    text = workflow_markdown()
    for t in TRANSITIONS:
        for inp in t.inputs:
            assert f"| `{t.action}` | `{inp.name}` | {inp.label} | {inp.describe()} |" in text


def test_every_declared_notice_is_a_document_type():
    for declared in (*TRANSITIONS, *OTHER_EVENTS.values()):
        for notice in declared.notices:
            assert notice.doc_type in DocType.values, (declared.action, notice.doc_type)


def test_example_inputs_parse_for_every_choice():
    from xinfang.core.inputs import parse

    for t in TRANSITIONS:
        for pick in range(4):
            parse(t.inputs, example_params(t, pick))


@pytest.mark.django_db
def test_schema_shows_every_action_input_with_types_and_bounds(county, api):
    schema = json.loads(api("officer").get("/api/v1/schema/", {"format": "json"}).content)
    components = schema["components"]["schemas"]
    for t in TRANSITIONS:
        body = schema["paths"][f"/api/v1/matters/{{number}}/{t.action}/"]["post"]["requestBody"]
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        props = components[ref]["properties"]
        for inp in t.inputs:
            prop = props[inp.name]
            if inp.kind == Kind.INTEGER:
                assert prop["type"] == "integer" and prop.get("minimum") == inp.minimum
                assert prop.get("maximum") == inp.maximum
            elif inp.kind == Kind.CHOICE:
                assert {k for k, _ in inp.choices} <= set(_enum(prop, components))
            elif inp.kind == Kind.TEXT:
                assert prop["type"] == "string" and prop["maxLength"] == inp.max_length
            elif inp.kind == Kind.DATE:
                assert prop["format"] == "date"
            elif inp.kind == Kind.CODES:
                assert prop["type"] == "array"
        required = set(components[ref].get("required", []))
        assert required == {i.name for i in t.inputs if i.required and i.required_if is None}


def _enum(prop: dict, components: dict) -> list:
    if "enum" in prop:
        return prop["enum"]
    refs = [prop["$ref"]] if "$ref" in prop else [x["$ref"] for x in prop.get("allOf", []) + prop.get("oneOf", [])
                                                  if "$ref" in x]
    return [v for ref in refs for v in components[ref.rsplit("/", 1)[-1]].get("enum", [])]


BAD = {Kind.TEXT: {"x": 1}, Kind.CODE: ["T01"], Kind.CHOICE: "nope", Kind.INTEGER: "十", Kind.DATE: "2026-02-30",
       Kind.BOOLEAN: "maybe", Kind.CODES: {"a": 1}}


@pytest.mark.django_db
def test_api_refuses_what_the_declaration_refuses_naming_the_field(county, api):
    """Input errors come before the state check, so one registered matter serves every action."""
    matter = register(county).matter
    client = api("officer")
    for t in TRANSITIONS:
        for inp in t.inputs:
            body = {**example_params(t), inp.name: BAD[inp.kind]}
            response = client.post(f"/api/v1/matters/{matter.number}/{t.action}/", body, format="json")
            assert response.status_code == 400, (t.action, inp.name, response.content)
            error = response.json()["error"]
            assert error["code"] == "invalid" and inp.name in error["fields"], (t.action, inp.name)
            assert inp.label in error["message"], (t.action, inp.name, error["message"])
        if any(i.kind == Kind.INTEGER and i.maximum for i in t.inputs):
            inp = next(i for i in t.inputs if i.kind == Kind.INTEGER and i.maximum)
            body = {**example_params(t), inp.name: inp.maximum + 1}
            error = client.post(f"/api/v1/matters/{matter.number}/{t.action}/", body, format="json").json()["error"]
            assert inp.name in error["fields"] and str(inp.maximum) in error["message"]
    matter.refresh_from_db()
    assert matter.events.count() == 1  # nothing happened


@pytest.mark.django_db
def test_review_redo_days_over_90_is_refused_by_the_api(county, api):
    matter = register(county).matter
    response = api("officer").post(f"/api/v1/matters/{matter.number}/review_decide/",
                                   {"outcome": "redo", "opinion": "重办", "redo_days": 91}, format="json")
    assert response.status_code == 400 and "redo_days" in response.json()["error"]["fields"]


def test_every_audience_has_a_row_for_every_declared_event():
    """Adding an action forces the decision of what the petitioner sees and is told (None = nothing)."""
    from xinfang.documents.choices import HEARING_TYPES, LEDGER_TYPES, REPORT_TYPES, SUPERVISION_TYPES
    from xinfang.documents.context import BUILDERS
    from xinfang.notifications.messages import COMPOSERS
    from xinfang.portal.presenter import PUBLIC_TIMELINE

    declared = {*WORKFLOW, *OTHER_EVENTS}
    assert set(PUBLIC_TIMELINE) == declared
    assert set(COMPOSERS) == declared
    issued = {n.doc_type for d in (*TRANSITIONS, *OTHER_EVENTS.values()) for n in d.notices}
    assert issued == set(BUILDERS)
    assert issued | SUPERVISION_TYPES | HEARING_TYPES | REPORT_TYPES | LEDGER_TYPES == set(DocType)


def test_handlers_write_only_declared_params():
    """The table declares every param an event may carry (apply_action also asserts it per act)."""
    from xinfang.matters.services.actions import HANDLERS

    assert set(HANDLERS) <= set(WORKFLOW)
    for t in TRANSITIONS:
        assert set(t.fields) - {"redo_days"} <= set(t.params), t.action
