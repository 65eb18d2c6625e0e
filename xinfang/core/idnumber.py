"""The one validator of resident ID numbers (GB 11643), for every path (issue 9 §2).

Portal form, staff forms, the live check, the API and imports all call ``check_id_number``.

* Check digit (ISO 7064 MOD 11-2) and format: an error.
* Birth date: a real date, not after today, not more than ``MAX_AGE_YEARS`` ago: an error.
* Address code (first six digits): looked up in python-stdnum's table of current **and
  historical** codes, ignoring the years a code was in use — GB 11643 ties the code to where the
  number was first issued, which can be years after birth (``110115199501011231``: 大兴区 since
  2001, born 1995, is genuine; stdnum's own ``ric.validate`` refuses it). An unknown code is
  accepted with a warning for staff: never a refusal for the citizen, never a 500 (stdnum raises
  ``KeyError`` on codes like ``110001``).
* 15-digit numbers (issued before 1999) are refused with a message telling how to convert them:
  every one of them has been replaced by an 18-digit number.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from stdnum import numdb
from stdnum.cn import ric

MAX_AGE_YEARS = 130
_BRACKETS = re.compile(r"\[[^\]]*\]")


class IdNumberError(ValueError):
    """The number is not a valid resident ID number; ``message`` is Chinese, for the person typing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    gender: str  # "male" / "female" (the 17th digit)
    place: str  # "北京市 大兴区", or "" when the code is unknown
    warning: str = ""  # for staff: the number is accepted but something deserves a look


def normalize(value: str) -> str:
    """Full-width digits, spaces and a lowercase x are forgiven."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).upper()


@functools.lru_cache(maxsize=4096)  # the national table is fixed; a county sees few codes
def place_of(code: str) -> str | None:
    """Province and county for a 6-digit address code in use now or earlier; None if unknown."""
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    county = info.get("county")
    if not county:
        return None
    names = [_BRACKETS.sub("", c) for c in county.split(",")]
    parts = [info.get("province", ""), info.get("prefecture", ""), names[-1]]
    return " ".join(dict.fromkeys(p for p in parts if p))


def check_id_number(value: str, *, today: dt.date | None = None) -> IdNumber:
    """The checked number, or ``IdNumberError`` with a message naming what is wrong."""
    number = normalize(value)
    if not number:
        raise IdNumberError("请填写身份证号码。")
    if len(number) == 15 and number.isdigit():
        raise IdNumberError("这是 15 位旧身份证号码，请填写现行的 18 位号码（见身份证正面）。")
    if len(number) != 18:
        raise IdNumberError(f"身份证号码格式错误：应为 18 位，当前为 {len(number)} 位，请核对。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError("身份证号码格式错误：前 17 位应为数字，最后一位为数字或 X。")
    if ric.calc_check_digit(number) != number[17]:
        raise IdNumberError("身份证号码校验位错误，请逐位核对（最后一位可能是 X）。")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号码中的出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]} 不存在，请核对。") from None
    today = today or timezone.localdate()
    if birth > today:
        raise IdNumberError(f"身份证号码中的出生日期 {birth:%Y-%m-%d} 晚于今天，请核对。")
    if birth.year < today.year - MAX_AGE_YEARS:
        raise IdNumberError(f"身份证号码中的出生日期 {birth:%Y-%m-%d} 不合理，请核对。")
    place = place_of(number[:6])
    warning = "" if place else (
        f"地区码 {number[:6]} 不在国家行政区划代码表（含历史代码）中，号码已按校验位接受，请核对证件。"
    )
    gender = "male" if int(number[16]) % 2 else "female"
    return IdNumber(number=number, birth_date=birth, gender=gender, place=place or "", warning=warning)
