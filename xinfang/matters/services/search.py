"""Chinese full-text search: jieba segmentation (rjieba) on both SQLite and PostgreSQL.

The matter keeps ``search_text`` (title, content, accused party, number, petitioner names,
lower-cased). A query is segmented into words (jieba) and every word must occur in the text
(a substring, ``LIKE '%word%'``). Both databases index the text's **bigrams** for those lookups.
On PostgreSQL a GIN index of the generated column ``search_bigrams`` (a ``tsvector`` of the bigrams,
migration 0017) serves words of one and two characters, which a trigram index cannot: a two-character
word is one lexeme (exact, and its statistics tell the planner a common word from a rare one), one
character is a lexeme's prefix ('c':*). Longer words keep ``LIKE`` and the trigram GIN index
(migration 0003). On SQLite an FTS5 table (``matters_matter_fts``, migration 0011, issue 14) serves them:
it holds the text's **bigrams** (each pair of neighbouring letters or digits, one token each), and
a word of two or more characters is the FTS5 phrase of its bigrams — a phrase of consecutive
bigrams occurs exactly where the word occurs as a substring, so results are the same as
``LIKE`` (and as PostgreSQL's), only indexed; one character is the prefix query of the tokens that
start with it (each run's last character is a token too). Words with punctuation inside keep
``LIKE``. The services write the row (``index_matter``) whenever they write ``search_text``.
"""

from __future__ import annotations

import functools
import operator
import re

import rjieba
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Func, IntegerField, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan, In

STOP_WORDS = frozenset("的 了 和 与 及 或 在 是 被 把 对 向 我 你 他 她 们 有 无 也 都 就 要 请 关于 问题 反映".split())
_PUNCT = re.compile(r"^[\s\W_]+$", re.UNICODE)


def query_terms_all(text: str) -> list[str]:
    """Every meaningful word of a text, in order (the search query and the routing model both read these)."""
    text = (text or "").strip().lower()
    terms: list[str] = []
    for chunk in text.split():
        words = [w for w in rjieba.cut(chunk) if w.strip() and not _PUNCT.match(w)]
        kept = [w for w in words if w not in STOP_WORDS]
        terms.extend(kept or words)
    return terms


def query_terms(q: str) -> list[str]:
    seen: set[str] = set()
    return [t for t in query_terms_all(q) if not (t in seen or seen.add(t))][:12]


def text_filter(q: str) -> Q | None:
    terms = query_terms(q)
    if not terms:
        return None
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return condition


def build_search_text(*, number: str, title: str, content: str, accused_party: str = "", names=()) -> str:
    parts = [number, title, accused_party, " ".join(n for n in names if n), content]
    return " ".join(p for p in parts if p).lower()[:20000]


# ---- PostgreSQL: the GIN index of the bigrams (migration 0017, issue 14) -----------------------


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def term_tsquery(term: str) -> str:
    """The ``tsquery`` a word needs: its bigrams, or the prefix of its one character."""
    if len(term) == 1:
        return _lexeme(term) + ":*"
    return " & ".join(_lexeme(term[i:i + 2]) for i in range(len(term) - 1))


class BigramMatch(Func):
    """The matter's ``search_bigrams`` (PostgreSQL's generated column, not a model field) match a
    ``tsquery``; written on the query's own alias of the matter table, so it also works in subqueries."""

    output_field = BooleanField()

    def __init__(self, tsquery: str):
        super().__init__(F("search_text"), Value(tsquery))

    def as_sql(self, compiler, connection, **extra):
        column = self.source_expressions[0]  # the resolved search_text column: its table alias
        query, params = compiler.compile(self.source_expressions[1])
        table = compiler.quote_name_unless_alias(column.alias)
        return f'{table}."search_bigrams" @@ ({query})::tsquery', params


def _bigram_condition(terms: list[str], *, any_word: bool) -> Q:
    """PostgreSQL: words of one or two characters as one ``BigramMatch``, longer ones as ``LIKE``; all
    of them must occur, or (``any_word``) one of them."""
    short = [t for t in terms if len(t) <= 2]
    parts = [Q(BigramMatch((" | " if any_word else " & ").join(f"({term_tsquery(t)})" for t in short)))] if short else []
    parts += [Q(search_text__contains=t) for t in terms if len(t) > 2]
    return functools.reduce(operator.or_ if any_word else operator.and_, parts, Q())


def bigram_filter(terms: list[str]) -> Q:
    """Every word occurs (PostgreSQL): a word of one or two characters through the bigram index, a
    longer one through ``LIKE`` and the trigram index (migration 0003), which the planner estimates
    better for it than the product of the word's bigrams, taken as independent (拖欠工资: 82 rows
    for 27 995; it then filtered every hit instead of combining the status index)."""
    return _bigram_condition(terms, any_word=False)


def estimable(q: str) -> bool:
    """Whether PostgreSQL's estimate of a text search is close: one word of two characters, a lexeme
    of the column's statistics (工资 at a million matters: 64 300 for 62 597). Several words are
    multiplied as if independent (拆迁 and 补偿 that never meet were estimated at 25 000 for none), a
    prefix or a ``LIKE`` is estimated worse still: ``listing.SearchTotal`` counts those exactly or from a
    sample of ids (``listing.sampled_count``)."""
    terms = query_terms(q)
    return len(terms) == 1 and len(terms[0]) == 2


def any_term_filter(terms: list[str]) -> Q:
    """Some word occurs (the duplicate check's candidates, tested word by word afterwards): the same
    rows as ``LIKE`` on both databases, so that near misses never crowd a true candidate out of the
    newest 50. On PostgreSQL a word of one or two characters goes through the bigram index."""
    if connection.vendor == "postgresql":
        return _bigram_condition(terms, any_word=True)
    return functools.reduce(operator.or_, (Q(search_text__contains=t) for t in terms), Q())


# ---- SQLite: the FTS5 bigram index (issue 14) -------------------------------------------------

FTS_TABLE = "matters_matter_fts"
_RUN = re.compile(r"[^\W_]+")  # letters and digits: what FTS5's unicode61 tokenizer keeps together
RUN_BREAK = "zzbreak"  # between runs, so that a phrase never spans two runs (never a bigram itself)


def search_tokens(text: str) -> str:
    """The FTS5 document of a search text: its bigrams, run by run, and each run's last character
    (so that every character starts a token: one character is found as a prefix, migration 0018)."""
    out: list[str] = []
    for run in _RUN.findall(text or ""):
        if len(run) >= 2:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
        out.append(run[-1])
        out.append(RUN_BREAK)
    return " ".join(out)


def _phrase(term: str) -> str | None:
    """The FTS5 query of a word: the phrase of its bigrams, or one character's prefix ("张"*: the
    tokens that start with it). None where FTS5 cannot say it (punctuation inside; the first letter
    of RUN_BREAK, which every document holds)."""
    if not term or not _RUN.fullmatch(term) or term == RUN_BREAK[0]:
        return None
    if len(term) == 1:
        return f'"{term}"*'
    return '"' + " ".join(term[i:i + 2] for i in range(len(term) - 1)) + '"'


def uses_fts() -> bool:
    return connection.vendor == "sqlite"


# A word found in more matters than this is paged along the list's own order (SQLite, below).
FTS_ORDERED_SCAN_HITS = 2000


def matter_text_filter(q: str, *, for_page: bool = False, walk: bool = False) -> Q | None:
    """The matter list's ``q``: every word must occur; on SQLite through the FTS5 bigram index.

    ``walk`` (PostgreSQL, a page whose words are common among the list's rows, chosen by
    ``listing.page_source`` once the total is known): the words are tested on the rows the list's
    own order reaches, so the page stops after its rows instead of reading every hit (issue 14).
    ``strpos(search_text, word) > 0`` is the same test as ``LIKE '%word%'`` (the text and the words
    are lower-cased), but the bigram index does not serve it, and the planner, knowing nothing of
    it, takes it for a common condition: so it walks the order's index and stops at the page (a
    non-indexable ``lower(search_text) LIKE`` was estimated at one row and read every matter).

    ``for_page`` (the page query, not its count): when the words are common (more than
    ``FTS_ORDERED_SCAN_HITS`` matters; one FTS count tells), the page is read newest first along
    the ``received_at`` index, keeping the rows whose id is among the hits (``id + 0`` stops SQLite
    from fetching and sorting every hit instead): 1M matters, 28 000 hits, 147 → ~10 ms. Rare words
    keep the hits' rowid list, which is faster for them (issue 14)."""
    terms = query_terms(q)
    if not terms:
        return None
    if not uses_fts():
        if walk:
            return Q(*(GreaterThan(StrIndex("search_text", Value(term)), 0) for term in terms))
        return bigram_filter(terms)
    phrases, condition = [], Q()
    for term in terms:
        phrase = _phrase(term)
        if phrase is None:
            condition &= Q(search_text__contains=term)
        else:
            phrases.append(phrase)
    if phrases:
        match = " AND ".join(phrases)
        hits = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        if for_page and _fts_hits(match) > FTS_ORDERED_SCAN_HITS:
            condition &= Q(In(ExpressionWrapper(F("pk") + 0, output_field=IntegerField()), RawSQL(hits, [match])))
        else:
            condition &= Q(pk__in=RawSQL(hits, [match]))
    return condition


def _fts_hits(match: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        return cursor.fetchone()[0]


def index_matter(matter) -> None:
    """Write the matter's FTS5 row (SQLite; PostgreSQL's bigram column follows the text itself).
    Called by every service that writes ``search_text``, in its transaction."""
    if not uses_fts() or matter.pk is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, tokens) VALUES (%s, %s)",
                       [matter.pk, search_tokens(matter.search_text)])


def rebuild_index(matter_ids=None, *, batch: int = 5000, using=None, model=None) -> int:
    """(Re)write the FTS5 rows of these matters (all when None): the migrations (with their historical
    ``model``), bulk loaders and the demo generator, which write matters without the services."""
    if not uses_fts():
        return 0
    if model is None:
        from ..models import Matter as model

    qs = model.objects.order_by("pk")
    if matter_ids is not None:
        qs = qs.filter(pk__in=list(matter_ids))
    done, last = 0, 0
    with connection.cursor() as cursor:
        while True:
            rows = list(qs.filter(pk__gt=last).values_list("pk", "search_text")[:batch])
            if not rows:
                return done
            cursor.executemany(f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, tokens) VALUES (%s, %s)",
                               [(pk, search_tokens(text)) for pk, text in rows])
            done, last = done + len(rows), rows[-1][0]
