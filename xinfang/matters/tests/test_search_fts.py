"""SQLite's FTS5 bigram index answers the matter search exactly like ``LIKE '%word%'`` (issue 14).

Property: for random texts over a small alphabet (so that words recur, straddle punctuation and
runs) and random queries, the FTS5 phrase of a word's bigrams finds the same rows as the substring
test. Then through the services: registration, a repeat petition and a merge keep the rows.
"""

from __future__ import annotations

import sqlite3

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.matters.models import Matter
from xinfang.matters.selectors import filter_matters
from xinfang.matters.services.search import FTS_TABLE, _phrase, search_tokens, uses_fts
from xinfang.testing.factories import register

ALPHABET = "物业收费小区3aB， -"


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(ALPHABET, max_size=30), min_size=1, max_size=12), term=st.text(ALPHABET[:7], min_size=1, max_size=4))
def test_bigram_phrase_equals_substring(texts, term):
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(tokens, tokenize='unicode61 remove_diacritics 0')")
    texts = [t.lower() for t in texts]
    db.executemany(f"INSERT INTO {FTS_TABLE} (rowid, tokens) VALUES (?, ?)",
                   [(i + 1, search_tokens(t)) for i, t in enumerate(texts)])
    term = term.lower()
    found = {r[0] for r in db.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", [_phrase(term)])}
    assert found == {i + 1 for i, t in enumerate(texts) if term in t}


@pytest.mark.parametrize("q", ["物业", "小区物业 停车费", "张三", "xf", "违规收费问题", "无此内容", "费"])
def test_matter_search_through_fts_equals_like(county, q):
    matters = [register(county).matter, register(county, title="拖欠工资", content="某公司拖欠工资三个月").matter]
    officer = county.users["officer"]
    through_index = set(filter_matters(officer, QueryDict(f"q={q}")).values_list("pk", flat=True))
    from xinfang.matters.services.search import text_filter

    condition = text_filter(q)
    like = set(Matter.objects.filter(condition).values_list("pk", flat=True)) if condition is not None else set(
        m.pk for m in matters)
    assert through_index == like
    if uses_fts():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
            assert cursor.fetchone()[0] == Matter.objects.count()


@pytest.mark.parametrize("q", ["物业", "小区物业 停车费", "拖欠工资", "无此内容"])
def test_common_words_are_paged_along_the_list_order_with_the_same_rows(county, q, monkeypatch):
    """On SQLite a word found in many matters is paged by reading the list newest first and
    keeping the hits (issue 14); the rows and their order are those of the count's spelling."""
    from xinfang.matters.services import search

    for i in range(3):
        register(county, title=f"拖欠工资{i}", content="某公司拖欠工资三个月")
    register(county)
    officer = county.users["officer"]
    monkeypatch.setattr(search, "FTS_ORDERED_SCAN_HITS", 0)  # every word counts as common here
    paged = list(filter_matters(officer, QueryDict(f"q={q}")).values_list("pk", flat=True))
    counted = filter_matters(officer, QueryDict(f"q={q}"), for_count=True)
    assert paged == list(counted.order_by("-received_at", "-id").values_list("pk", flat=True))
    assert len(paged) == counted.count()


def test_one_character_goes_through_the_index_as_a_prefix():
    """A surname (张) is the prefix of the tokens that start with it, not LIKE over every matter."""
    from xinfang.matters.services.search import RUN_BREAK, matter_text_filter

    if not uses_fts():
        pytest.skip("SQLite's FTS5")
    assert _phrase("张") == '"张"*' and _phrase(RUN_BREAK[0]) is None  # every document holds RUN_BREAK
    sql = str(Matter.objects.filter(matter_text_filter("张")).query)
    assert "MATCH" in sql and "LIKE" not in sql
    assert search_tokens("张三 a") == "张三 三 zzbreak a zzbreak"
