"""How a matter list is counted and paged (issue 14): the total from the cheapest exact source, or
PostgreSQL's estimate where an exact count is not cheap (``count_source``), and a search's page read
the cheaper of two equal ways once the total is known (``page_source``). The rows themselves are
always ``selectors.filter_matters``'s."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Max, Min, Q, QuerySet

from xinfang.core.counting import estimate_above, estimated_total, planned_rows

from .access import count_visible_to_unit, uses_unit_key
from .lookup import classify
from .models import Matter
from .selectors import as_bool, filter_matters, list_queryset
from .services.search import estimable, query_terms

# Request parameters that choose a page, its size, order or format, never which rows: a unit's list
# with no other parameter is the whole of what the unit may see.
NOT_FILTERS = frozenset({"page", "page_size", "per_page", "sort", "format", "export"})


def _filters(params) -> bool:
    """Whether any parameter chooses rows: every value of a repeated key counts
    (``status=closed&status=`` filters, as ``filter_matters`` reads it)."""
    values = params.lists() if hasattr(params, "lists") else ((k, [v]) for k, v in params.items())
    return any(v for k, vs in values if k not in NOT_FILTERS for v in vs)


class UnitTotal:
    """The count of a unit's whole list, read from its visibility key (``count_visible_to_unit``)."""

    def __init__(self, unit_id) -> None:
        self.unit_id = unit_id

    def count(self) -> int:
        return count_visible_to_unit(self.unit_id)


class Complement:
    """The count of ``overdue=false``: the same list without the overdue filter, less its overdue
    part. Both are index counts; ``NOT EXISTS`` counted row by row read every matter (538 ms at a
    million on SQLite, issue 14). Where the whole is PostgreSQL's estimate of an unfiltered list,
    the difference is an estimate too (``estimated``, shown with 约)."""

    estimated = False

    def __init__(self, whole, part) -> None:
        self.whole, self.part = whole, part

    def count(self) -> int:
        total = estimated_total(self.whole)
        if total is None:
            total = self.whole.count()
            self.estimated = bool(getattr(self.whole, "estimated", False))  # a common search's estimate
        else:
            self.estimated = True
        return max(total - self.part.count(), 0)


# A search list on PostgreSQL that the planner expects to hold more matters than this is counted as
# that estimate, shown with 约: an exact count reads every hit's page (62 597 hits of 工资 at a
# million matters: ~150 ms), and the bigram statistics estimate a common word within a few percent.
SEARCH_EXACT_UP_TO = 20_000
# Words the planner cannot estimate (a longer word's LIKE, one character, several words) are first
# counted on a sample: SEARCH_SAMPLE_WINDOWS runs of consecutive ids, spread evenly over the matters'
# ids and together SEARCH_SAMPLE_SHARE of them, read through the primary key and the words' index at
# once (a BitmapAnd: ~10 ms at a million matters). Above SEARCH_SAMPLED_FROM (≥ 100 hits in the
# sample, within about 10 %) the total is that estimate, to two significant figures; below it, the
# exact count is cheap enough. Only for tables of XINFANG_ESTIMATE_COUNT_ABOVE matters or more.
SEARCH_SAMPLE_SHARE = 0.01
SEARCH_SAMPLE_WINDOWS = 50
SEARCH_SAMPLED_FROM = 10_000


def sampled_count(rows: QuerySet[Matter]) -> int | None:
    """An estimate of ``rows.count()`` from a fixed sample of ids (the same windows every time, so a
    list's total does not move between its pages); None for a table too small to need one."""
    span = Matter.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    if span["lo"] is None:
        return None
    lo, size = span["lo"], span["hi"] - span["lo"] + 1
    if size < estimate_above():
        return None
    count = min(SEARCH_SAMPLE_WINDOWS, size)
    step, width = size // count, max(int(size * SEARCH_SAMPLE_SHARE / count), 1)
    windows = Q()
    for i in range(count):
        windows |= Q(pk__gte=lo + i * step, pk__lt=lo + i * step + width)
    hits = rows.filter(windows).count()
    return round(hits * size / (width * count))


class SearchTotal:
    """The count of a search list on PostgreSQL: exact, unless it is large. Large means: its words are
    ones the planner estimates closely (``search.estimable``) and it expects more than
    ``SEARCH_EXACT_UP_TO`` matters (then that estimate, to three significant figures); or, for a
    county-wide reader's search with no other filter (``sampled``), the sample (``sampled_count``) finds more than
    ``SEARCH_SAMPLED_FROM`` (then the sample's estimate, to two). ``estimated`` then is True.
    A unit's search is always counted exactly: its matters are too few for a sample to say much."""

    estimated = False

    def __init__(self, rows: QuerySet[Matter], *, estimable: bool, sampled: bool = False) -> None:
        self.rows, self.estimable, self.sampled = rows, estimable, sampled

    def count(self) -> int:
        planned = planned_rows(self.rows) if self.estimable else 0
        if planned > SEARCH_EXACT_UP_TO:
            self.estimated = True
            return int(float(f"{planned:.3g}"))
        guess = sampled_count(self.rows) if self.sampled and not self.estimable else None
        if guess is not None and guess > SEARCH_SAMPLED_FROM:
            self.estimated = True
            return int(float(f"{guess:.2g}"))
        return self.rows.count()


def _changed(params, **changes):
    """A copy of the request's parameters with some replaced (None: removed)."""
    copy = params.copy()
    for key, value in changes.items():
        if value is None:
            copy.pop(key, None)
        else:
            copy[key] = value
    return copy


def count_source(user, params, *, today: dt.date | None = None):
    """What a list's total is counted from: for a unit user's unfiltered list the unit's key (an index
    count, 52 000 matters in a few ms); for ``overdue=false`` the list without it less its overdue
    part (``Complement``); for a search on PostgreSQL the rows or, when they are many, the planner's
    estimate (``SearchTotal``); else the filtered rows themselves."""
    if uses_unit_key(user) and not _filters(params):
        return UnitTotal(user.unit_id)
    if as_bool(params.get("overdue") or "") is False:
        whole = count_source(user, _changed(params, overdue=None, overdue_for=None), today=today)
        part = filter_matters(user, _changed(params, overdue="true"), today=today, for_count=True)
        return Complement(whole, part)
    rows = filter_matters(user, params, today=today, for_count=True)
    if params.get("q") and connection.vendor == "postgresql":
        # Sampled: a county-wide reader's search with no other filter (with one, the exact count is
        # usually cheap through both indexes, and a sample would only add to it).
        sampled = not uses_unit_key(user) and not _filters(_changed(params, q=None))
        return SearchTotal(rows, estimable=estimable(str(params["q"])), sampled=sampled)
    return rows


# A search page on PostgreSQL is read along the list's own order when that order is expected to reach
# the page's last row within this many rows (issue 14; ``page_source``).
SEARCH_WALK_ROWS = 5000


def page_source(user, params, *, today: dt.date | None = None):
    """How a search list's page is read once its total is known (PostgreSQL; None otherwise).

    PostgreSQL often cannot tell how many matters a word is in (a longer word's ``LIKE`` has no usable
    statistics: ``search_text`` is wider than what they keep), so it reads every hit and sorts them
    (拖欠工资: 27 995 hits at a million matters, 20 ms for the page) even where the list's own order
    would reach the page after a few hundred rows (walked: 2–3 ms). With the total counted, the
    page's cost along that order is about
    ``(rows up to the page's end) × (rows of the list without q) ÷ total``; when that is under
    ``SEARCH_WALK_ROWS`` the words are tested on those rows instead
    (``matter_text_filter(walk=True)``). The rows and their order are the same either way (tests)."""
    if not params.get("q") or connection.vendor != "postgresql":
        return None
    q = str(params["q"])
    if classify(q).kind == "id_number" or not query_terms(q):
        return None  # no words are tested (an ID number is looked up alone): nothing to walk

    def read(total: int, upto: int) -> QuerySet[Matter]:
        walk = False
        if total > 0:
            without_q = planned_rows(filter_matters(user, _changed(params, q=None), today=today))
            walk = upto * without_q <= SEARCH_WALK_ROWS * total
        return list_queryset(filter_matters(user, params, today=today, text_walk=walk))

    return read
