"""Two-step sign-in for staff: a TOTP authenticator app (pyotp) enrolled with a QR code
(segno), ten single-use recovery codes stored hashed, and the short-lived signed token that
carries a password-checked sign-in to its second step.

A code is accepted once: the time step it belongs to is remembered, so a code seen over
someone's shoulder can't be replayed. Wrong codes count towards the account's lockout.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time
from datetime import datetime

import pyotp
import segno
from sqlite_utils import Database

from . import audit
from .db import now, stamp, transaction
from .errors import InvalidInput
from .identity import User

RECOVERY_CODES = 10
PENDING_SECONDS = 5 * 60
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to misread


def _row(db: Database, user_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM mfa WHERE user_id = ?", [user_id]))
    return rows[0] if rows else None


def is_enabled(db: Database, user_id: int) -> bool:
    row = _row(db, user_id)
    return bool(row and row["enabled_at"])


def missing(db: Database, user: User, settings: dict) -> bool:
    """The programme requires two-step sign-in for staff and this staff member hasn't set it
    up: every page but My account sends them there first."""
    return bool(user.is_staff and settings.get("require_mfa_staff") and not is_enabled(db, user.id))


def start(db: Database, user: User) -> str:
    """A new secret for the user's authenticator app (not active until confirmed)."""
    if not user.is_staff:
        raise InvalidInput("mfa", "Two-step sign-in is for clinicians and admins.")
    if is_enabled(db, user.id):
        raise InvalidInput("mfa", "Two-step sign-in is already on. Turn it off first.")
    secret = pyotp.random_base32()
    with transaction(db):
        db.execute(
            "INSERT INTO mfa (user_id, secret, enabled_at, last_step) VALUES (?, ?, NULL, 0)"
            " ON CONFLICT(user_id) DO UPDATE SET secret = excluded.secret, enabled_at = NULL,"
            " last_step = 0",
            [user.id, secret],
        )
    return secret


def pending_secret(db: Database, user: User) -> str | None:
    row = _row(db, user.id)
    return row["secret"] if row and not row["enabled_at"] else None


def provisioning_uri(secret: str, user: User, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer or "IIPT")


def qr_png(uri: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _step(secret: str, code: object, at: datetime) -> int | None:
    """The time step a six-digit code belongs to (now, or one step either side), or None."""
    digits = "".join(ch for ch in str(code or "")[:40] if ch in "0123456789")
    if len(digits) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def confirm(db: Database, user: User, code: object, *, at: datetime | None = None) -> list[str]:
    """Turn two-step sign-in on with a first code from the app; returns the recovery codes
    (shown once)."""
    secret = pending_secret(db, user)
    if secret is None:
        raise InvalidInput("mfa_code", "Start again: scan a new QR code first.")
    step = _step(secret, code, at or now())
    if step is None:
        raise InvalidInput(
            "mfa_code", "That code didn't match. Please try the next code the app shows."
        )
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    with transaction(db):
        db.execute(
            "UPDATE mfa SET enabled_at = ?, last_step = ? WHERE user_id = ?",
            [stamp(), step, user.id],
        )
        db.execute("DELETE FROM recovery_codes WHERE user_id = ?", [user.id])
        for recovery in codes:
            db.execute(
                "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)",
                [user.id, _hash(recovery)],
            )
        audit.record(db, user, "mfa_on", detail=user.username)
    return codes


def verify(db: Database, user_id: int, code: object, *, at: datetime | None = None) -> bool:
    """A fresh authenticator code, or an unused recovery code (then used up)."""
    row = _row(db, user_id)
    if not row or not row["enabled_at"]:
        return False
    with transaction(db):
        step = _step(row["secret"], code, at or now())
        if step is not None:
            if step <= row["last_step"]:
                return False  # already used
            db.execute("UPDATE mfa SET last_step = ? WHERE user_id = ?", [step, user_id])
            return True
        cleaned = _normal(code)
        if len(cleaned) != 10:
            return False
        used = db.execute(
            "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ?"
            " AND used_at IS NULL",
            [stamp(), user_id, _hash(cleaned)],
        ).rowcount
        return used == 1


def recovery_codes_left(db: Database, user_id: int) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", [user_id]
    ).fetchone()[0]


def turn_off(db: Database, actor: User, user_id: int) -> None:
    """Turn two-step sign-in off: oneself (after a code, checked by the caller) or an admin for
    a staff member who lost their phone and their recovery codes."""
    if actor is None or not actor.active or (actor.id != user_id and actor.role.value != "admin"):
        raise InvalidInput("mfa", "Only an admin can turn off someone else's two-step sign-in.")
    with transaction(db):
        db.execute("DELETE FROM mfa WHERE user_id = ?", [user_id])
        db.execute("DELETE FROM recovery_codes WHERE user_id = ?", [user_id])
        audit.record(db, actor, "mfa_off", detail=str(user_id))


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normal(code: object) -> str:
    return "".join(ch for ch in str(code or "")[:40].upper() if ch in _ALPHABET)[:20]


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


# --- the second step of signing in ---------------------------------------------------------


def pending_token(secret: str, user_id: int, *, at: float | None = None) -> str:
    """Says "this user got their password right at ``at``"; good for five minutes."""
    issued = str(int(at if at is not None else time.time()))
    nonce = secrets.token_urlsafe(9)
    body = f"{user_id}.{issued}.{nonce}"
    return f"{body}.{_sign(secret, body)}"


def pending_user(secret: str, token: str | None, *, at: float | None = None) -> int | None:
    if not isinstance(token, str) or len(token) > 200 or token.count(".") != 3:
        return None
    user_id, issued, nonce, signature = token.split(".")
    body = f"{user_id}.{issued}.{nonce}"
    if not (user_id.isdigit() and issued.isdigit()):
        return None
    if not hmac.compare_digest(signature, _sign(secret, body)):
        return None
    age = (at if at is not None else time.time()) - int(issued)
    return int(user_id) if 0 <= age <= PENDING_SECONDS else None


def _sign(secret: str, body: str) -> str:
    return hmac.new(secret.encode(), ("mfa:" + body).encode(), hashlib.sha256).hexdigest()
