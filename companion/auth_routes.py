"""What the /api/auth routes do, without the web framework: testable on its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from . import accounts, csrf, programme, sessions
from .db import connect
from .errors import SignInFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignInOutcome:
    token: str | None
    max_age: int | None = None  # None: a browser-session cookie
    problem: str = ""  # "failed" or "expired": a query value the sign-in page explains


def sign_in(username: str, password: str, csrf_token: str | None) -> SignInOutcome:
    db = connect()
    try:
        if not csrf.check_token(programme.secret_key(db), csrf_token):
            return SignInOutcome(None, problem="expired")
        try:
            user, token = accounts.sign_in(db, username, password)
        except SignInFailed:
            log.info("sign-in refused")  # never the username or password
            return SignInOutcome(None, problem="failed")
        return SignInOutcome(token, sessions.cookie_max_age(db, user))
    finally:
        db.close()


def sign_out(token: str | None) -> None:
    """End the session server-side (the route also deletes the cookie).

    Signing out needs no CSRF token: the worst a forged post can do is sign someone out,
    and the route still insists on a same-origin request.
    """
    db = connect()
    try:
        sessions.revoke(db, token)
    finally:
        db.close()
