"""What the /api/auth routes do, without the web framework: testable on its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from companion import programme
from companion.auth import accounts, csrf, mfa, sessions, throttle
from companion.db import connect, now
from companion.errors import SignInFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignInOutcome:
    token: str | None
    max_age: int | None = None  # None: a browser-session cookie
    # "failed", "throttled", "busy", "expired", "mfa", "mfa_failed", "mfa_throttled" or
    # "mfa_spent": the sign-in page explains each
    problem: str = ""
    pending: str | None = None  # for "mfa": the signed token that carries step one to step two
    wait: int = 0  # seconds before the next try may be made (0: now)


def sign_in(
    username: str,
    password: str,
    csrf_token: str | None,
    *,
    client: str | None = None,
    at: datetime | None = None,
) -> SignInOutcome:
    """Step one. ``client`` is the client's address, throttled on its own (throttle.py)."""
    at = at or now()
    db = connect()
    try:
        if not csrf.check_token(programme.secret_key(db), csrf_token):
            return SignInOutcome(None, problem="expired")
        busy = throttle.wait(db, throttle.address_key(client), at=at)
        if busy:
            return SignInOutcome(None, problem="busy", wait=busy)
        try:
            user = accounts.authenticate(db, username, password, at=at, client=client)
        except throttle.Throttled as paused:
            log.info("sign-in throttled")  # never the username or password
            if paused.checked:
                throttle.fail_address(db, client, at=at)
                return SignInOutcome(None, problem="failed", wait=paused.seconds)
            return SignInOutcome(None, problem="throttled", wait=paused.seconds)
        except SignInFailed:
            log.info("sign-in refused")
            busy = throttle.fail_address(db, client, at=at)
            return SignInOutcome(None, problem="busy" if busy else "failed", wait=busy)
        if mfa.is_enabled(db, user.id):
            pending = mfa.pending_token(programme.secret_key(db), user.id, at=at.timestamp())
            return SignInOutcome(None, problem="mfa", pending=pending)
        return SignInOutcome(sessions.create(db, user), sessions.cookie_max_age(db, user))
    finally:
        db.close()


def finish_two_step(
    pending: str | None,
    code: str,
    csrf_token: str | None,
    *,
    client: str | None = None,
    at: datetime | None = None,
) -> SignInOutcome:
    """Step two for accounts with two-step sign-in: the password was right a moment ago
    (``pending``); now the authenticator or recovery code.

    Wrong codes have their own budgets: five per pending token (then sign in again), and per
    account five in a row before each next try waits 30 s, 60 s ... (at most 15 minutes).
    A try during a wait is refused unchecked and leaves the wait as it was."""
    at = at or now()
    db = connect()
    try:
        secret = programme.secret_key(db)
        if not csrf.check_token(secret, csrf_token):
            return SignInOutcome(None, problem="expired")
        user_id = mfa.pending_user(secret, pending, at=at.timestamp())
        user = accounts.find_user(db, user_id) if user_id is not None else None
        if user is None or not user.active:
            return SignInOutcome(None, problem="expired")
        busy = throttle.wait(db, throttle.address_key(client), at=at)
        if busy:
            return SignInOutcome(None, problem="busy", wait=busy)
        token_key = throttle.pending_key(pending)
        if throttle.failures(db, token_key) >= throttle.PENDING_BUDGET:
            return SignInOutcome(None, problem="mfa_spent")
        paused = throttle.wait(db, throttle.code_key(user.id), at=at)
        if paused:
            log.info("second step throttled")
            return SignInOutcome(None, problem="mfa_throttled", pending=pending, wait=paused)
        if not mfa.verify(db, user.id, code, at=at):
            log.info("second step refused")
            subject = f"second-step code for {user.username}"
            spent = throttle.fail(db, token_key, _TOKEN_RULE, at=at, subject=subject + " (token)")
            paused = throttle.fail(
                db, throttle.code_key(user.id), throttle.CODE, at=at, subject=subject
            )
            throttle.fail_address(db, client, at=at)
            if spent:
                return SignInOutcome(None, problem="mfa_spent")
            return SignInOutcome(None, problem="mfa_failed", pending=pending, wait=paused)
        throttle.clear(db, throttle.code_key(user.id))
        throttle.clear(db, token_key)
        return SignInOutcome(sessions.create(db, user), sessions.cookie_max_age(db, user))
    finally:
        db.close()


# A pending token's budget: the fifth wrong code spends it (the wait it "starts" outlives the
# token's five minutes, so the row only counts).
_TOKEN_RULE = throttle.Rule(
    free=throttle.PENDING_BUDGET, base=timedelta(minutes=10), cap=timedelta(minutes=10)
)


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


def signed_in(token: str | None) -> bool:
    """A live session behind this cookie value (for /media downloads)."""
    if not token:
        return False
    db = connect()
    try:
        return sessions.user_for_token(db, token) is not None
    finally:
        db.close()
