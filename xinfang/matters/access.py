"""Access to matters: the one place that decides who sees what (domain §6).

Lists, detail, exports, statistics and the API all start from ``visible_matters`` or
``access_matter``; personal data goes through ``can_reveal`` / ``identity_hidden``.
"""

from __future__ import annotations

from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value

from xinfang.core.errors import NotVisible
from xinfang.org.permissions import COUNTY_WIDE_ROLES, REVEAL_ROLES, UNIT_ROLES

from .choices import HandlingClass
from .models import Matter, MatterUnit


def visible_matters(user, queryset: QuerySet[Matter] | None = None, *, from_links: bool = False,
                    open_only: bool = False, due_before=None) -> QuerySet[Matter]:
    """Matters this user may see at all. ``from_links``: the same set written so that the database
    starts from the unit's links (for counting a unit's list; see ``visible_to_unit``);
    ``open_only`` / ``due_before`` with it: only the open ones / those whose nearest clock falls
    due before that day, read from the key (the caller filters county-wide readers' lists itself)."""
    return scoped_matters(matter_scope(user), queryset, from_links=from_links, open_only=open_only,
                          due_before=due_before)


def matter_scope(user) -> tuple:
    """All that ``visible_matters`` reads of a user: ``("none",)``, ``("county",)`` or
    ``("unit", unit_id)``. A query compiled once per scope (``core.prepared``) is keyed by it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ("none",)
    if user.has_role(*COUNTY_WIDE_ROLES):
        return ("county",)
    if user.unit_id and user.has_role(*UNIT_ROLES):
        return ("unit", user.unit_id)
    return ("none",)


def scoped_matters(scope: tuple, queryset: QuerySet[Matter] | None = None, *, from_links: bool = False,
                   open_only: bool = False, due_before=None) -> QuerySet[Matter]:
    """``visible_matters`` of the users of this scope (``matter_scope``)."""
    qs = Matter.objects.all() if queryset is None else queryset
    if scope[0] == "county":
        return qs
    if scope[0] == "unit":
        return visible_to_unit(scope[1], qs, from_links=from_links, open_only=open_only, due_before=due_before)
    return qs.none()


def uses_unit_key(user) -> bool:
    """Whether ``visible_matters(user, from_links=True)`` restricts through the unit's key."""
    return matter_scope(user)[0] == "unit"


def visible_to_unit(unit_id, queryset: QuerySet[Matter] | None = None, *, from_links: bool = False,
                    open_only: bool = False, due_before=None) -> QuerySet[Matter]:
    """Matters a unit's staff may see: those linked to the unit, except a confidential accusation
    against it (§30). Used for users of the unit and to check what may be sent to a unit.

    Two spellings of the same set: ``EXISTS`` over the links per matter (the definition) and
    ``from_links``: a join to the unit's visibility key (``UnitMatter``, one row per linked unit
    and matter, kept by triggers), which lists read newest first from the ``(unit, received_at)``
    index and count without testing every matter (issue 14); ``open_only`` reads only the open
    matters' key rows (``OPEN_STATES``, kept by a trigger on the status). Order such a list with
    ``UNIT_NEWEST_FIRST`` to page from that index. A property test compares the two spellings."""
    qs = Matter.objects.all() if queryset is None else queryset
    if from_links:  # one join to the key, all its conditions in one filter (one key row per matter)
        key = {"unit_keys__unit_id": unit_id}
        if open_only:  # the key's (unit, is_open, received_at) index range
            key["unit_keys__is_open"] = True
        if due_before is not None:  # the key's (unit, next_due) index range
            key["unit_keys__next_due__lt"] = due_before
        qs = qs.filter(**key)
    else:
        qs = qs.filter(Exists(MatterUnit.objects.filter(matter=OuterRef("pk"), unit_id=unit_id)))
    return qs.exclude(
        # §30: a confidential accusation never reaches the accused unit.
        Q(handling_class=HandlingClass.ACCUSATION, accused_unit_id=unit_id)
    )


class LinkedTo(Func):
    """PostgreSQL: the matter's ``unit_ids`` (migration 0019, kept with the visibility key) name the
    unit. A necessary condition of ``visible_to_unit``, never the rule: it lets PostgreSQL intersect a
    unit's matters with a search's hits in two indexes (a ``BitmapAnd``) instead of reading a matter
    row per key row. Written on the query's own alias of the matter table."""

    output_field = BooleanField()

    def __init__(self, unit_id: int):
        super().__init__(F("pk"), Value(int(unit_id)))

    def as_sql(self, compiler, connection, **extra):
        column = self.source_expressions[0]
        value, params = compiler.compile(self.source_expressions[1])
        return f'{compiler.quote_name_unless_alias(column.alias)}."unit_ids" @> ARRAY[({value})::bigint]', params


def count_visible_to_unit(unit_id) -> int:
    """``visible_to_unit(unit_id).count()`` without reading a matter row per key row (issue 14): the
    unit's key rows, counted from the key's index, less the accusations against the unit that are linked
    to it (§30: few, found through the accused-unit index). A property test compares it
    with the definition."""
    from .models import UnitMatter

    keys = UnitMatter.objects.filter(unit_id=unit_id)
    accusations = list(Matter.objects.filter(handling_class=HandlingClass.ACCUSATION, accused_unit_id=unit_id)
                       .order_by().values_list("pk", flat=True))  # from the accused-unit index, not per key row
    return keys.count() - (keys.filter(matter_id__in=accusations).count() if accusations else 0)


# The default list order (newest first) read from the visibility key's index; the same order as
# ("-received_at", "-id") because the key copies received_at and its matter is the matter.
UNIT_NEWEST_FIRST = ("-unit_keys__received_at", "-unit_keys__matter_id")
# The list sorted by 期限 (``sort=due``: next_due, then -id), read from the key's (unit, next_due) index.
UNIT_SOONEST_DUE = ("unit_keys__next_due", "-unit_keys__matter_id")


def users_who_see(users, matters) -> list:
    """Of ``users`` (order kept), those who may see every one of ``matters``: the rule of
    ``visible_matters`` decided for any number of users at once in at most two queries (the links
    of the users' units, and the confidential accusations against those units), not one per user.
    Used to address notices (a user who may not see a matter is never told of it, §30)."""
    ids = {m.pk for m in matters}
    out, unit_users = [], []
    for u in users:
        if u is None or not u.is_authenticated or not u.is_active:
            continue
        if u.has_role(*COUNTY_WIDE_ROLES):
            out.append(u)
        elif u.unit_id and u.has_role(*UNIT_ROLES):
            out.append(u)
            unit_users.append(u)
    if not ids or not unit_users:
        return out
    unit_ids = {u.unit_id for u in unit_users}
    linked = set(MatterUnit.objects.filter(matter_id__in=ids, unit_id__in=unit_ids).values_list("unit_id", "matter_id"))
    hidden = set(Matter.objects.filter(pk__in=ids, handling_class=HandlingClass.ACCUSATION, accused_unit_id__in=unit_ids)
                 .values_list("accused_unit_id", "pk"))
    seeing = {unit_id for unit_id in unit_ids if all((unit_id, m) in linked and (unit_id, m) not in hidden for m in ids)}
    return [u for u in out if u.has_role(*COUNTY_WIDE_ROLES) or u.unit_id in seeing]


def visible_numbers(user, numbers) -> set[str]:
    """Which of these matter numbers the user may see (one query)."""
    wanted = {str(n) for n in numbers if n}
    if not wanted:
        return set()
    return set(visible_matters(user).filter(number__in=wanted).values_list("number", flat=True))


def access_matter(user, number: str, *, for_update: bool = False, queryset=None) -> Matter:
    """The matter, or NotVisible (404) that does not reveal whether it exists."""
    qs = visible_matters(user, queryset)
    if for_update:
        qs = qs.select_for_update()
    matter = qs.filter(number=number).first()
    if matter is None:
        raise NotVisible()
    return matter


def identity_hidden(user, matter: Matter) -> bool:
    """§30: the accused unit never sees the reporter's identity."""
    if matter.handling_class != HandlingClass.ACCUSATION:
        return False
    if user is None or not getattr(user, "unit_id", None):
        return True
    return matter.accused_unit_id is not None and matter.accused_unit_id == user.unit_id


def can_reveal(user, matter: Matter) -> bool:
    """May this user reveal full ID numbers and phones of this matter's petitioners (a logged act)?"""
    if user is None or not user.is_authenticated:
        return False
    if identity_hidden(user, matter):
        return False
    if not user.has_role(*REVEAL_ROLES):
        return False
    if user.in_bureau:
        return True
    # Unit staff: only while their unit handles the matter.
    return matter.handling_unit_id is not None and matter.handling_unit_id == user.unit_id
