"""The documents list (文书): filters by type, unit, date, number and delivery; paging; visibility; queries."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from xinfang.testing.factories import act, at, register


@pytest.fixture
def papers(county):
    """Two matters: one forwarded to T01 (receipt, forwarding letter, acceptance notice), one to T02."""
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        a = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", a, "forward", unit="T01")
    with time_machine.travel(at("2026-09-14", 9), tick=False):
        act(county, "handler", a, "accept")
        b = register(county, received_at=at("2026-09-14", 8)).matter
        act(county, "officer", b, "forward", unit="T02")
    return a, b


def page(county, username, **params):
    c = Client()
    c.force_login(county.users[username])
    return c.get("/documents/", params)


def numbers(response) -> list[str]:
    return [d.doc_number for d in response.context["documents"]]


def test_filters_pick_exactly_their_rows(county, papers):
    a, _b = papers
    everything = page(county, "officer")
    assert everything.status_code == 200 and everything.context["page"].paginator.count >= 5
    by_type = page(county, "officer", doc_type="forwarding_letter")
    assert {d.doc_type for d in by_type.context["documents"]} == {"forwarding_letter"}
    assert len(numbers(by_type)) == 2
    by_matter = page(county, "officer", q=a.number)
    assert {d.matter.number for d in by_matter.context["documents"]} == {a.number}
    by_date = page(county, "officer", issued_after="2026-09-14", issued_before="2026-09-14")
    assert {d.issued_at.date().isoformat() for d in by_date.context["documents"]} == {"2026-09-14"}
    by_unit = page(county, "officer", unit="T02")  # issued by or addressed to 河西乡
    assert by_unit.context["page"].paginator.count >= 1
    assert all("T02" in (d.issuing_unit.code, getattr(d.recipient_unit, "code", "")) for d in by_unit.context["documents"])
    undelivered = page(county, "officer", delivered="no")
    assert undelivered.context["page"].paginator.count == everything.context["page"].paginator.count


def test_a_town_sees_only_its_matters_papers(county, papers):
    a, _b = papers
    seen = {d.matter.number for d in page(county, "handler").context["documents"] if d.matter}
    assert seen == {a.number}


def test_bad_dates_are_explained_not_crashed(county, papers):
    r = page(county, "officer", issued_after="2026-09-20", issued_before="2026-09-01")
    assert r.status_code == 200 and "结束日期不能早于开始日期" in r.content.decode()
    r = page(county, "officer", issued_after="2026-02-30")
    assert r.status_code == 200


def test_paging_and_bounded_queries(county, papers, django_assert_max_num_queries, settings):
    c = Client()
    c.force_login(county.users["officer"])
    with django_assert_max_num_queries(12):
        r = c.get("/documents/", {"page": 1})
    assert r.status_code == 200
    html = r.content.decode()
    assert "第 1 / 1 页" in html and "每页 30 份" in html
    assert c.get("/documents/", {"page": 999}).status_code == 200  # past the end: the last page
