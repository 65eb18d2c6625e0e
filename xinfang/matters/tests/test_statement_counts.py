"""Statement counts of the hot paths, pinned (issue 14): registration, the inbox page, the detail.

Counted over the whole request (authentication is forced, so no session or token lookup).
Reference data is cached per process (xinfang.core.refcache); these tests commit their fixture
data (transactional) so that the cache is warm, as it is in a running server.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.core import background
from xinfang.matters import hooks
from xinfang.matters.services.search import uses_fts
from xinfang.testing.factories import petition_data, register

# SQLite writes the matter's FTS5 search row too (issue 14; PostgreSQL's trigram index needs no row)
FTS_ROW = 1 if uses_fts() else 0
# PostgreSQL takes the matter's and the petition's numbers from their sequences in one statement;
# SQLite bumps each gap-free counter row (numbering.next_values).
NUMBERS = 1 if connection.vendor == "postgresql" else 2

pytestmark = [pytest.mark.with_documents, pytest.mark.django_db(transaction=True)]


def _warm(client, county) -> None:
    """Two registrations: the first may seed the document templates of a flushed test database
    (which drops the caches again); after the second every cache holds."""
    for _ in range(2):
        assert client.post("/api/v1/matters/", petition_data(county), format="json").status_code == 201


def _statements(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def deferred_rendering(monkeypatch):
    """The after-commit jobs (documents' bytes, the audit chain's seal, the notices' sending) run
    off the request in production (thread or Celery): recorded, not run, not counted here."""
    queued = []
    monkeypatch.setattr(background, "dispatch", queued.extend)
    return queued


def test_registration_writes_each_row_once(county, api, deferred_rendering):
    client = api("registrar")
    _warm(client, county)
    deferred_rendering.clear()
    with hooks.suspended("xinfang.notifications.hooks"):  # the notice (issue 10) is counted below
        sql = _statements(lambda: client.post("/api/v1/matters/", petition_data(county), format="json"))
    writes = [s for s in sql if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    # 15 + the numbers: the duplicate check reads the person's records first (by ID number, then
    # the newest by phone), then their matters: bounded however many matters share a phone
    # (session 7). The records of the ID numbers serve the petitioners' rows too (session 11).
    assert len(sql) <= 15 + NUMBERS + FTS_ROW, "\n".join(sql)
    assert sum(s.startswith("SELECT") and 'FROM "matters_petitioner"' in s for s in sql) == 2, "\n".join(sql)
    # matter, petition, petitioner, person link, unit link, event, deadline, document: once each;
    # the matter and petition numbers (a sequence on PostgreSQL, the counter row on SQLite) and the
    # document's gap-free counter with one statement each; no second save of the matter; the audit
    # chain's head is not touched in the act's transaction (sealed after commit).
    assert sum(s.startswith('UPDATE "matters_matter"') for s in sql) == 0
    assert sum(s.startswith('INSERT INTO "matters_matter" (') for s in sql) == 1
    assert not any("core_chainhead" in s for s in sql), "\n".join(sql)
    assert len(writes) <= 11 + FTS_ROW, "\n".join(writes)
    assert not any("documents_documenttemplate" in s or "org_category" in s or "workdays_" in s for s in sql)
    assert [name for name, _ in deferred_rendering] == ["seal", "render"]  # after commit, off the request
    # The document's counter is the last lock taken: only its own INSERT follows before COMMIT.
    counter = max(i for i, s in enumerate(sql) if "matters_counter" in s and "value + 1" in s)
    assert (sql[counter + 1].startswith('INSERT INTO "documents_issueddocument"') and sql[counter + 2] == "COMMIT") or (
        "\n".join(sql))


def test_registration_with_its_notice(county, api, deferred_rendering):
    client = api("registrar")
    _warm(client, county)
    deferred_rendering.clear()
    sql = _statements(lambda: client.post("/api/v1/matters/", petition_data(county), format="json"))
    # The above + the notice's INSERT in the act's transaction; its sending follows after commit,
    # off the request (notifications.services.send_soon). 31 before issue 14, 22 in session 5
    # (head UPDATE, claim and sent UPDATEs in the request); 19 with the bounded duplicate check
    # (session 7); 17 on PostgreSQL in session 11 (both numbers in one statement, the ID
    # numbers' records read once). Issue 14's target is 25.
    assert len(sql) <= 16 + NUMBERS + FTS_ROW, "\n".join(sql)
    assert not any(s.startswith(('SELECT "matters_deadline".', 'SELECT "matters_petition".', 'SELECT "matters_petitionperson".'))
                   for s in sql), "\n".join(sql)  # nothing read back (the duplicates' semi-join reads links)
    assert not any(s.startswith("SELECT") and 'FROM "notifications_notification"' in s for s in sql), "\n".join(sql)
    assert sum('"notifications_notification"' in s for s in sql) == 1  # its INSERT
    assert sorted(name for name, _ in deferred_rendering) == ["render", "seal", "send"]


@pytest.mark.parametrize("page_size", [5, 50, 200])
def test_inbox_page_is_at_most_four_statements_whatever_the_page_size(county, api, deferred_rendering, page_size):
    for _ in range(6):
        register(county, user=county.users["handler"])
    client = api("handler")
    client.get("/api/v1/matters/?status=open")
    sql = _statements(lambda: client.get(f"/api/v1/matters/?status=open&page_size={page_size}"))
    assert len(sql) <= 4, "\n".join(sql)


def test_detail_is_bounded(county, api, deferred_rendering):
    matter = register(county).matter
    client = api("officer")
    client.get(f"/api/v1/matters/{matter.number}/")
    sql = _statements(lambda: client.get(f"/api/v1/matters/{matter.number}/"))
    # 10 + 1: the audit hash chain's head UPDATE before the access-log INSERT (merged audit chain).
    assert len(sql) <= 11, "\n".join(sql)
