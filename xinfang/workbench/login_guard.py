"""Login brute-force protection beyond django-axes (issue 9 §8; policy in docs/security.md).

* django-axes locks a (username, address) pair after ``AXES_FAILURE_LIMIT`` failures for
  ``AXES_COOLOFF_TIME`` — a stranger locks only their own address.
* Here: failures of one username are also counted **across all addresses**
  (``XINFANG_LOGIN_USERNAME_LIMIT`` in a window of ``XINFANG_LOGIN_USERNAME_WINDOW_HOURS``; every
  failure from the ceiling on starts the window again, so the state decays only after a quiet
  window). At the ceiling the username does not lock: every further login for it must also
  answer an image arithmetic challenge rendered here. Without a right answer the password is not
  even checked (``LoginCeilingBackend`` stops ``authenticate``); with it, the right password gets
  in as always and clears the count. A stranger can make the real user solve a sum, never keep
  them out; distributed guessing costs one challenge per guess.

Failures are counted from Django's ``user_login_failed`` signal, so the API token endpoint counts
too (it cannot show a challenge: at the ceiling it refuses until the user signs in on the web).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

PREFIX = "xf:login"
CHALLENGE_SECONDS = 10 * 60


def _limit() -> int:
    return int(getattr(settings, "XINFANG_LOGIN_USERNAME_LIMIT", 10))


def _window() -> int:
    return int(getattr(settings, "XINFANG_LOGIN_USERNAME_WINDOW_HOURS", 24)) * 3600


def _key(username: str) -> str:
    digest = hashlib.sha256(str(username or "").strip().lower().encode()).hexdigest()[:32]
    return f"{PREFIX}:user:{digest}"


def failures(username: str) -> int:
    return int(cache.get(_key(username), 0) or 0)


def challenge_required(username: str) -> bool:
    return bool(username) and failures(username) >= _limit()


def record_failure(username: str) -> int:
    """Count one failed login for ``username`` (any address)."""
    if not username:
        return 0
    key, window = _key(username), _window()
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    if count >= _limit():
        cache.touch(key, window)  # slower backoff: the state lasts a quiet window after the last failure
    return count


def reset(username: str) -> None:
    cache.delete(_key(username))


# ---- the challenge: a sum drawn as an image, answer kept server-side, single use -------------


def new_challenge() -> str:
    """A nonce naming a fresh challenge (the sum itself stays in the cache)."""
    a, b = secrets.randbelow(40) + 10, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(16)
    cache.set(f"{PREFIX}:ch:{nonce}", (a, b, time.time()), CHALLENGE_SECONDS)
    return nonce


def check_challenge(nonce: str, answer: str) -> bool:
    """True for the right answer; the challenge is used up either way."""
    key = f"{PREFIX}:ch:{str(nonce or '')[:64]}"
    stored = cache.get(key)
    cache.delete(key)
    if not stored:
        return False
    a, b, _issued = stored
    given = str(answer or "").strip()
    return given.isdigit() and hmac.compare_digest(given, str(a + b))


def challenge_png(nonce: str) -> bytes | None:
    """The sum as a PNG with some noise (None if the challenge is unknown or used)."""
    from PIL import Image, ImageDraw, ImageFont

    stored = cache.get(f"{PREFIX}:ch:{str(nonce or '')[:64]}")
    if not stored:
        return None
    a, b, _issued = stored
    rng = secrets.SystemRandom()
    image = Image.new("RGB", (180, 56), (246, 248, 252))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line([(rng.randint(0, 180), rng.randint(0, 56)), (rng.randint(0, 180), rng.randint(0, 56))],
                  fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)), width=2)
    font = ImageFont.load_default(size=30)
    x = 12
    for ch in f"{a} + {b} = ?":
        draw.text((x, rng.randint(6, 14)), ch, font=font, fill=(rng.randint(10, 70), rng.randint(10, 70), 110))
        x += 10 if ch == " " else 19
    for _ in range(120):
        draw.point((rng.randint(0, 179), rng.randint(0, 55)), fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class LoginCeilingBackend:
    """First in AUTHENTICATION_BACKENDS after axes: at the username ceiling, ``authenticate``
    stops unless the caller passed ``login_challenge_passed=True`` (the login form does after a
    right answer). Never authenticates anyone itself."""

    def authenticate(self, request, username=None, password=None, login_challenge_passed=False, **kwargs):
        if username and challenge_required(username) and not login_challenge_passed:
            raise PermissionDenied("login challenge required")
        return None

    # No get_user: this backend never holds a session (and test clients' force_login skips it).


def on_login_failed(sender, credentials, request=None, **kwargs):
    record_failure(credentials.get("username", ""))


def on_logged_in(sender, request, user, **kwargs):
    reset(user.get_username())
