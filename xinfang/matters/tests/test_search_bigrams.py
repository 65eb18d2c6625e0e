"""PostgreSQL's bigram index answers the matter search exactly like ``LIKE '%word%'`` (migration
0017, issue 14). Property: for random texts over a small alphabet (words recur, straddle spaces
and punctuation; quotes and backslashes too) and random words, the index's expression and the
word's ``tsquery`` find a word of one or two characters exactly where it occurs, and a longer word
wherever it occurs (``LIKE`` then keeps the exact rows); through the API, the rows are LIKE's."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.matters.models import Matter
from xinfang.matters.services.search import query_terms, term_tsquery
from xinfang.testing.factories import register

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bigram index")

ALPHABET = "物业收费小区3ab， -'\\"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(ALPHABET, max_size=40), term=st.text(ALPHABET.replace(" ", ""), min_size=1, max_size=4))
def test_bigram_query_equals_substring(db, text, term):
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_to_tsvector(xinfang_bigrams(%s)) @@ (%s)::tsquery", [text, term_tsquery(term)])
        matched = cursor.fetchone()[0]
    if len(term) <= 2:
        assert matched == (term in text)
    elif term in text:
        assert matched


@pytest.mark.parametrize("q", ["物业", "小区物业 停车费", "张三", "张", "xf", "违规收费问题", "无此内容", "费", "拖欠工资"])
def test_the_list_finds_what_like_finds(county, api, q):
    register(county, title="拖欠工资", content="某公司拖欠工资三个月")
    register(county, title="工资", content="工资拖欠")  # the bigrams of 拖欠工资, not standing together
    register(county)
    expected = Matter.objects.all()
    for term in query_terms(q):
        expected = expected.filter(search_text__contains=term)
    body = api("officer").get("/api/v1/matters/", {"q": q, "page_size": 200}).json()
    assert sorted(r["number"] for r in body["results"]) == sorted(expected.values_list("number", flat=True))
    assert body["count"] == expected.count()


def test_the_index_serves_a_two_character_word(county):
    register(county)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT count(*) FROM matters_matter WHERE search_bigrams @@ %s::tsquery",
                       [term_tsquery("工资")])
        plan = "\n".join(r[0] for r in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "matters_matter_search_bigrams" in plan


def test_the_generated_column_follows_every_write_of_the_text(county):
    """Registration, a repeat petition and a merge write ``search_text``; PostgreSQL recomputes the bigrams."""
    from xinfang.matters.services.registration import add_petition
    from xinfang.testing.factories import petition_data

    matter = register(county, title="拖欠工资", content="某公司拖欠工资").matter
    add_petition(actor=county.users["registrar"], matter=matter,
                 data=petition_data(county, petitioners=[{"name": "欧阳锋", "phone": "13900000000"}]))

    def found(word):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM matters_matter WHERE id = %s AND search_bigrams @@ %s::tsquery",
                           [matter.pk, term_tsquery(word)])
            return cursor.fetchone()[0] == 1

    assert found("工资") and found("欧阳") and not found("物业费")


def test_a_common_search_is_counted_as_the_planners_estimate(county, api, monkeypatch):
    from xinfang.matters import listing

    for _ in range(3):
        register(county, title="拖欠工资", content="某公司拖欠工资")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matters_matter")
    body = api("officer").get("/api/v1/matters/", {"q": "工资"}).json()
    assert body["count"] == 3 and body["count_estimated"] is False
    monkeypatch.setattr(listing, "SEARCH_EXACT_UP_TO", 0)  # every search is "common" now
    body = api("officer").get("/api/v1/matters/", {"q": "工资"}).json()
    assert body["count_estimated"] is True and body["count"] >= 1 and len(body["results"]) == 3
    body = api("officer").get("/api/v1/matters/", {"q": "工资", "overdue": "false"}).json()
    assert body["count_estimated"] is True  # the complement of an estimate is one too
    for q in ("拖欠工资", "工"):  # a longer word (LIKE) and a prefix are estimated badly: counted
        body = api("officer").get("/api/v1/matters/", {"q": q}).json()
        assert body["count_estimated"] is False and body["count"] == 3


def test_the_workbench_marks_an_estimated_search_total(county, client, monkeypatch):
    from xinfang.matters import listing

    for _ in range(2):
        register(county, title="拖欠工资", content="某公司拖欠工资")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matters_matter")
    monkeypatch.setattr(listing, "SEARCH_EXACT_UP_TO", 0)
    client.force_login(county.users["officer"])
    text = client.get("/matters/", {"q": "工资"}).content.decode()
    assert "共 约 " in text and "导出 Excel（约 " in text


def test_near_misses_never_crowd_a_duplicate_out(county):
    """The duplicate check's candidates are LIKE's rows: fifty newer matters holding 停车 and 车费 apart
    must not push the older matter that says 停车费 out of the newest 50 (review of issue 14)."""
    import datetime as dt

    from xinfang.matters.selectors import find_duplicates

    true = register(county, title="停车费", content="小区乱收停车费").matter
    fakes = [register(county, title=f"其他{i}", content="x").matter for i in range(50)]
    Matter.objects.filter(pk__in=[m.pk for m in fakes]).update(search_text="停车 车费 无关")
    Matter.objects.filter(pk=true.pk).update(received_at=true.received_at - dt.timedelta(days=1))
    found = find_duplicates(county.users["officer"], ids=[], phones=[], names_addresses=[], title="停车费",
                            region=true.region, category=true.category, today=dt.date.today())
    assert true.number in [f["number"] for f in found]


def test_several_words_are_counted_exactly(county, api, monkeypatch):
    """Words the planner multiplies as if independent are never shown as an estimate."""
    from xinfang.matters import listing

    register(county, title="拆迁", content="拆迁")
    register(county, title="补偿", content="补偿")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matters_matter")
    monkeypatch.setattr(listing, "SEARCH_EXACT_UP_TO", 0)
    for q in ("拆迁 补偿", "拆迁补偿"):
        body = api("officer").get("/api/v1/matters/", {"q": q}).json()
        assert body["count_estimated"] is False and body["count"] == 0 and body["results"] == []


def test_a_large_county_search_is_counted_from_a_sample(county, api, monkeypatch, settings):
    """Words the planner cannot estimate (a longer word, one character) are counted on a fixed sample
    of ids when the matters are many; a large result is that estimate (约), a small one is exact; a
    unit's search and a search with another filter are always exact (issue 14)."""
    from xinfang.matters import listing

    for i in range(6):
        register(county, title="物业收费" if i % 2 else "拖欠工资", content="某公司")
    settings.XINFANG_ESTIMATE_COUNT_ABOVE = 1  # every table is "large"
    monkeypatch.setattr(listing, "SEARCH_SAMPLE_SHARE", 0.5)  # 6 ids: windows of one id, every other id
    monkeypatch.setattr(listing, "SEARCH_SAMPLE_WINDOWS", 3)
    body = api("officer").get("/api/v1/matters/", {"q": "拖欠工资"}).json()
    assert body["count"] == 3 and body["count_estimated"] is False  # under SEARCH_SAMPLED_FROM: exact
    monkeypatch.setattr(listing, "SEARCH_SAMPLED_FROM", 0)
    lo = Matter.objects.order_by("pk").first().pk
    sample = Matter.objects.filter(pk__in=[lo, lo + 2, lo + 4], search_text__contains="拖欠工资").count()
    for q in ("拖欠工资", "拖"):
        body = api("officer").get("/api/v1/matters/", {"q": q}).json()
        assert body["count_estimated"] is True and body["count"] == sample * 2 == 6
        assert len(body["results"]) == 3  # the rows themselves are never estimated
    for user, params in (("handler", {"q": "拖欠工资"}), ("officer", {"q": "拖欠工资", "status": "open"})):
        body = api(user).get("/api/v1/matters/", params).json()
        assert body["count_estimated"] is False
    body = api("officer").get("/api/v1/matters/", {"q": "拖欠工资", "status": "open"}).json()
    assert body["count"] == 3
