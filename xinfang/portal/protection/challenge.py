"""A self-hosted challenge: a small sum in Chinese numerals, signed so the server keeps no state.

The token carries the question, a nonce, the time it was issued and an HMAC of the answer (not
the answer itself). It is single-use: the nonce is burnt in the cache when a submission succeeds.
It stops unsophisticated bots only; the real bound on floods is the rate limits per address and
per phone (docs/portal.md says so).
"""

from __future__ import annotations

import hmac
import secrets
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

SALT = "xinfang.portal.challenge"
MAX_AGE = 2 * 60 * 60
NUMERALS = "零一二三四五六七八九"
TEMPLATES = [
    ("{a}加{b}等于几？", lambda a, b: a + b),
    ("{a}加上{b}，结果是多少？", lambda a, b: a + b),
    ("{a}减去{b}等于几？", lambda a, b: a - b),
]


class ChallengeFailed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Challenge:
    token: str
    question: str


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}").hexdigest()


def new_challenge() -> Challenge:
    template, fn = TEMPLATES[secrets.randbelow(len(TEMPLATES))]
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if fn(a, b) < 0:
        a, b = b, a
    question = template.format(a=NUMERALS[a], b=NUMERALS[b])
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "d": _digest(nonce, fn(a, b)), "t": int(time.time()), "q": question}, salt=SALT)
    return Challenge(token=token, question=question)


def question_of(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT, max_age=MAX_AGE)["q"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def _parse_answer(raw: str) -> int | None:
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if text and all(ch in NUMERALS for ch in text) and len(text) == 1:
        return NUMERALS.index(text)
    try:
        return int(text)
    except ValueError:
        return None


def check(token: str, answer: str) -> str:
    """Validate the answer (without burning the token). Returns the nonce."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ChallengeFailed("验证题已过期，请回答新的验证题。") from None
    except signing.BadSignature:
        raise ChallengeFailed("验证题无效，请回答新的验证题。") from None
    min_seconds = int(getattr(settings, "XINFANG_PORTAL_MIN_FILL_SECONDS", 3))
    if time.time() - data["t"] < min_seconds:
        raise ChallengeFailed("提交过快，请核对填写内容后再提交。")
    value = _parse_answer(answer)
    if value is None or not hmac.compare_digest(_digest(data["n"], value), data["d"]):
        raise ChallengeFailed("验证题答案不正确，请重新计算（请填写阿拉伯数字）。")
    if cache.get(f"xf:portal:challenge:{data['n']}"):
        raise ChallengeFailed("该验证题已经使用过，请回答新的验证题。")
    return data["n"]


def burn(nonce: str) -> bool:
    """Mark the challenge used; False if it was already used (a concurrent replay)."""
    return cache.add(f"xf:portal:challenge:{nonce}", 1, MAX_AGE + 60)


def unburn(nonce: str) -> None:
    """The submission failed after the challenge was burnt: let the same answer be used again."""
    cache.delete(f"xf:portal:challenge:{nonce}")
