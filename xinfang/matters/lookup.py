"""Finding a matter by what a caller gives (issue 15 §3): a matter or petition number, the 查询码,
a phone number, an ID number or a name, besides the Chinese full text.

``classify`` reads the shape of the typed text; ``lookup_condition`` turns it into a condition on
matters that is OR-ed with the full-text condition (so a word that merely looks like a code still
finds what the text search finds). The condition is always applied to ``visible_matters`` by the
caller (``selectors.filter_matters``): the access function decides what anyone finds.

Phones and ID numbers are stored as normalised plain text with an index (``Petitioner.phone`` /
``id_number``), so the search is an exact indexed match: nothing is decrypted or scanned.
ID numbers may be searched only by the roles that may see them (``Ability.REVEAL``); unit staff
only among the matters their unit handles (``access.can_reveal``). The caller logs every such
search (``services.search_log``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from xinfang.core.errors import NotAllowed
from xinfang.core.masking import mask_id_number, mask_phone
from xinfang.org.permissions import Ability, may

from .models import Petition, PetitionPerson
from .services.numbering import (
    LEGACY_QUERY_CODE_ALPHABET,
    LEGACY_QUERY_CODE_LENGTH,
    QUERY_CODE_ALPHABET,
    QUERY_CODE_LENGTH,
)

KIND_LABELS = {
    "matter_number": "事项编号",
    "petition_number": "信访件编号",
    "query_code": "查询码",
    "phone": "信访人电话",
    "id_number": "信访人证件号码",
    "name": "信访人姓名",
    "text": "全文",
}

_ID_RE = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_PHONE_RE = re.compile(r"^\+?\d{7,14}$")
_NAME_RE = re.compile(r"^[\u3400-\u9fff·•]{2,12}$")
# A 查询码 is recognised by its length and alphabet alone: a random code may hold no digit at all.
_CODE_SHAPES = {QUERY_CODE_LENGTH: set(QUERY_CODE_ALPHABET),
                LEGACY_QUERY_CODE_LENGTH: set(LEGACY_QUERY_CODE_ALPHABET)}  # old codes keep working


@dataclass(frozen=True)
class Lookup:
    kind: str  # one of KIND_LABELS
    value: str  # normalised
    raw: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def shown(self) -> str:
        """The value as it may be shown back (ID numbers and phones masked)."""
        if self.kind == "id_number":
            return mask_id_number(self.value)
        if self.kind == "phone":
            return mask_phone(self.value)
        return self.value

    @property
    def personal(self) -> bool:
        return self.kind in {"phone", "id_number", "name"}


def _compact(text: str) -> str:
    return re.sub(r"[\s\-()（）]+", "", unicodedata.normalize("NFKC", text)).upper()


def _number_re(prefix: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(prefix)}\d{{4}}-\d{{6}}$")


def _phone(compact: str) -> str:
    from xinfang.core.errors import InvalidInput
    from xinfang.core.validation import normalize_phone

    try:
        return normalize_phone(compact)
    except InvalidInput:
        return compact.lstrip("+")


def classify(q: str) -> Lookup:
    raw = (q or "").strip()
    text = unicodedata.normalize("NFKC", raw).strip()
    upper = re.sub(r"\s+", "", text).upper()
    compact = _compact(text)
    if _number_re(settings.XINFANG_MATTER_PREFIX).match(upper):
        return Lookup("matter_number", upper, raw)
    if _number_re(settings.XINFANG_PETITION_PREFIX).match(upper):
        return Lookup("petition_number", upper, raw)
    if _ID_RE.match(compact):
        return Lookup("id_number", compact, raw)
    if _PHONE_RE.match(compact):
        return Lookup("phone", _phone(compact), raw)
    if len(compact) in _CODE_SHAPES and set(compact) <= _CODE_SHAPES[len(compact)]:
        return Lookup("query_code", compact, raw)
    if _NAME_RE.match(text):
        return Lookup("name", text, raw)
    return Lookup("text", text, raw)


def may_search_id_numbers(user) -> bool:
    return may(user, Ability.REVEAL)


# At most this many matters are named by a person lookup as a literal id list; beyond it the condition
# stays a subquery. A literal list lets PostgreSQL combine it with the text's trigram index (BitmapOr);
# a subquery OR-ed with the text made it scan every matter (774 ms at a million, docs/benchmarks.md).
LOOKUP_ID_LIST_LIMIT = 2000


def _matter_ids(rows, field: str) -> Q:
    """``pk IN`` the matters of ``rows``: one indexed read into a literal list (or the subquery when
    there are very many)."""
    subquery = rows.values(field)
    ids = list(rows.values_list(field, flat=True).distinct()[:LOOKUP_ID_LIST_LIMIT + 1])
    return Q(pk__in=subquery) if len(ids) > LOOKUP_ID_LIST_LIMIT else Q(pk__in=ids)


def lookup_condition(user, lookup: Lookup) -> Q | None:
    """The condition on matters for a number, code or person (None for plain text).

    Raises NotAllowed when the user may not search by ID number."""
    kind, value = lookup.kind, lookup.value
    if kind == "matter_number":
        return Q(number=value)
    if kind == "petition_number":
        return _matter_ids(Petition.objects.filter(number=value), "matter_id")
    if kind == "query_code":
        return _matter_ids(Petition.objects.filter(query_code=value), "matter_id")
    if kind == "phone":
        return _matter_ids(PetitionPerson.objects.filter(petitioner__phone=value), "petition__matter_id")
    if kind == "name":
        return _matter_ids(PetitionPerson.objects.filter(petitioner__name=value), "petition__matter_id")
    if kind == "id_number":
        if not may_search_id_numbers(user):
            raise NotAllowed("您的岗位不能按证件号码查找信访人（只有可查看完整身份信息的岗位可以，且记入访问日志）。",
                             fields={"q": "无权按证件号码查找"})
        condition = _matter_ids(PetitionPerson.objects.filter(petitioner__id_number=value), "petition__matter_id")
        if not getattr(user, "in_bureau", False):
            # unit staff see full identities only while their unit handles the matter (access.can_reveal)
            condition &= Q(handling_unit_id=user.unit_id)
        return condition
    return None


def opens_directly(lookup: Lookup) -> bool:
    """Numbers and codes name one matter: the list opens it instead of listing it."""
    return lookup.kind in {"matter_number", "petition_number", "query_code"}
