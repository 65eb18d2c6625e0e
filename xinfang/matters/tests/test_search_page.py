"""A search list's page on PostgreSQL is read along the list's own order when its words are common
among the list's rows (``selectors.page_source``, issue 14): the same rows in the same order as the
indexed reading, only fewer rows visited. On SQLite the FTS5 index decides instead (test_search_fts)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from xinfang.core.counting import EstimatingPaginator, planned_rows
from xinfang.matters import listing
from xinfang.matters.listing import page_source
from xinfang.matters.models import Matter
from xinfang.matters.selectors import filter_matters
from xinfang.testing.factories import act, register

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's page choice")

QUERIES = ["q=拖欠工资", "q=拖欠工资&status=open", "q=物业 停车费", "q=拖欠工资 三个月", "q=无此内容",
           "q=拖欠工资&sort=due", "q=拖欠工资&sort=number"]


@pytest.fixture
def searched(county):
    for i in range(4):
        matter = register(county, title=f"拖欠工资{i}", content="某公司拖欠工资三个月，小区物业乱收停车费").matter
        if i % 2:
            act(county, "officer", matter, "forward", unit="T01")  # the town sees two of the four
    for _ in range(3):
        register(county)
    return county


def _numbers(qs):
    return list(qs.values_list("number", flat=True))


@pytest.mark.parametrize("user", ["officer", "handler"])
@pytest.mark.parametrize("params", QUERIES)
def test_walking_the_order_finds_the_same_rows_in_the_same_order(searched, user, params):
    who = searched.users[user]
    indexed = _numbers(filter_matters(who, QueryDict(params)))
    walked = _numbers(filter_matters(who, QueryDict(params), text_walk=True))
    counted = filter_matters(who, QueryDict(params), for_count=True).count()
    assert walked == indexed and len(indexed) == counted
    if params == "q=拖欠工资":
        assert len(indexed) == (4 if user == "officer" else 2)  # the town sees the two sent to it


def test_the_paginator_reads_the_page_its_source_gives_for_the_total():
    calls = []

    def source(total, upto):
        calls.append((total, upto))
        return Matter.objects.none()

    paginator = EstimatingPaginator(list(range(45)), 20, page_source=source)
    page = paginator.page(2)
    assert calls == [(45, 40)] and list(page.object_list) == []


def test_no_page_source_without_a_search_or_off_postgresql(searched):
    officer = searched.users["officer"]
    assert page_source(officer, QueryDict("status=open")) is None
    assert page_source(officer, QueryDict("q=110105199106221017")) is None  # an ID number: no words tested
    if connection.vendor != "postgresql":
        assert page_source(officer, QueryDict("q=拖欠工资")) is None


def _page_sql(client, url):
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(url).json()
    return body, [q["sql"] for q in ctx.captured_queries]


@postgres_only
def test_common_words_walk_and_rare_ones_use_the_index(searched, api, monkeypatch):
    client = api("officer")
    body, sql = _page_sql(client, "/api/v1/matters/?q=拖欠工资")
    assert body["count"] == 4 and len(body["results"]) == 4
    page = [s for s in sql if "LIMIT" in s and "matters_matter" in s and "EXPLAIN" not in s]
    assert page and 'STRPOS("matters_matter"."search_text"' in page[-1]  # 4 of 7: walked
    monkeypatch.setattr(listing, "SEARCH_WALK_ROWS", 0)  # every word rare now
    body2, sql = _page_sql(client, "/api/v1/matters/?q=拖欠工资")
    page = [s for s in sql if "LIMIT" in s and "matters_matter" in s and "EXPLAIN" not in s]
    assert body2["results"] == body["results"] and 'STRPOS("matters_matter"."search_text"' not in page[-1]
    body3, sql = _page_sql(client, "/api/v1/matters/?q=无此内容")
    from xinfang.matters.services.search import estimable

    explains = sum("EXPLAIN" in s for s in sql)  # the count's, for a word the planner estimates; never the page's
    assert body3["count"] == 0 and explains == (1 if estimable("无此内容") else 0)


@postgres_only
def test_planned_rows_is_the_planners_estimate(searched):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matters_matter")
    assert planned_rows(Matter.objects.all()) == Matter.objects.count() == 7


def test_the_workbench_list_reads_its_search_page_the_same_way(searched, client):
    client.force_login(searched.users["officer"])
    response = client.get("/matters/?q=拖欠工资")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("拖欠工资") >= 4
