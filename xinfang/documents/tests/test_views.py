"""Staff pages, downloads, delivery, batch printing, the API and the portal download:
permission matrix (allowed / denied / other unit), access log, query counts."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from xinfang.core.models import AccessLog
from xinfang.documents.models import DocumentDelivery
from xinfang.documents.public import make_token, public_document_url
from xinfang.testing.factories import act, at, register

from .helpers import doc_of


@pytest.fixture
def matter(county):
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        m = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", m, "forward", unit="T01")
    with time_machine.travel(at("2026-09-11", 9), tick=False):
        act(county, "handler", m, "accept")
    return m


def client(county, username=None):
    c = Client()
    if username:
        c.force_login(county.users[username])
    return c


# who: expected status for pages of a matter forwarded to T01
MATRIX = [("registrar", 200), ("officer", 200), ("handler", 200), ("handler2", 404), ("dhandler", 404), ("nobody", 403)]


@pytest.mark.parametrize("username, code", MATRIX)
def test_matter_documents_page(county, matter, username, code):
    r = client(county, username).get(f"/documents/{matter.number}/")
    assert r.status_code == code
    if code == 200:
        body = r.content.decode()
        assert "示信登〔2026〕1号" in body and "示信转〔2026〕1号" in body and "城关受〔2026〕1号" in body
        assert AccessLog.objects.filter(object_type="matter_documents", object_ref=matter.number).exists()


CTYPES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@pytest.mark.parametrize("username, code", MATRIX)
def test_download_and_detail(county, matter, username, code):
    doc = doc_of(matter, "acceptance_notice")
    c = client(county, username)
    assert c.get(f"/documents/d/{doc.pk}/").status_code == code
    for fmt, ctype in CTYPES.items():
        r = c.get(f"/documents/d/{doc.pk}/{fmt}/")
        assert r.status_code == code
        if code == 200:
            assert r["Content-Type"] == ctype and r.content == bytes(getattr(doc, f"{fmt}_data"))
            assert "filename*=UTF-8''" in r["Content-Disposition"]
            assert AccessLog.objects.filter(kind="export", object_ref=doc.doc_number, user=county.users[username],
                                            detail__format=fmt).exists()


def test_anonymous_is_sent_to_login(county, matter):
    doc = doc_of(matter, "acceptance_notice")
    for url in (f"/documents/{matter.number}/", f"/documents/d/{doc.pk}/pdf/", "/documents/print/", "/documents/"):
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_matter_documents_page_query_count(county, matter, django_assert_max_num_queries):
    c = client(county, "officer")
    with django_assert_max_num_queries(14):
        assert c.get(f"/documents/{matter.number}/").status_code == 200
    for day in ("2026-09-12", "2026-09-13"):
        with time_machine.travel(at(day, 9), tick=False):
            m = register(county, received_at=at(day, 8)).matter
            act(county, "officer", m, "forward", unit="T01")
    with django_assert_max_num_queries(14):
        assert c.get("/documents/").status_code == 200


def test_record_delivery_of_a_notice(county, matter):
    doc = doc_of(matter, "acceptance_notice")
    assert client(county, "handler2").post(f"/documents/d/{doc.pk}/deliveries/", {"method": "mail", "outcome": "signed"}).status_code == 404
    r = client(county, "officer").post(f"/documents/d/{doc.pk}/deliveries/", {"method": "mail", "outcome": "signed"})
    assert r.status_code == 302 and DocumentDelivery.objects.filter(document=doc).count() == 1  # the bureau may record
    r = client(county, "handler").post(f"/documents/d/{doc.pk}/deliveries/", {
        "method": "in_person", "outcome": "refused", "receiver": "张三", "delivered_at": "2026-09-12T10:00", "note": "拒签，留置送达"})
    assert r.status_code == 302
    last = DocumentDelivery.objects.filter(document=doc).order_by("-id").first()
    assert (last.method, last.outcome, last.receiver) == ("in_person", "refused", "张三")
    page = client(county, "handler").get(f"/documents/d/{doc.pk}/").content.decode()
    assert "拒绝签收" in page and "留置送达" in page
    r = client(county, "handler").post(f"/documents/d/{doc.pk}/deliveries/", {"method": "pigeon", "outcome": "signed"})
    assert DocumentDelivery.objects.filter(document=doc).count() == 2  # refused: unknown method


def test_opinion_delivery_goes_through_the_deliver_act(county, matter):
    from xinfang.core.errors import StateConflict
    from xinfang.documents.services import record_delivery

    with time_machine.travel(at("2026-09-20", 9), tick=False):
        act(county, "handler", matter, "reply", outcome="support", opinion="予以支持。", legal_basis="《物业管理条例》")
    opinion = doc_of(matter, "handling_opinion")
    with pytest.raises(StateConflict):
        record_delivery(actor=county.users["handler"], document=opinion, method="mail", outcome="signed")
    with time_machine.travel(at("2026-09-21", 9), tick=False):
        act(county, "handler", matter, "deliver", method="sms_link", signed=False)
    delivery = opinion.deliveries.get()
    assert (delivery.method, delivery.outcome, delivery.event.action) == ("sms_link", "refused", "deliver")
    assert matter.deadlines.filter(kind="review_request").exists()  # the core started the window


@pytest.mark.parametrize("username, unit, code", [
    ("officer", "T01", 200), ("handler", "T01", 200), ("handler", "XFJ", 403), ("handler2", "T01", 403), ("nobody", "T01", 403)])
def test_batch_print_permissions(county, matter, username, unit, code):
    r = client(county, username).get("/documents/print/", {"date": "2026-09-11", "unit": unit})
    assert r.status_code == code
    if code == 200:
        reader = PdfReader(io.BytesIO(r.content))
        text = "".join("".join(p.extract_text().split()) for p in reader.pages)
        assert "城关受〔2026〕1号" in text and "示信转" not in text  # only T01's papers of that day


def test_batch_print_merges_the_days_documents(county, matter):
    r = client(county, "officer").get("/documents/print/", {"date": "2026-09-10", "unit": "XFJ"})
    reader = PdfReader(io.BytesIO(r.content))
    text = "".join("".join(p.extract_text().split()) for p in reader.pages)
    assert "示信登〔2026〕1号" in text and "示信转〔2026〕1号" in text and len(reader.pages) >= 2
    assert client(county, "officer").get("/documents/print/", {"date": "2026-01-01", "unit": "XFJ"}).status_code == 404
    assert client(county, "officer").get("/documents/print/", {"date": "bad", "unit": "XFJ"}).status_code == 400


# ---- API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username, code", [("officer", 200), ("auditor", 200), ("handler", 200), ("handler2", 404), ("nobody", 403), (None, 401)])
def test_api_list(county, matter, api, username, code):
    r = api(username).get(f"/api/v1/matters/{matter.number}/documents/")
    assert r.status_code == code
    if code == 200:
        rows = r.json()["results"]
        assert r.json()["count"] == 3
        assert [d["type"] for d in rows] == ["registration_receipt", "forwarding_letter", "acceptance_notice"]
        first = rows[0]
        assert set(first) >= {"type", "doc_number", "issued_at", "event", "sha256", "pdf_url", "docx_url"}
        assert first["event"] == 1 and first["sha256"] is None  # files not rendered yet (no commit in this test)
        pdf = api(username).get(first["pdf_url"])  # a download renders on demand
        first = api(username).get(f"/api/v1/matters/{matter.number}/documents/").json()["results"][0]
        assert len(first["sha256"]) == 64
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        import hashlib

        assert hashlib.sha256(pdf.content).hexdigest() == first["sha256"]
        assert api(username).get(first["docx_url"]).status_code == 200
    elif code == 404:
        assert r.json()["error"]["code"] == "not_found"


def test_api_download_checks_access_and_matter(county, matter, api):
    doc = doc_of(matter, "acceptance_notice")
    assert api("handler2").get(f"/api/v1/matters/{matter.number}/documents/{doc.pk}/pdf/").status_code == 404
    with time_machine.travel(at("2026-09-12", 9), tick=False):
        other = register(county, received_at=at("2026-09-12", 8)).matter
    assert api("officer").get(f"/api/v1/matters/{other.number}/documents/{doc.pk}/pdf/").status_code == 404
    assert api("officer").get("/api/v1/matters/XF0000-000000/documents/").status_code == 404


def test_api_list_query_count(county, matter, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert api("officer").get(f"/api/v1/matters/{matter.number}/documents/").status_code == 200


# ---- portal --------------------------------------------------------------------------------


def test_portal_download_with_signed_link(county, matter):
    doc = doc_of(matter, "acceptance_notice")
    url = public_document_url(doc, matter)
    r = Client().get(url)
    assert r.status_code == 200 and r.content == bytes(doc.pdf_data)
    assert AccessLog.objects.filter(kind="export", object_ref=doc.doc_number, user=None).exists()
    assert Client().get(public_document_url(doc, matter, "docx")).status_code == 200
    # no token, a token for another document, a forged token, an expired token
    assert Client().get(f"/documents/public/{doc.pk}/pdf/").status_code == 404
    receipt = doc_of(matter, "registration_receipt")
    assert Client().get(f"/documents/public/{doc.pk}/pdf/?t={make_token(receipt, matter)}").status_code == 404
    assert Client().get(url + "x").status_code == 404
    with time_machine.travel("2030-01-01"):
        assert Client().get(url).status_code == 404


def test_portal_never_serves_internal_documents(county, matter):
    letter = doc_of(matter, "forwarding_letter")
    assert Client().get(f"/documents/public/{letter.pk}/pdf/?t={make_token(letter, matter)}").status_code == 404


def test_portal_download_with_the_portal_session_grant(county, matter):
    session_mod = pytest.importorskip("xinfang.portal.session")
    doc = doc_of(matter, "acceptance_notice")
    c = Client()
    s = c.session
    s[session_mod.KEY] = {matter.number: {"petition": matter.petitions.first().number, "at": int(__import__("time").time())}}
    s.save()
    assert c.get(f"/documents/public/{doc.pk}/pdf/").status_code == 200
    with time_machine.travel(at("2026-09-12", 9), tick=False):
        other = register(county, received_at=at("2026-09-12", 8)).matter
    other_doc = doc_of(other, "registration_receipt")
    assert c.get(f"/documents/public/{other_doc.pk}/pdf/").status_code == 404  # not this session's matter


def test_portal_bridge_module(county, matter):
    from xinfang.documents import public

    docs = public.documents_for_petitioner(matter)
    assert [d.type for d in docs] == ["registration_receipt", "acceptance_notice"]
    name, ctype, data = public.petitioner_file(docs[1], "pdf")
    assert ctype == "application/pdf" and data == bytes(doc_of(matter, "acceptance_notice").pdf_data)
    assert name.endswith("受理告知书.pdf")
    assert public.petitioner_file(doc_of(matter, "forwarding_letter"), "pdf") is None
