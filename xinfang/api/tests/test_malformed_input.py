"""Issue 9 failure 3: every malformed input is a 400 in the one error shape naming the field, on
every API operation (read from the schema, so new endpoints are covered) and on every page."""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from xinfang.testing.factories import register

from .endpoints import body_operations, operations

pytestmark = pytest.mark.django_db

NOT_OBJECTS = ["null", "0", '"x"', "[1]", "true", "1.5", '[{"note": "x"}]']
# Characters no text field may hold (xinfang.core.text): NUL, other C0 controls, lone surrogates.
BAD_TEXTS = ["a\x00b", "\ud800", "x\udfff", "a\x01b", "a\x0bb", "\ufffe"]


def error(response, status=400):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"]), body
    return body["error"]


@pytest.fixture
def world(county):
    """A user who passes every permission check (so the input is what is judged) and real rows."""
    from xinfang.matters import hooks
    from xinfang.org.models import User

    with hooks.suspended("xinfang.documents.services", "xinfang.documents.hooks"):
        matter = register(county).matter
    power = User.objects.create(username="power", full_name="全能", unit=county.bureau,
                                roles=["admin", "registrar", "case_officer", "bureau_leader"])
    client = APIClient()
    client.force_authenticate(power)
    values = {"number": matter.number, "code": "T01", "doc_id": 1, "fmt": "pdf", "id": 1}
    return client, values


def send(client, op, values, body, *, content_type="application/json"):
    method = getattr(client, op.method)
    return method(op.url(values), body, content_type=content_type)


def test_the_schema_lists_every_operation():
    ops = {str(op) for op in operations()}
    assert "POST /api/v1/matters/" in ops and "POST /api/v1/matters/{number}/petitions/" in ops
    assert "POST /api/v1/units/" in ops and "PATCH /api/v1/units/{code}/" in ops
    assert sum(op.path.startswith("/api/v1/matters/{number}/") and op.method == "post" for op in operations()) >= 23


@pytest.mark.parametrize("op", body_operations(), ids=str)
def test_a_json_body_that_is_not_an_object(world, op):
    client, values = world
    for body in NOT_OBJECTS:
        err = error(send(client, op, values, body))
        assert err["code"] == "invalid", body
        assert list(err["fields"]) == ["non_field_errors"], body
        assert "JSON 对象" in err["message"], body


@pytest.mark.parametrize("op", body_operations(), ids=str)
def test_a_body_that_is_not_json(world, op):
    client, values = world
    err = error(send(client, op, values, '{"title": "未完'))
    assert err["code"] == "parse_error" and "JSON" in err["message"]


@pytest.mark.parametrize("op", [op for op in body_operations() if op.string_fields], ids=str)
def test_bad_characters_in_every_text_field_of_a_json_body(world, op):
    client, values = world
    for name in op.string_fields:
        for bad in BAD_TEXTS:
            err = error(send(client, op, values, json.dumps({name: bad})))
            assert err["code"] == "invalid" and list(err["fields"]) == [name], (name, bad, err)
            assert name in err["message"]


@pytest.mark.parametrize("op", body_operations(), ids=str)
def test_bad_characters_nested_and_form_encoded(world, op):
    client, values = world
    for bad in BAD_TEXTS:
        nested = {"petitioners": [{"name": "张三"}, {"name": bad}]}
        err = error(send(client, op, values, json.dumps(nested)))
        assert list(err["fields"]) == ["petitioners[1].name"], (bad, err)
        if "\ud800" <= bad[-1] <= "\udfff":
            continue  # a lone surrogate cannot be form-encoded (UTF-8 has no encoding for it)
        response = getattr(client, op.method)(op.url(values), {"note": bad}, format="multipart")
        assert list(error(response)["fields"]) == ["note"], bad
        response = send(client, op, values, "note=" + bad.replace("\x00", "%00"),
                        content_type="application/x-www-form-urlencoded")
        assert list(error(response)["fields"]) == ["note"], bad


@pytest.mark.parametrize("op", [op for op in operations() if op.query_params or op.path_params], ids=str)
def test_bad_characters_in_query_and_path_parameters(world, op):
    client, values = world
    for name in op.query_params:
        response = getattr(client, op.method)(op.url(values) + f"?{name}=a%00b", {}, format="json")
        assert list(error(response)["fields"]) == [name], name
    for name in op.path_params:
        response = getattr(client, op.method)(op.url({**values, name: f"{values[name]}%00"}), {}, format="json")
        if response.status_code == 404:
            continue  # the URL conf's converter refused the value (e.g. {doc_id} is digits only)
        assert list(error(response)["fields"]) == [name], name


def test_a_bad_header_value(world):
    client, values = world
    response = client.post(f"/api/v1/matters/{values['number']}/forward/", {"unit": "T01"}, format="json",
                           HTTP_IDEMPOTENCY_KEY="k\x00")
    assert list(error(response)["fields"]) == ["Idempotency-Key"]


ACTIONS = [op for op in body_operations() if op.path.count("{number}/") == 1 and op.path.endswith("/")
           and op.path.split("/")[-2] not in ("petitions",) and op.path.startswith("/api/v1/matters/{number}/")]


@pytest.mark.parametrize("op", ACTIONS, ids=str)
def test_expected_version_that_is_not_an_integer(world, op):
    """400 before any service runs; the action's own required fields may be named first (issue 10's
    derived serializers parse every input), but never a 403/409/500 from the act itself."""
    client, values = world
    for version in ["abc", "1.5", 1.5, [1], {"v": 1}, -1]:
        err = error(send(client, op, values, json.dumps({"expected_version": version})))
        assert err["fields"], (version, err)
        response = send(client, op, values, json.dumps({"expected_version": version, "unit": "T01"}))
        assert response.status_code == 400, (version, response.content)


def test_expected_version_as_a_form_string_still_works(world, county):
    client, values = world
    response = client.post(f"/api/v1/matters/{values['number']}/forward/",
                           {"unit": "T01", "expected_version": "999"}, format="multipart")
    assert error(response, 409)["code"] == "stale"
    response = client.post(f"/api/v1/matters/{values['number']}/forward/", {"unit": "T01", "expected_version": 1},
                           format="json")
    assert response.status_code in (200, 409), response.content


@pytest.mark.parametrize("active", [True, False])
def test_units_created_with_active(api, active):
    response = api("admin").post("/api/v1/units/", {"code": f"U{int(active)}", "name": "试点单位", "kind": "town",
                                                    "active": active}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["active"] is active


@pytest.mark.parametrize("fmt", ["multipart", "form"])
def test_units_from_a_form_encoded_body(api, fmt):
    client = api("admin")
    data = {"code": "F1", "name": "表单单位", "kind": "department", "superior": "GOV"}
    if fmt == "form":
        response = client.post("/api/v1/units/", "code=F1&name=%E8%A1%A8%E5%8D%95&kind=department&superior=GOV",
                               content_type="application/x-www-form-urlencoded")
    else:
        response = client.post("/api/v1/units/", data, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["active"] is True and response.json()["superior"] == "GOV"
    response = client.patch("/api/v1/units/F1/", "name=%E6%94%B9%E5%90%8D", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.content
    assert response.json()["active"] is True and response.json()["name"] == "改名"
    assert error(client.post("/api/v1/units/", "code=F2&active=maybe&name=x&kind=town",
                             content_type="application/x-www-form-urlencoded"))["fields"].keys() == {"active"}


# ---- pages: the same rule for every HTML form and query string ---------------------------------

def _page_urls():
    samples = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}
    group_samples = {"doc_id": "1", "fmt": "pdf", "pk": "1", "seq": "1"}

    def walk(patterns, prefix):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("api/", "django-admin/")):
                    continue
                yield from walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                yield prefix + route

    import re

    for route in walk(get_resolver().url_patterns, ""):
        url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: samples.get(m.group(1) or "str", "x"), route)
        url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: group_samples.get(m.group(1), "1"), url)
        url = url.lstrip("^").rstrip("$").replace("\\", "")
        yield "/" + url


PAGE_URLS = sorted(set(_page_urls()))


def test_pages_are_enumerated():
    assert "/public/submit/" in PAGE_URLS and len(PAGE_URLS) > 30


def test_every_page_refuses_bad_characters(client, county):
    client.force_login(county.users["officer"])
    checked, wrong = 0, []
    for url in PAGE_URLS:
        for response in (client.post(url, {"content": "举报\x00内容"}), client.get(url, {"q": "a\x00"})):
            if response.status_code == 404:
                continue  # the sample value did not resolve (a regex converter); the check runs after resolving
            checked += 1
            if response.status_code != 400 or "无效字符" not in response.content.decode():
                wrong.append((url, response.status_code))
    assert not wrong
    assert checked > 50


def test_a_body_over_the_size_limit(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client, values = world
    response = client.post(f"/api/v1/matters/{values['number']}/forward/", {"note": "长" * 2000}, format="json")
    assert error(response)["code"] == "too_large"
