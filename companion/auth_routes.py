"""What the /api/auth routes do, without the web framework: testable on its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from . import accounts, csrf, mfa, programme, sessions
from .db import connect
from .errors import SignInFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignInOutcome:
    token: str | None
    max_age: int | None = None  # None: a browser-session cookie
    problem: str = ""  # "failed", "expired", "mfa" or "mfa_failed": the sign-in page explains
    pending: str | None = None  # for "mfa": the signed token that carries step one to step two


def sign_in(username: str, password: str, csrf_token: str | None) -> SignInOutcome:
    db = connect()
    try:
        if not csrf.check_token(programme.secret_key(db), csrf_token):
            return SignInOutcome(None, problem="expired")
        try:
            user = accounts.authenticate(db, username, password)
        except SignInFailed:
            log.info("sign-in refused")  # never the username or password
            return SignInOutcome(None, problem="failed")
        if mfa.is_enabled(db, user.id):
            pending = mfa.pending_token(programme.secret_key(db), user.id)
            return SignInOutcome(None, problem="mfa", pending=pending)
        return SignInOutcome(sessions.create(db, user), sessions.cookie_max_age(db, user))
    finally:
        db.close()


def finish_two_step(pending: str | None, code: str, csrf_token: str | None) -> SignInOutcome:
    """Step two for accounts with two-step sign-in: the password was right a moment ago
    (``pending``); now the authenticator or recovery code."""
    db = connect()
    try:
        secret = programme.secret_key(db)
        if not csrf.check_token(secret, csrf_token):
            return SignInOutcome(None, problem="expired")
        user_id = mfa.pending_user(secret, pending)
        user = accounts.find_user(db, user_id) if user_id is not None else None
        if user is None or not user.active:
            return SignInOutcome(None, problem="expired")
        if accounts.is_locked(db, user.id) or not mfa.verify(db, user.id, code):
            accounts.note_failed_sign_in(db, user.id)
            log.info("second step refused")
            return SignInOutcome(None, problem="mfa_failed", pending=pending)
        return SignInOutcome(sessions.create(db, user), sessions.cookie_max_age(db, user))
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
