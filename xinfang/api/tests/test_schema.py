"""Issue 9 failure 9: the OpenAPI schema tells the truth (nullable fields, paginated lists, every
error answer with the error shape). The probe (test_probe.py) checks the answers against it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from .endpoints import operations, schema

ERROR_REF = {"$ref": "#/components/schemas/Error"}


def test_the_schema_generates_without_warnings_and_validates():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


@pytest.mark.parametrize(("component", "name"), [
    ("Unit", "superior"), ("Unit", "region"), ("Region", "parent"), ("Category", "parent"),
    ("MatterList", "next_due"), ("MatterList", "handling_unit"), ("MatterList", "handling_unit_name"),
])
def test_nullable_fields_are_declared_nullable(component, name):
    assert schema()["components"]["schemas"][component]["properties"][name].get("nullable") is True


def test_not_nullable_fields_stay_required_strings():
    unit = schema()["components"]["schemas"]["Unit"]["properties"]
    assert "nullable" not in unit["code"] and "nullable" not in unit["name"]


@pytest.mark.parametrize("path", ["/api/v1/matters/", "/api/v1/units/", "/api/v1/users/", "/api/v1/regions/",
                                  "/api/v1/categories/", "/api/v1/matters/{number}/documents/"])
def test_lists_are_declared_paginated(path):
    spec = schema()
    ref = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    body = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"count", "next", "previous", "results"} <= set(body["properties"]), body
    assert body["properties"]["results"]["type"] == "array"
    assert "404" in spec["paths"][path]["get"]["responses"]  # a page past the end


def test_the_error_shape_component():
    components = schema()["components"]["schemas"]
    assert components["Error"]["properties"] == {"error": {"$ref": "#/components/schemas/ErrorDetail"}}
    assert set(components["ErrorDetail"]["required"]) == {"code", "message", "fields"}


@pytest.mark.parametrize("op", operations(), ids=str)
def test_every_operation_documents_its_error_answers(op):
    spec_op = schema()["paths"][op.path][op.method]
    responses = spec_op["responses"]
    expected = {"400"}
    security = spec_op.get("security", [])
    if security and {} not in security:  # authentication required
        expected |= {"401", "403"}
    if op.path.startswith("/api/v1/public/"):
        expected |= {"404", "429"}
    if op.path_params:
        expected.add("404")
    if "requestBody" in spec_op:
        expected.add("415")
    if op.path.startswith("/api/v1/matters/") and op.method == "post":
        expected |= {"409", "422"}  # acts out of order, stale versions, reused Idempotency-Keys
    assert expected <= set(responses), (expected - set(responses))
    for status in expected:
        assert responses[status]["content"]["application/json"]["schema"] == ERROR_REF
    if "429" in responses:
        assert "Retry-After" in responses["429"]["headers"]


def test_an_unknown_api_url_answers_json():
    from django.test import Client

    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_each_action_documents_its_own_fields():
    spec = schema()

    def fields(action):
        content = spec["paths"][f"/api/v1/matters/{{number}}/{action}/"]["post"]["requestBody"]["content"]
        ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        return set(spec["components"]["schemas"][ref]["properties"])

    assert {"unit", "co_units"} <= fields("forward")
    assert {"outcome", "opinion", "legal_basis"} <= fields("reply")
    assert "reason" not in fields("accept")
    assert len({spec["paths"][op.path][op.method]["operationId"] for op in operations()}) == len(operations())
