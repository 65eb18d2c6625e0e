"""Reads: the filtered matter list, the detail with its relations, duplicate candidates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from xinfang.core.errors import InvalidInput, NotVisible
from xinfang.core.masking import mask_id_number, mask_phone
from xinfang.core.prepared import Prepared
from xinfang.core.queries import AnyOf, Slot
from xinfang.core.validation import id_number_warning
from xinfang.org import reference

from .access import (
    UNIT_NEWEST_FIRST,
    UNIT_SOONEST_DUE,
    LinkedTo,
    access_matter,
    identity_hidden,
    matter_scope,
    scoped_matters,
    uses_unit_key,
    visible_matters,
    visible_numbers,
)
from .choices import OPEN_STATES, STATE_LABELS, Channel, Purpose, State
from .lookup import classify, lookup_condition
from .models import Attachment, Deadline, Event, Matter, Petition, Petitioner, PetitionPerson
from .overdue import not_overdue_q, overdue_q, overdue_unit_of
from .services.search import any_term_filter, matter_text_filter, query_terms

FLAG_FIELDS = {
    "collective": "is_collective",
    "repeat": "is_repeat",
    "skip_level": "is_skip_level",
    "law_related": "is_law_related",
    "confidential": "is_confidential",
    "anonymous": "is_anonymous",
    "major": "is_major",
    "backlog": "is_backlog",
    "cross": "is_cross",
}

SORTS = {
    "received": "received_at", "-received": "-received_at",
    "due": "next_due", "-due": "-next_due",
    "number": "number", "-number": "-number",
    "updated": "last_event_at", "-updated": "-last_event_at",
}


def _parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"日期“{value}”格式错误，应为 YYYY-MM-DD。", fields={field: "日期格式错误"}) from None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def as_bool(value: str) -> bool | None:
    v = (value or "").strip().lower()
    if v in {"1", "true", "yes", "是"}:
        return True
    if v in {"0", "false", "no", "否"}:
        return False
    return None


def filter_matters(user, params, *, today: dt.date | None = None, for_count: bool = False,
                   text_walk: bool = False) -> QuerySet[Matter]:
    """The one filter used by the workbench list, the API list and the Excel export.

    A unit user's list is read through the unit's visibility key (``visible_matters``
    ``from_links``, issue 14): page and count start from the unit's rows, not from every matter.
    ``for_count``: the rows are counted, not paged (the text search is then written for counting,
    ``matter_text_filter``); ``text_walk``: the page of a search whose words are common among the
    list's rows, read along the list's order (``page_source``)."""
    today = today or timezone.localdate()
    unit_list = uses_unit_key(user)
    get = params.get

    statuses = [s for s in (params.getlist("status") if hasattr(params, "getlist") else [get("status")]) if s]
    statuses = [x for s in statuses for x in str(s).split(",") if x]
    expanded: set[str] = set()
    if statuses:
        valid = set(State.values) | {"open"}
        bad = [s for s in statuses if s not in valid]
        if bad:
            raise InvalidInput(f"状态“{bad[0]}”无效。", fields={"status": "无效的状态"})
        for s in statuses:
            expanded |= set(OPEN_STATES) if s == "open" else {s}
    open_only = unit_list and expanded == set(OPEN_STATES)  # a unit's open list: from its key's open rows
    overdue = as_bool(get("overdue") or "")
    overdue_unit = overdue_unit_of(user)
    if get("overdue_for"):  # overdue for one unit (the per-unit figures link here)
        found = reference.unit_by_code(str(get("overdue_for")))  # cached per process
        overdue_unit = found.pk if found is not None else None
        if overdue_unit is None:
            raise InvalidInput(f"单位代码“{get('overdue_for')}”不存在。", fields={"overdue_for": "无效的单位代码"})
        overdue = True if overdue is None else overdue
    # A unit's overdue list starts from its key's rows due before today (a necessary condition).
    due_before = today if unit_list and overdue is True else None
    qs = visible_matters(user, from_links=True, open_only=open_only, due_before=due_before)
    if expanded and not open_only:
        qs = qs.filter(status__in=expanded)
    if get("unit"):
        unit = reference.unit_by_code(str(get("unit")))  # cached per process
        qs = qs.filter(handling_unit_id=unit.pk) if unit is not None else qs.none()
    if get("channel"):
        if get("channel") not in Channel.values:
            raise InvalidInput("信访形式无效。", fields={"channel": "无效的信访形式"})
        qs = qs.filter(channel=get("channel"))
    if get("purpose"):
        if get("purpose") not in Purpose.values:
            raise InvalidInput("信访目的无效。", fields={"purpose": "无效的信访目的"})
        qs = qs.filter(purpose=get("purpose"))
    if get("category"):
        category = reference.category_by_code(str(get("category")))
        level = category.level if category is not None else None
        if level is None:
            raise InvalidInput(f"内容分类代码“{get('category')}”不存在。", fields={"category": "无效的分类代码"})
        qs = qs.filter(category__code__startswith=str(get("category"))[: {1: 2, 2: 4}.get(level, 6)])
    if get("region"):
        region = reference.region_by_code(str(get("region")))
        level = region.level if region is not None else None
        if level is None:
            raise InvalidInput(f"行政区划代码“{get('region')}”不存在。", fields={"region": "无效的区划代码"})
        qs = qs.filter(region__code__startswith=str(get("region"))[: {1: 6, 2: 9}.get(level, 12)])
    if overdue is True:
        qs = qs.filter(overdue_q(today, overdue_unit))
    elif overdue is False:
        qs = qs.filter(not_overdue_q(today, overdue_unit))
    acknowledged = as_bool(get("acknowledged") or "")
    if acknowledged is not None:  # 签收: whether the handling unit has signed for the matter
        qs = qs.filter(acknowledged_at__isnull=not acknowledged)
    if get("due_before"):
        qs = qs.filter(next_due__lte=_parse_date(get("due_before"), "due_before"))
    if get("due_after"):
        qs = qs.filter(next_due__gte=_parse_date(get("due_after"), "due_after"))
    if get("received_after"):
        qs = qs.filter(received_at__gte=_day_start(_parse_date(get("received_after"), "received_after")))
    if get("received_before"):
        day = _parse_date(get("received_before"), "received_before")
        qs = qs.filter(received_at__lt=_day_start(day + dt.timedelta(days=1)))
    for flag, field in FLAG_FIELDS.items():
        value = as_bool(get(flag) or "")
        if value is not None:
            qs = qs.filter(**{field: value})
    if get("q"):
        qs = qs.filter(search_condition(user, str(get("q")), for_page=not for_count, walk=text_walk))
        if unit_list and not text_walk and connection.vendor == "postgresql":  # the unit's hits from two indexes (0019)
            qs = qs.filter(LinkedTo(user.unit_id))
    sort = SORTS.get(get("sort") or "", "-received_at")
    if sort == "-received_at" and unit_list:  # newest first straight from the unit's key index
        return qs.order_by(*UNIT_NEWEST_FIRST)
    if sort == "next_due" and unit_list:  # soonest due first from the key's (unit, next_due) index
        return qs.order_by(*UNIT_SOONEST_DUE)
    return qs.order_by(sort, "-id")


def search_condition(user, q: str, *, for_page: bool = False, walk: bool = False) -> Q:
    """``q``: the full text, or what a caller gives (numbers, 查询码, phone, ID number, name; see
    ``lookup``). Raises NotAllowed for an ID number searched by a role that may not see them."""
    lookup = classify(q)
    condition = lookup_condition(user, lookup)
    text = matter_text_filter(q, for_page=for_page, walk=walk) if lookup.kind != "id_number" else None
    if condition is not None and text is not None:
        return condition | text
    return condition if condition is not None else (text if text is not None else Q())


def direct_match(user, lookup) -> str | None:
    """The number of the one visible matter a matter/petition number or 查询码 names, else None."""
    condition = lookup_condition(user, lookup)
    if condition is None:
        return None
    numbers = list(visible_matters(user).filter(condition).values_list("number", flat=True)[:2])
    return numbers[0] if len(numbers) == 1 else None


def list_queryset(qs: QuerySet[Matter]) -> QuerySet[Matter]:
    """Everything a list row shows, in a fixed number of queries."""
    return qs.select_related("handling_unit", "category", "region")


# The matter's references to units, categories and regions, read from the per-process caches
# (``org.reference``) instead of joined: the detail's twelve-table join cost PostgreSQL 12 ms to plan at
# a million matters, on every connection's first uses (docs/benchmarks.md, session 9).
REFERENCES = {
    "handling_unit": reference.units, "registering_unit": reference.units, "accused_unit": reference.units,
    "review_body": reference.units, "recheck_body": reference.units, "upstream_unit": reference.units,
    "category": reference.categories, "region": reference.regions,
}


def with_references(matter: Matter) -> Matter:
    """``matter`` with its units, category (parents linked: ``path_name`` costs nothing) and region
    attached from the per-process caches; what ``detail_queryset`` does not join."""
    for name, table in REFERENCES.items():
        found = table().get(getattr(matter, f"{name}_id"))
        if found is not None:
            setattr(matter, name, found)
    return matter


def detail_queryset(qs: QuerySet[Matter]) -> QuerySet[Matter]:
    """The matter with every row its page shows, in a fixed number of queries; pass the matter read
    through ``with_references``."""
    return qs.select_related("registered_by").prefetch_related(
        Prefetch("events", queryset=Event.objects.select_related("actor", "unit").order_by("seq")),
        Prefetch("deadlines", queryset=Deadline.objects.select_related("unit").order_by("id")),
        Prefetch(
            "petitions",
            queryset=Petition.objects.select_related("registered_by").prefetch_related(
                Prefetch("person_links", queryset=PetitionPerson.objects.select_related("petitioner"))
            ),
        ),
        Prefetch("attachments", queryset=Attachment.objects.select_related("event__unit", "uploaded_by").order_by("uploaded_at", "id")),
    )


# ---- attachments (issue 15 §6) ---------------------------------------------------------------


def attachment_rows(user, matter: Matter) -> list[Attachment]:
    """The files of a matter this user may list (the caller got ``matter`` from the access function).

    §30: whoever may not see the reporter's identity gets no file at all — a letter, a photo or a
    report can name the petitioner, and a file cannot be masked (docs/security.md)."""
    if identity_hidden(user, matter):
        return []
    return list(matter.attachments.all())


def attachment_for(user, number: str, pk: int) -> tuple[Matter, Attachment]:
    """One file to download: through the access function and the same §30 rule; NotVisible otherwise."""
    matter = access_matter(user, number)
    if identity_hidden(user, matter):
        raise NotVisible("附件不存在。")
    att = Attachment.objects.filter(matter=matter, pk=pk).select_related("event").first()
    if att is None:
        raise NotVisible("附件不存在。")
    return matter, att


def public_attachments(matter: Matter) -> list[Attachment]:
    """What the petitioner sees on the portal: only the files marked 对信访人可见."""
    return list(matter.attachments.filter(public=True).select_related("event").order_by("uploaded_at", "id"))


def find_duplicates(user, *, ids, phones, names_addresses, title, region, category, today, lookback_days=365,
                    exclude_pk=None, limit=10, id_records=None) -> list[dict]:
    """Candidate matters for a new petition: same person, or similar content nearby (domain §5).

    Only among the matters ``user`` may see (§30: a duplicate check must not tell a unit about a
    confidential accusation against it, nor about other units' matters); ``user=None`` finds none.
    ``id_records``: the records of ``ids`` (``id_records_of``) where the caller has read them
    already (registration reads them once, for this check and for the petitioners it writes).
    """
    since = _day_start(today - dt.timedelta(days=lookback_days))
    scope = matter_scope(user)
    found: dict[int, dict] = {}
    people = _person_records(scope, ids, phones, names_addresses, id_records)
    if people:
        for m in _their_matters(scope, bool(exclude_pk), limit, people=people, since=since, exclude_pk=exclude_pk):
            found[m.pk] = _dup_row(m, "同一信访人")
    terms = [t for t in query_terms(title) if len(t) >= 2]
    if terms and len(found) < limit:
        similar = any_term_filter(terms)
        candidates = _recent(scope, since, exclude_pk or None).filter(region=region, category=category) \
            .filter(similar).order_by("-received_at")[:50]
        for m in candidates:
            if m.pk in found:
                continue
            overlap = sum(1 for t in terms if t in m.search_text)
            if overlap * 2 >= len(terms):
                found[m.pk] = _dup_row(m, "同属地、同类别、内容相近")
            if len(found) >= limit:
                break
    return list(found.values())


def _recent(scope: tuple, since, exclude_pk=None) -> QuerySet[Matter]:
    """The matters of the scope a new petition may repeat: open, or closed since ``since``."""
    qs = scoped_matters(scope).filter(Q(status__in=sorted(OPEN_STATES)) | Q(closed_at__gte=since)).only(*DUPLICATE_FIELDS)
    return qs if exclude_pk is None else qs.exclude(pk=exclude_pk)


@Prepared
def _their_matters(scope: tuple, excluding: bool, limit: int) -> QuerySet[Matter]:
    """The recent matters of the person records ``people``, newest first (compiled once per scope).

    A semi-join (no DISTINCT over joined rows) from the records themselves (a subquery of them
    misleads the planner into walking every recent matter). One array of them: the statement is the
    same for any number of records, so PostgreSQL keeps a plan for it instead of planning it on
    every registration (0.5 ms)."""
    theirs = PetitionPerson.objects.filter(AnyOf(F("petitioner_id"), Slot("people"))).values("petition__matter_id")
    excluded = Slot("exclude_pk", Matter._meta.pk) if excluding else None
    return _recent(scope, Slot("since", Matter._meta.get_field("closed_at")), excluded) \
        .filter(pk__in=theirs).order_by("-received_at", "-id")[:limit]


@Prepared
def _records_of_ids() -> QuerySet[Petitioner]:
    return Petitioner.objects.filter(AnyOf(F("id_number"), Slot("ids")))


def id_records_of(ids) -> list[Petitioner]:
    """Every petitioner record of these ID numbers (one per ID number and type; a registration
    names at most ``MAX_PETITIONERS``): the petitioners' rows are found among them."""
    return _records_of_ids(ids=ids) if ids else []


def _person_records(scope: tuple, ids, phones, names_addresses, id_records=None) -> list[int]:
    """The petitioner records whose matters the duplicate check looks at (issue 14).

    Every record of the ID numbers (one per ID number: never crowded out by a shared phone), and
    the newest ``PERSON_RECORDS_CHECKED`` records of the phones and names with addresses — for a
    unit's user, the newest among its own matters', so that a phone shared across the county does
    not crowd out the unit's own. A phone shared by thousands of matters then costs about what one
    shared by ten does (docs/workbench.md)."""
    people: list[int] = []
    records = id_records if id_records is not None else id_records_of(ids)
    people += [p.pk for p in records[:PERSON_RECORDS_CHECKED]]
    if phones or names_addresses:  # a phone or a name and address: shared at times (a family, a village committee)
        values = {"phones": phones, **{f"name{i}": n for i, (n, _) in enumerate(names_addresses)},
                  **{f"address{i}": a for i, (_, a) in enumerate(names_addresses)}}
        unit_id = scope[1] if scope[0] == "unit" else None
        people += _contact_records(unit_id, bool(phones), len(names_addresses), PERSON_RECORDS_CHECKED, **values)
    return people


@Prepared
def _contact_records(unit_id: int | None, phones: bool, pairs: int, limit: int) -> QuerySet[Petitioner]:
    """The newest records of the phones (``phones``) and of ``pairs`` names with addresses
    (``name0``, ``address0``, …); for a unit's user, among its own matters'."""
    name, address = Petitioner._meta.get_field("name"), Petitioner._meta.get_field("address")
    contact_q = Q(AnyOf(F("phone"), Slot("phones"))) if phones else Q()
    for i in range(pairs):
        contact_q |= Q(name=Slot(f"name{i}", name), address=Slot(f"address{i}", address))
    contacts = Petitioner.objects.filter(contact_q)
    if unit_id is not None:
        contacts = contacts.filter(petition_links__petition__matter__unit_keys__unit_id=unit_id).distinct()
    return contacts.order_by("-id").values_list("id", flat=True)[:limit]


def _matter_number_re() -> re.Pattern:
    return re.compile(rf"^{re.escape(settings.XINFANG_MATTER_PREFIX)}\d{{4}}-\d{{6}}$")


def redacted_event_params(user, events, known_visible=frozenset()) -> dict[int, dict]:
    """Each event's params (by event pk) without the numbers of matters ``user`` may not see.

    Events may name other matters (the duplicates found at registration were found with the
    registrar's view, not the reader's); one query for all events, none for the numbers the
    caller already found among the matters ``user`` may see (``known_visible``: the duplicates
    in the registrar's own 201 response).
    """
    number_re = _matter_number_re()

    def numbers_in(value):
        items = value if isinstance(value, list) else [value]
        return [x for x in items if isinstance(x, str) and number_re.match(x)]

    events = list(events)
    named = {n for e in events for value in (e.params or {}).values() for n in numbers_in(value)}
    allowed = visible_numbers(user, named - set(known_visible)) | (named & set(known_visible))  # no query if none unknown
    result = {}
    for e in events:
        params = dict(e.params or {})
        for key, value in list(params.items()):
            hidden = [n for n in numbers_in(value) if n not in allowed]
            if not hidden:
                continue
            if isinstance(value, list):
                params[key] = [x for x in value if x not in hidden]
            else:
                params.pop(key)
        result[e.pk] = params
    return result


DUPLICATE_FIELDS = ("number", "title", "status", "received_at", "search_text")
# How far back the duplicate check looks by phone and by name with address: the newest records
# (one per registration without an ID number); ID numbers are always looked at whole.
PERSON_RECORDS_CHECKED = 50


def _dup_row(m: Matter, reason: str) -> dict:
    return {
        "number": m.number,
        "title": m.title,
        "status": m.status,
        "status_label": STATE_LABELS.get(m.status, m.status),
        "received_at": m.received_at.isoformat(),
        "reason": reason,
    }


@dataclass
class PersonRow:
    name: str
    gender: str = ""  # Gender code
    id_number: str = ""
    phone: str = ""
    address: str = ""
    is_representative: bool = False
    petitions: list[str] = dataclasses.field(default_factory=list)
    id_warning: str = ""  # e.g. an address code missing from the national table (core.idnumber)


def petitioner_rows(matter: Matter, *, reveal: bool, hidden: bool) -> list[PersonRow]:
    """Each person once (across the matter's petitions), masked unless revealed; only a
    placeholder name when the identity is hidden (§30). The workbench page and the API both show
    petitioners through this one function (callers decide ``reveal``/``hidden`` with
    ``can_reveal``/``identity_hidden``)."""
    seen: dict[int, PersonRow] = {}
    for petition in matter.petitions.all():
        for link in petition.person_links.all():
            p = link.petitioner
            row = seen.get(p.pk)
            if row is None:
                if hidden:
                    row = PersonRow(name="（保密）")
                else:
                    row = PersonRow(
                        name=p.name,
                        gender=p.gender,
                        id_number=p.id_number if reveal else mask_id_number(p.id_number),
                        phone=p.phone if reveal else mask_phone(p.phone),
                        address=p.address,
                        id_warning=id_number_warning(p.id_number),
                    )
                seen[p.pk] = row
            row.is_representative = row.is_representative or link.is_representative
            row.petitions.append(petition.number)
    return list(seen.values())
