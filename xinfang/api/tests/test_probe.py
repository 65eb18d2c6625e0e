"""The probe in the project (issue 9): schemathesis over the whole OpenAPI schema as an
administrator and as a town's handler, with real matter numbers, bounded in examples and time.
0 server errors, 0 answers that the schema does not describe (status, content type, headers, body).

More examples locally: XINFANG_PROBE_EXAMPLES=200 XINFANG_PROBE_SEED=7 ./run test xinfang/api/tests/test_probe.py -s
"""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from werkzeug.test import Client

from xinfang.testing.factories import act, register

from .endpoints import schema
from .probe import Rows, in_test_transaction, run

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("XINFANG_PROBE_EXAMPLES", "6"))  # per operation and role; more with the variable
SEED = int(os.environ["XINFANG_PROBE_SEED"]) if os.environ.get("XINFANG_PROBE_SEED") else None


@pytest.fixture
def rows(county):
    """Matters in several states and units: visible to the town's handler, and not."""
    from xinfang.documents.models import IssuedDocument

    registered = register(county).matter
    forwarded = register(county).matter
    act(county, "officer", forwarded, "forward", unit="T01")
    accepted = register(county).matter
    act(county, "officer", accepted, "forward", unit="T01")
    act(county, "handler", accepted, "accept")
    replied = register(county).matter
    act(county, "officer", replied, "forward", unit="T01")
    act(county, "handler", replied, "accept")
    act(county, "handler", replied, "reply", outcome="explain", opinion="经核查，收费有据。", legal_basis="《物业管理条例》")
    other = register(county).matter
    act(county, "officer", other, "forward", unit="T02")
    accusation = register(county, purpose="accusation", confidential=True, accused_unit="T01").matter
    matters = [registered, forwarded, accepted, replied, other, accusation]
    numbers = [{"number": m.number} for m in matters] + [{"number": "XF2099-999999"}]
    docs = [{"number": d.matter.number, "doc_id": d.pk, "fmt": fmt}
            for d in IssuedDocument.objects.select_related("matter").filter(matter__isnull=False)[:4]
            for fmt in ("pdf", "docx")]
    petition = replied.petitions.first()
    return Rows(
        path={"number": numbers, "doc_id,fmt,number": docs or numbers,
              "code": [{"code": c} for c in ("T01", "T02", "XFJ", "NOPE")]},
        query=[{"number": petition.number, "code": petition.query_code}, {"number": replied.number, "code": "WRONG"}],
    )


def login_as(app, username):
    """The user's headers, from the API's own login (api-v1.md), through the same WSGI app."""

    def login():
        cache.clear()  # the login throttle: the probe logs in again whenever it revoked its own token
        response = Client(app).post("/api/v1/auth/token/", json={"username": username, "password": "pass-1234-word"})
        assert response.status_code == 200, response.get_data()
        return {"Authorization": f"Token {response.json['token']}"}

    return login


@pytest.mark.parametrize("username", ["admin", "handler"])
def test_probe(rows, username, settings):
    settings.ALLOWED_HOSTS = ["*"]
    app = get_wsgi_application()
    with in_test_transaction():
        report = run(schema(), app, login=login_as(app, username), rows=rows, examples=EXAMPLES, seed=SEED)
    print(f"\nprobe as {username}: {report.summary()}")
    assert report.operations >= 40
    assert report.examples >= report.operations * min(EXAMPLES, 5)
    distinct: dict[str, str] = {}
    for failure in report.failures:
        distinct.setdefault(failure.splitlines()[0], failure)
    assert not report.failures, f"{len(distinct)} distinct failures:\n\n" + "\n\n".join(distinct.values())
