"""Registering petitions (domain §2, §5; 条例 §19–23): a new matter, or a repeat on an open one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core import clock
from xinfang.core import validation as v
from xinfang.core.errors import IdempotencyKeyReused, InvalidInput, NotAllowed, StateConflict
from xinfang.core.idempotency import request_fingerprint
from xinfang.core.uploads import check_uploads
from xinfang.org import lookups, reference
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit
from xinfang.org.permissions import BUREAU_ROLES, UNIT_ROLES
from xinfang.workdays.models import current_rules, load_calendar
from xinfang.workdays.rules import AUTHORITY_CLOCKS, ClockKind

from .. import hooks
from ..choices import Channel, CloseReason, DeclineReason, Purpose, State
from ..models import Attachment, Matter, MatterUnit, Petition, PetitionPerson
from ..rows import rows
from ..workflow import Actor, with_notices
from .actions import apply_action
from .deadlines import ClockContext, new_clock
from .events import record_event
from .numbering import matter_number, new_query_code, petition_number
from .search import build_search_text, index_matter

MAX_PETITIONERS = 200


@dataclass
class PersonInput:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    gender: str = ""
    is_representative: bool = False


@dataclass
class RegistrationResult:
    matter: Matter
    petition: Petition
    duplicates: list = field(default_factory=list)
    replayed: bool = False
    held: dict = field(default_factory=dict)  # the rows just written (see matter_with_rows)

    def matter_with_rows(self) -> Matter:
        """The matter with the rows the registration wrote attached as prefetched relations, so
        that the API response reads nothing again (issue 14). Only right at registration."""
        if self.held:
            self.petition._prefetched_objects_cache = {"person_links": self.held["person_links"]}
            self.matter._prefetched_objects_cache = {k: v for k, v in self.held.items() if k != "person_links"}
        return self.matter


def _parse_persons(raw, *, anonymous: bool, max_representatives: int) -> list[PersonInput]:
    if raw in (None, ""):
        raw = []
    if not isinstance(raw, list):
        v.fail("petitioners", "信访人应为列表。")
    if len(raw) > MAX_PETITIONERS:
        v.fail("petitioners", f"信访人最多登记 {MAX_PETITIONERS} 人。")
    persons: list[PersonInput] = []
    seen_ids: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            v.fail("petitioners", f"第 {i + 1} 位信访人的信息格式错误。")
        prefix = f"petitioners[{i}]"
        name = str(item.get("name") or "").strip()
        if not name:
            v.fail(f"{prefix}.name", f"请填写第 {i + 1} 位信访人的姓名。")
        if len(name) > 40:
            v.fail(f"{prefix}.name", f"第 {i + 1} 位信访人的姓名过长。")
        id_number = v.normalize_id_number(str(item.get("id_number") or ""), field=f"{prefix}.id_number")
        if id_number and id_number in seen_ids:
            v.fail(f"{prefix}.id_number", f"身份证号码“{id_number}”重复登记。")
        seen_ids.add(id_number)
        phone = v.normalize_phone(str(item.get("phone") or ""), field=f"{prefix}.phone")
        persons.append(
            PersonInput(
                name=name,
                id_number=id_number,
                phone=phone,
                address=str(item.get("address") or "").strip()[:200],
                email=str(item.get("email") or "").strip()[:200],
                gender=v.gender_from_id(id_number) or str(item.get("gender") or ""),
                is_representative=v.boolean(item, "is_representative"),
            )
        )
    if not persons and not anonymous:
        v.fail("petitioners", "请至少登记一位信访人（匿名来信请勾选“匿名”）。")
    reps = sum(p.is_representative for p in persons)
    if reps > max_representatives:
        v.fail(
            "petitioners",
            f"多人采用走访形式提出同一信访事项的，应当推选代表，代表人数不超过 {max_representatives} 人（《信访工作条例》第二十条）；当前为 {reps} 人。",
        )
    return persons


def _check_files(files) -> None:
    """Refuse bad uploads before anything is written; remember each file's sniffed type."""
    for f, mime in zip(files or [], check_uploads(files), strict=False):
        f._xinfang_mime = mime


def _replayed(actor, idempotency_key: str, request_hash: str = "") -> RegistrationResult | None:
    """A registration retried with the same Idempotency-Key returns the petition it created;
    the same key with a different request is refused (issue 9 §6)."""
    if not idempotency_key or actor is None:
        return None
    existing = Petition.objects.filter(registered_by=actor, idempotency_key=idempotency_key).select_related("matter").first()
    if existing is None:
        return None
    if existing.request_hash and request_hash and existing.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return RegistrationResult(matter=existing.matter, petition=existing, duplicates=[], replayed=True)


def _held(manager, rows):
    """A related queryset that already holds ``rows`` (what prefetch_related leaves behind)."""
    qs = manager.get_queryset()
    qs._result_cache = list(rows)
    qs._prefetch_done = True
    return qs


def _registering_unit(actor, registering_unit: Unit | None) -> Unit:
    if actor is None:
        if registering_unit is None:
            registering_unit = Unit.objects.filter(kind=UnitKind.BUREAU).order_by("id").first()
        if registering_unit is None:
            raise InvalidInput("系统尚未设置信访局单位。")
        return registering_unit
    if actor.unit_id is None:
        raise NotAllowed("您的账号未关联单位，不能登记信访件。")
    unit = reference.unit(actor.unit_id) or actor.unit  # cached per process
    if actor.in_bureau and actor.has_role(*BUREAU_ROLES):
        return unit
    if not actor.in_bureau and actor.has_role(*UNIT_ROLES):
        return unit
    raise NotAllowed("您的角色不能登记信访件。")


def _save_attachments(matter: Matter, petition: Petition, files, actor, via: str = "staff") -> list[Attachment]:
    """The petition's own files; what the petitioner uploaded on the portal is visible to them."""
    saved = []
    for f in files or []:
        data = f.read()
        digest = hashlib.sha256(data).hexdigest()
        f.seek(0)
        att = Attachment(
            matter=matter, petition=petition, name=str(f.name)[:200], mime=getattr(f, "_xinfang_mime", ""),
            size=len(data), sha256=digest, uploaded_by=actor if actor is not None else None,
            via=via, public=via == "portal",
        )
        att.file.save(digest[:16], f, save=False)
        att.save()
        saved.append(att)
    return saved


def _parse_common(data: dict, params_rules) -> dict:
    received_raw = data.get("received_at")
    if received_raw in (None, ""):
        received = clock.now()
    else:
        received = v.datetime_value(received_raw, "received_at", "收到时间")
    if received > clock.now() + v.CLOCK_SKEW:
        v.fail("received_at", "收到时间不能晚于当前时间。")
    if received.year < 2000:
        v.fail("received_at", "收到时间不合理。")
    return {"received_at": received}


class DuplicatesToConfirm(StateConflict):
    """409: possible duplicates the caller has not shown yet; nothing was saved."""

    code = "duplicates"

    def __init__(self, candidates: list[dict]):
        super().__init__("发现疑似重复的信访事项，请先核对：属同一事项的作为重复件登记，确认不是的再登记为新事项。",
                         fields={"duplicates": [c["number"] for c in candidates]})
        self.candidates = candidates


def _seen_numbers(value) -> set[str] | None:
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, (list, tuple, set)) else None
    if items is None:
        v.fail("duplicates_seen", "duplicates_seen 应为事项编号列表。")
    return {str(x).strip() for x in items if str(x).strip()}


def _written(write, actor, idempotency_key: str, request_hash: str) -> RegistrationResult:
    """``write()`` in one transaction. A registration that loses a race for a unique row is written
    once more: the same ``Idempotency-Key`` committed meanwhile by a retry gives that result; the same
    new petitioner registered by two registrars at once (the ID number is unique) is found by the
    second attempt's upsert. A rolled-back attempt leaves a gap in the sequenced numbers (numbering.py)."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError:
            replayed = _replayed(actor, idempotency_key, request_hash)
            if replayed is not None:
                return replayed
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def register_petition(
    *,
    actor,
    data: dict,
    files=(),
    idempotency_key: str = "",
    via: str = "staff",
    registering_unit: Unit | None = None,
    duplicates_seen=None,
) -> RegistrationResult:
    """Register a petition and the new matter it creates. Returns duplicate candidates too.

    The duplicate rule (one, for every caller): the service finds the candidates (among matters
    the registrar may see) and records them on the register event. A caller that shows them
    before saving says which it has shown (``duplicates_seen``, or ``data["duplicates_seen"]`` from
    the API); while any candidate is unseen, nothing is saved (``DuplicatesToConfirm``, 409). A
    caller that passes nothing (the API by its contract, the portal — a petitioner never sees
    other matters) registers at once and gets the candidates back."""
    unit = _registering_unit(actor, registering_unit)
    params = current_rules()
    channel = v.choice(data, "channel", "信访形式", Channel)
    purpose = v.choice(data, "purpose", "信访目的", Purpose)
    category = lookups.category_by_code(data.get("category"))
    region = lookups.region_by_code(data.get("region"))
    title = v.text(data, "title", "标题", max_length=200)
    content = v.text(data, "content", "诉求及概况", max_length=20000)
    anonymous = v.boolean(data, "anonymous")
    confidential = v.boolean(data, "confidential")
    persons = _parse_persons(data.get("petitioners"), anonymous=anonymous, max_representatives=params.max_representatives)
    headcount = v.integer(data, "headcount", "信访人数", required=False, minimum=1, maximum=100000,
                          default=max(len(persons), 1))
    if headcount < len(persons):
        v.fail("headcount", f"信访人数（{headcount}）不能少于登记的信访人数（{len(persons)}）。")
    involved = v.integer(data, "involved_count", "涉及人数", required=False, minimum=1, maximum=10000000,
                         default=headcount)
    visitors = v.integer(data, "visitors_count", "实际来访人数", required=False, minimum=0, maximum=100000,
                         default=headcount if channel == Channel.VISIT else 0)
    accused_unit = None
    if data.get("accused_unit"):
        accused_unit = lookups.unit_by_code(data.get("accused_unit"), field="accused_unit", label="被反映单位")
    accused_party = v.text(data, "accused_party", "被反映人或单位", required=False, max_length=200)
    if confidential and purpose != Purpose.ACCUSATION:
        v.fail("confidential", "只有揭发控告类信访事项可以标记为检举控告保密。")
    upstream_unit = None
    if data.get("upstream_unit"):
        upstream_unit = lookups.unit_by_code(data.get("upstream_unit"), field="upstream_unit", label="上级交转单位")
    upstream_due = v.date_value(data, "upstream_due", "上级要求办结日期", required=False)
    upstream_number = v.text(data, "upstream_number", "上级编号", required=False, max_length=60)
    if channel == Channel.UPSTREAM and not upstream_number:
        v.fail("upstream_number", "上级转交办的信访件请填写上级交办编号。")
    common = _parse_common(data, params)
    received = common["received_at"]
    _check_files(files)
    idempotency_key = (idempotency_key or "").strip()[:80]
    request_hash = request_fingerprint(data, files) if idempotency_key and actor is not None else ""
    replayed = _replayed(actor, idempotency_key, request_hash)
    if replayed is not None:
        return replayed

    ids = [p.id_number for p in persons if p.id_number]
    # Read once for the duplicate check and for the petitioners' rows; only the first attempt of
    # write() uses them (a retry after a lost race reads the records again).
    known = [rows().id_records(ids)]
    duplicates = rows().find_duplicates(
        actor,  # only matters the registrar may see (§30); none for the anonymous portal
        id_records=known[0],
        ids=ids,
        phones=[p.phone for p in persons if p.phone],
        names_addresses=[(p.name, p.address) for p in persons if p.address],
        title=title,
        region=region,
        category=category,
        today=clock.today(),
        lookback_days=params.repeat_lookback_days,
    )
    seen = _seen_numbers(duplicates_seen if duplicates_seen is not None else data.get("duplicates_seen"))
    if seen is not None and any(d["number"] not in seen for d in duplicates):
        raise DuplicatesToConfirm(duplicates)

    ctx = ClockContext(params, load_calendar())  # cached per process (xinfang.core.refcache)
    year = timezone.localtime(received).year
    in_bureau = unit.is_bureau
    received_day = timezone.localtime(received).date()
    # A unit receiving a petition directly registers it and answers for acceptance.
    clock_kind = ClockKind.DISPOSE if in_bureau else ClockKind.ACCEPT
    registered_by = actor if actor is not None else None
    def write() -> RegistrationResult:
        # Each row is written once (issue 14). Reads and arithmetic happen before; from the
        # first number on, the transaction only inserts, so the counter rows stay locked for
        # a few inserts (documents are rendered after commit).
        records = known.pop() if known else None  # first attempt only: a retry reads them again
        seq, petition_seq = rows().next_values(("matter", "petition"), year)
        number = matter_number(year, seq)
        matter = Matter(
            number=number, year=year, seq=seq, status=State.REGISTERED,
            registering_unit=unit, registered_by=registered_by,
            handling_unit=None if in_bureau else unit,
            received_at=received, channel=channel, purpose=purpose,
            category=category, region=region,
            region_detail=v.text(data, "region_detail", "属地详址", required=False, max_length=200),
            title=title, content=content, accused_unit=accused_unit, accused_party=accused_party,
            headcount=headcount, involved_count=involved,
            is_collective=headcount >= params.collective_threshold,
            is_skip_level=v.boolean(data, "skip_level") or channel == Channel.UPSTREAM,
            is_law_related=v.boolean(data, "law_related"),
            is_confidential=confidential, is_anonymous=anonymous,
            is_major=v.boolean(data, "major"), is_backlog=v.boolean(data, "backlog"),
            is_cross=v.boolean(data, "cross"), is_public=v.boolean(data, "public", default=True),
            upstream_number=upstream_number, upstream_unit=upstream_unit, upstream_due=upstream_due,
            petitioner_names="、".join(p.name for p in persons)[:200] if not anonymous else "匿名",
        )
        matter.set_handling_class()
        matter.search_text = build_search_text(
            number=number, title=title, content=content, accused_party=accused_party,
            names=[p.name for p in persons],
        )
        deadline = new_clock(ctx, matter, clock_kind, received_day, unit=unit)
        if clock_kind in AUTHORITY_CLOCKS:  # what refresh_next_due would find: the only clock
            matter.next_due, matter.next_due_kind = deadline.due, deadline.kind
        # Written once, already carrying what its first event leaves (record_event below
        # bumps the in-memory counters back to these values).
        matter.event_count, matter.version, matter.last_event_at = 1, 1, received
        rows().save(matter)
        matter.event_count, matter.version, matter.last_event_at = 0, 0, None
        index_matter(matter)  # SQLite's FTS5 row (issue 14)
        petition = rows().create(
            Petition, number=petition_number(year, petition_seq), matter=matter, query_code=new_query_code(),
            channel=channel, received_at=received, registered_by=registered_by,
            registering_unit=unit, content=content, headcount=headcount, visitors_count=visitors,
            upstream_number=upstream_number, idempotency_key=idempotency_key if actor is not None else "", request_hash=request_hash,
        )
        links = [
            rows().create(PetitionPerson, petition=petition, petitioner=rows().upsert_petitioner(p, records),
                          is_representative=p.is_representative, position=i)
            for i, p in enumerate(persons)
        ]
        now = clock.now()
        matter_units = [rows().create(MatterUnit, matter=matter, unit=unit, role=MatterUnit.Role.REGISTERED, since=now)]
        if not in_bureau:
            matter_units.append(rows().create(MatterUnit, matter=matter, unit=unit, role=MatterUnit.Role.LEAD, since=now))
        event = record_event(
            matter, "register", actor=actor, occurred_at=received, via=via, to_status=State.REGISTERED,
            unit=unit,
            params=with_notices("register", {
                "petition": petition.number, "channel": channel,
                "duplicates": [d["number"] for d in duplicates],
            }),
        )
        deadline.matter, deadline.event = matter, event
        rows().save(deadline)
        attachments = _save_attachments(matter, petition, files, actor, via)
        held = {}
        if petition.pk is not None and matter.pk is not None:  # (the demo's in-memory run has no keys)
            # What the receipt and the response read, from memory instead of the database.
            held = {"person_links": _held(petition.person_links, links),
                    "petitions": _held(matter.petitions, [petition]), "events": _held(matter.events, [event]),
                    "deadlines": _held(matter.deadlines, [deadline]),
                    "attachments": _held(matter.attachments, attachments)}
            RegistrationResult(matter, petition, held=held).matter_with_rows()
        hooks.run(event, matter)
        return RegistrationResult(matter=matter, petition=petition, duplicates=duplicates, held=held)

    result = _written(write, actor, idempotency_key, request_hash)
    # Callers keep the matter: no stale relation caches once more rows are added to it.
    result.matter._prefetched_objects_cache = {}
    result.petition._prefetched_objects_cache = {}
    return result


def add_petition(
    *,
    actor,
    matter: Matter,
    data: dict,
    files=(),
    idempotency_key: str = "",
    via: str = "staff",
) -> RegistrationResult:
    """Link a repeat petition (重复件) to an existing matter. Clocks are not restarted.

    On a matter closed by 复核, the same facts are not accepted again (§36): the petition is
    recorded and a 不再受理 decision with its notice is recorded at once.
    """
    unit = _registering_unit(actor, None)
    params = current_rules()
    channel = v.choice(data, "channel", "信访形式", Channel)
    content = v.text(data, "content", "来信来访内容", required=False, max_length=20000)
    persons = _parse_persons(data.get("petitioners"), anonymous=True, max_representatives=params.max_representatives)
    headcount = v.integer(data, "headcount", "信访人数", required=False, minimum=1, maximum=100000,
                          default=max(len(persons), 1))
    common = _parse_common(data, params)
    received = common["received_at"]
    _check_files(files)
    idempotency_key = (idempotency_key or "").strip()[:80]
    request_hash = request_fingerprint(data, files) if idempotency_key and actor is not None else ""
    replayed = _replayed(actor, idempotency_key, request_hash)
    if replayed is not None:
        return replayed

    def write(matter: Matter) -> RegistrationResult:
        matter = rows().lock(matter)
        occurred = received if matter.last_event_at is None or received >= matter.last_event_at else clock.now()
        year = timezone.localtime(received).year
        petition = rows().create(
            Petition, number=petition_number(year, rows().next_value("petition", year)), matter=matter, query_code=new_query_code(), channel=channel,
            received_at=received, registered_by=actor if actor is not None else None, registering_unit=unit,
            is_repeat=True, content=content, headcount=headcount,
            visitors_count=headcount if channel == Channel.VISIT else 0,
            idempotency_key=idempotency_key if actor is not None else "", request_hash=request_hash,
        )
        names = []
        for i, p in enumerate(persons):
            rows().create(PetitionPerson, petition=petition, petitioner=rows().upsert_petitioner(p),
                          is_representative=p.is_representative, position=i)
            names.append(p.name)
        matter.petition_count += 1
        matter.is_repeat = True
        if names:
            matter.search_text = (matter.search_text + " " + " ".join(names).lower())[:20000]
        event = record_event(
            matter, "add_petition", actor=actor, occurred_at=occurred, via=via,
            from_status=matter.status, to_status=matter.status, unit=unit,
            params=with_notices("add_petition", {"petition": petition.number, "channel": channel,
                                                 "received_at": received.isoformat()}),
        )
        rows().save(matter)
        if names:
            index_matter(matter)
        _save_attachments(matter, petition, files, actor, via)
        hooks.run(event, matter)
        if matter.status == State.CLOSED and matter.close_reason == CloseReason.RECHECKED:
            # §36: the same facts after 复核 are not accepted again — the table's decline, by the
            # registration itself (actor ``system``), answering this petition.
            decline_event = apply_action(
                actor=actor, matter=matter, kinds={Actor.SYSTEM}, action="decline", via=via,
                params={"reason": DeclineReason.SAME_FACTS_AFTER_RECHECK.value, "occurred_at": occurred,
                        "note": "复核终结后以同一事实和理由再次提出，不再受理（《信访工作条例》第三十六条）。"},
                facts={"petition": petition.number},
            )
            rows().save(matter)
            hooks.run(decline_event, matter)
        return RegistrationResult(matter=matter, petition=petition)

    return _written(lambda: write(matter), actor, idempotency_key, request_hash)


def role_may_register(user) -> bool:
    try:
        _registering_unit(user, None)
    except (NotAllowed, InvalidInput):
        return False
    return True


__all__ = ["DuplicatesToConfirm", "RegistrationResult", "add_petition", "register_petition", "role_may_register"]
