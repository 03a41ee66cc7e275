"""Server-side sessions: the cookie carries a random id, the table only its hash."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from sqlite_utils import Database

from companion.db import now, parse_stamp, stamp, transaction
from companion.identity import User, user_from_row

# Refreshing last_seen on every rerun would write on every click; once a minute is plenty.
_TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Idle time after which a session ends (programme settings; defaults from issue 7).
IDLE_DEFAULTS = {"idle_minutes_staff": 30, "idle_days_family": 30}


def lifetime(db: Database, user: User) -> timedelta:
    """How long a session may sit unused: teens and parents stay signed in on their own phone
    (30 days), clinicians and admins are signed out after 30 idle minutes. The programme
    may change both."""
    key = "idle_minutes_staff" if user.is_staff else "idle_days_family"
    rows = list(db.query("SELECT value FROM programme_settings WHERE key = ?", [key]))
    value = json.loads(rows[0]["value"]) if rows else IDLE_DEFAULTS[key]
    return timedelta(minutes=value) if user.is_staff else timedelta(days=value)


def cookie_max_age(db: Database, user: User) -> int | None:
    """Staff get a browser-session cookie (gone when the browser closes); teens and parents
    one that lasts as long as their idle limit. The server decides either way."""
    return None if user.is_staff else int(lifetime(db, user).total_seconds())


def create(db: Database, user: User, *, at: datetime | None = None) -> str:
    at = at or now()
    token = secrets.token_urlsafe(32)
    with transaction(db):
        db.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [_hash(token), user.id, stamp(at), stamp(at + lifetime(db, user)), stamp(at)],
        )
    return token


def user_for_token(db: Database, token: str | None, *, at: datetime | None = None) -> User | None:
    """The active user behind a live session, sliding its expiry forward; else None."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    at = at or now()
    rows = list(
        db.query(
            "SELECT s.id AS session_id, s.expires_at, s.last_seen_at, s.revoked_at, u.*"
            " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            [_hash(token)],
        )
    )
    if not rows:
        return None
    row = rows[0]
    if row["revoked_at"] or not row["active"] or parse_stamp(row["expires_at"]) <= at:
        return None
    user = user_from_row(row)
    # the user remembers the session it came from, so a check made later (an action, a
    # deferred download) can ask again whether that session is still live
    object.__setattr__(user, _TOKEN_ATTR, token)
    if at - parse_stamp(row["last_seen_at"]) >= _TOUCH_EVERY:
        db.execute(
            "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
            [stamp(at), stamp(at + lifetime(db, user)), row["session_id"]],
        )
    return user


_TOKEN_ATTR = "_session_token"


def token_of(user: User | None) -> str | None:
    """The session token a ``User`` was looked up by (``user_for_token``), else None."""
    return getattr(user, _TOKEN_ATTR, None)


def session_id(db: Database, user: User | None) -> int | None:
    """The id of the live session ``user`` came from (``user_for_token``), else None."""
    token = token_of(user)
    if token is None:
        return None
    row = db.execute(
        "SELECT id FROM sessions WHERE token_hash = ? AND revoked_at IS NULL", [_hash(token)]
    ).fetchone()
    return row[0] if row else None


def still_valid(db: Database, user: User | None) -> bool:
    """Whether ``user`` may act right now, re-read from the database: the account exists
    and is active and, for a user that came from a session, that session is still live
    (not signed out, not expired). Never trusts the ``active`` flag the object carries."""
    if user is None:
        return False
    token = token_of(user)
    if token is not None:
        live = user_for_token(db, token)
        return live is not None and live.id == user.id and live.role is user.role
    row = db.execute("SELECT active, role FROM users WHERE id = ?", [user.id]).fetchone()
    return bool(row and row[0]) and row[1] == user.role.value


def revoke(db: Database, token: str | None) -> None:
    if token:
        db.execute(
            "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            [stamp(), _hash(token)],
        )


def revoke_all(db: Database, user_id: int) -> None:
    db.execute(
        "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        [stamp(), user_id],
    )
