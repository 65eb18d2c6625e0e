"""Reads used while registering: ID checks, petitioner look-up, duplicate candidates."""

from __future__ import annotations

from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import InvalidInput
from xinfang.core.idnumber import IdNumberError
from xinfang.core.idnumber import check_id_number as check_id
from xinfang.core.idnumber import normalize as normalize_id
from xinfang.core.masking import mask_id_number, mask_phone
from xinfang.matters.models import Petition, Petitioner
from xinfang.matters.selectors import find_duplicates
from xinfang.org.models import Category, Region
from xinfang.org.permissions import BUREAU_ROLES
from xinfang.workdays.models import current_rules


def may_look_up_people(user) -> bool:
    """Prefill from earlier petitions only for bureau intake staff (county-wide duty).

    Unit staff register what reaches them directly; letting them search every petitioner of the
    county would disclose other matters' personal data (个人信息保护法 §34: only what the duty needs).
    """
    return bool(user.in_bureau and user.has_role(*BUREAU_ROLES))


def check_id_number(value: str) -> dict:
    """The same validation the registration service applies (core.idnumber), as you type."""
    raw = normalize_id(value)
    if not raw:
        return {"state": "empty"}
    if len(raw) < 18 and not (len(raw) == 15 and raw.isdigit()):
        return {"state": "typing", "message": f"已输入 {len(raw)} 位，共 18 位"}
    try:
        checked = check_id(raw)
    except IdNumberError as exc:
        return {"state": "error", "message": exc.message}
    gender = {"male": "男", "female": "女"}[checked.gender]
    message = f"号码有效：{gender}，{checked.birth_date:%Y年%m月%d日}出生" + (f"，{checked.place}" if checked.place else "")
    if checked.warning:
        return {"state": "warning", "number": checked.number, "message": f"{message}。注意：{checked.warning}"}
    return {"state": "ok", "number": checked.number, "message": message}


def already_registered(user, key: str) -> bool:
    """This form (its idempotency key) was already saved: a double submit, replayed by the service."""
    return bool(key) and Petition.objects.filter(registered_by=user, idempotency_key=key[:80]).exists()


def find_person(*, id_number: str = "", phone: str = "") -> Petitioner | None:
    if id_number:
        return Petitioner.objects.filter(id_type="ric", id_number=id_number).first()
    if phone:
        return Petitioner.objects.filter(phone=phone).order_by("-created_at").first()
    return None


def person_card(person: Petitioner) -> dict:
    return {
        "name": person.name, "address": person.address,
        "id_masked": mask_id_number(person.id_number), "phone_masked": mask_phone(person.phone),
        "id_number": person.id_number, "phone": person.phone,
        "petitions": person.petitions.count(),
    }


def _safe(fn, value):
    try:
        return fn(value)
    except InvalidInput:
        return ""


def duplicate_candidates(user, *, persons: list[dict], title: str, region_code: str, category_code: str) -> list[dict]:
    """find_duplicates on what the registrar has typed so far (invalid parts are ignored).

    Only matters the user may see are offered (a town registering a walk-in must not learn
    about matters of other units through the duplicate check).
    """
    ids = [x for x in (_safe(v.normalize_id_number, p.get("id_number", "")) for p in persons) if x]
    phones = [x for x in (_safe(v.normalize_phone, p.get("phone", "")) for p in persons) if x]
    names_addresses = [(p["name"].strip(), p["address"].strip()) for p in persons
                       if (p.get("name") or "").strip() and (p.get("address") or "").strip()]
    region = Region.objects.filter(code=region_code).first() if region_code else None
    category = Category.objects.filter(code=category_code).first() if category_code else None
    if not (ids or phones or names_addresses or (title and region and category)):
        return []
    return find_duplicates(
        user, ids=ids, phones=phones, names_addresses=names_addresses, title=title or "", region=region,
        category=category, today=timezone.localdate(), lookback_days=current_rules().repeat_lookback_days,
    )
