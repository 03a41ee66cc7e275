"""Signed, time-limited CSRF tokens for the plain HTML forms that post to /api/auth/...

A Streamlit script cannot set a cookie, so the token is not bound to one: it is signed with
the installation's secret and expires, and the auth routes also check the request's Origin.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

MAX_AGE_SECONDS = 12 * 60 * 60


def make_token(secret: str, *, now: float | None = None) -> str:
    issued = str(int(now if now is not None else time.time()))
    nonce = secrets.token_urlsafe(12)
    return f"{issued}.{nonce}.{_sign(secret, issued, nonce)}"


def check_token(secret: str, token: str | None, *, now: float | None = None) -> bool:
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 200:
        return False
    if not token.isascii():  # compare_digest raises on non-ASCII text: a 500, not a refusal
        return False
    issued, nonce, signature = token.split(".")
    if not issued.isdigit() or not hmac.compare_digest(signature, _sign(secret, issued, nonce)):
        return False
    age = (now if now is not None else time.time()) - int(issued)
    return 0 <= age <= MAX_AGE_SECONDS


def _sign(secret: str, issued: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"{issued}.{nonce}".encode(), hashlib.sha256).hexdigest()
