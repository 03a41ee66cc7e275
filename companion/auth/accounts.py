"""Users, roles, throttled sign-in, password changes and one-time codes."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import NoReturn

from sqlite_utils import Database

from companion import audit
from companion.auth import passwords, sessions, throttle
from companion.db import is_row_id, now, parse_stamp, stamp, transaction
from companion.errors import InvalidInput, NotFound, SignInFailed
from companion.identity import STAFF, Role, User, user_from_row

__all__ = ["STAFF", "Role", "User"]


CODE_LIFETIME = timedelta(days=7)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
DISPLAY_NAME_MAX = 60
# Crockford-style alphabet: no 0/O, 1/I/L confusion when a code is read aloud or typed.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 12


_user = user_from_row


# --- validation ---------------------------------------------------------------------------


def clean_username(username: object) -> str:
    if not isinstance(username, str) or not username.strip():
        raise InvalidInput("username", "Please enter a username.")
    name = username.strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise InvalidInput(
            "username",
            "Use 3 to 32 characters: lowercase letters, digits, dots, hyphens or "
            "underscores, starting with a letter or digit.",
        )
    return name


def clean_text(value: object, field: str, *, max_length: int, required: bool = True) -> str:
    """Trimmed single-purpose text: no control characters, within its length."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(field, "Please enter text here.")
    text = unicodedata.normalize("NFC", value).strip()
    if required and not text:
        raise InvalidInput(field, "This can't be empty.")
    if len(text) > max_length:
        raise InvalidInput(field, f"Please keep this to {max_length} characters or fewer.")
    allowed = {"\n", "\t"}
    if any(unicodedata.category(ch) in {"Cc", "Cs"} and ch not in allowed for ch in text):
        raise InvalidInput(field, "This contains characters that can't be saved.")
    return text


def clean_display_name(value: object) -> str:
    name = clean_text(value, "display_name", max_length=DISPLAY_NAME_MAX)
    if "\n" in name or "\t" in name:
        raise InvalidInput("display_name", "Please keep the name on one line.")
    return name


# --- users --------------------------------------------------------------------------------


def create_user(
    db: Database,
    *,
    username: str,
    role: Role | str,
    display_name: str,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Create an account. Without a password it waits for an activation code."""
    if role not in tuple(Role) and role not in [r.value for r in Role]:
        raise InvalidInput("role", "Please choose a role from the list.")
    role = Role(role)
    name = clean_username(username)
    display = clean_display_name(display_name)
    password_hash = None
    if password is not None:
        passwords.check_strength(password, user_inputs=[name, display])
        password_hash = passwords.hash_password(password)
    with transaction(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
            raise InvalidInput("username", "That username is taken. Please choose another.")
        cursor = db.execute(
            "INSERT INTO users (username, password_hash, role, display_name, created_at,"
            " password_changed_at) VALUES (?, ?, ?, ?, ?, ?)",
            [name, password_hash, role.value, display, stamp(), stamp() if password else None],
        )
        user = get_user(db, cursor.lastrowid)
        audit.record(db, actor, "create_user", detail=f"{role.value} {name}")
    return user


def get_user(db: Database, user_id: int) -> User:
    user = find_user(db, user_id)
    if user is None:
        raise NotFound("No such account.")
    return user


def find_user(db: Database, user_id: int) -> User | None:
    if not is_row_id(user_id):
        return None
    row = _row(db, "SELECT * FROM users WHERE id = ?", [user_id])
    return None if row is None else _user(row)


def _row(db: Database, sql: str, params: list) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


def find_user_by_username(db: Database, username: str) -> User | None:
    row = _row(db, "SELECT * FROM users WHERE username = ?", [str(username).strip().lower()])
    return _user(row) if row else None


def list_users(db: Database, *, role: Role | str | None = None) -> list[dict]:
    sql = (
        "SELECT id, username, display_name, role, active, created_at,"
        " password_hash IS NOT NULL AS has_password FROM users"
    )
    params: list = []
    if role:
        sql += " WHERE role = ?"
        params.append(Role(role).value)
    return list(db.query(sql + " ORDER BY role, username", params))


def _set_active(db: Database, user_id: int, active: bool, *, actor: User) -> None:
    """Deactivate (ending every session) or reactivate an account."""
    if not isinstance(active, bool):
        raise InvalidInput("active", "Please choose active or not.")
    with transaction(db):
        target = get_user(db, user_id)
        if target.id == actor.id and not active:
            raise InvalidInput("active", "You can't deactivate your own account.")
        db.execute(
            "UPDATE users SET active = ? WHERE id = ?",
            [int(active), user_id],
        )
        if not active:
            sessions.revoke_all(db, user_id)
        audit.record(db, actor, "activate" if active else "deactivate", detail=target.username)


# --- sign in ------------------------------------------------------------------------------


def authenticate(
    db: Database,
    username: str,
    password: str,
    *,
    at: datetime | None = None,
    client: str | None = None,
) -> User:
    """Check a password, throttled per username and per username from this client address
    (throttle.py). Raises SignInFailed without saying whether the username exists, or
    throttle.Throttled (a SignInFailed) with the wait: a try during a wait is refused without
    checking the password and without lengthening the wait."""
    at = at or now()
    keys = [
        (throttle.password_key(username, client or "unknown"), throttle.PASSWORD),
        (throttle.password_key(username), throttle.PASSWORD_ANYWHERE),
    ]
    seconds = max(throttle.wait(db, key, at=at) for key, _ in keys)
    if seconds:
        raise throttle.Throttled(seconds)
    try:
        name = clean_username(username)
    except InvalidInput:
        name = None
    row = _row(db, "SELECT * FROM users WHERE username = ?", [name]) if name else None
    if row is None or not row["active"] or not row["password_hash"]:
        passwords.verify_dummy()
        _failed(db, keys, at, subject="password for a username with no account")
    if not passwords.verify_password(password or "", row["password_hash"]):
        _failed(db, keys, at, subject=f"password for {row['username']}")
    with transaction(db):
        for key, _ in keys:
            throttle.clear(db, key)
        if passwords.needs_rehash(row["password_hash"]):
            db.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                [passwords.hash_password(password), row["id"]],
            )
    return _user(row)


def _failed(db: Database, keys: list, at: datetime, *, subject: str) -> NoReturn:
    seconds = max(throttle.fail(db, key, rule, at=at, subject=subject) for key, rule in keys)
    if seconds:
        raise throttle.Throttled(seconds, checked=True)
    raise SignInFailed()


def is_locked(db: Database, user_id: int, *, at: datetime | None = None) -> bool:
    """Whether the account must wait before its next try from anywhere (password or second
    step)."""
    user = find_user(db, user_id)
    if user is None:
        return False
    return bool(
        throttle.wait(db, throttle.password_key(user.username), at=at)
        or throttle.wait(db, throttle.code_key(user.id), at=at)
    )


def sign_in(db: Database, username: str, password: str) -> tuple[User, str]:
    """Authenticate and open a session; returns the user and the session token for the cookie."""
    user = authenticate(db, username, password)
    return user, sessions.create(db, user)


def change_password(db: Database, user: User, current: str, new: str) -> None:
    """Change one's own password; every session of the account ends."""
    row = _row(db, "SELECT password_hash FROM users WHERE id = ?", [user.id])
    if row is None or not passwords.verify_password(current or "", row["password_hash"]):
        raise InvalidInput("current_password", "That isn't your current password.")
    if new == current:
        raise InvalidInput("password", "Please choose a password you haven't just used.")
    _set_password(db, user.id, new, user_inputs=[user.username, user.display_name])


def _set_password(db: Database, user_id: int, new: str, *, user_inputs: list[str]) -> None:
    passwords.check_strength(new, user_inputs=user_inputs)
    new_hash = passwords.hash_password(new)
    with transaction(db):
        db.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
            [new_hash, stamp(), user_id],
        )
        sessions.revoke_all(db, user_id)


# --- one-time codes -----------------------------------------------------------------------


def _hash_code(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def issue_code(
    db: Database,
    purpose: str,
    *,
    actor: User | None,
    user_id: int | None = None,
    patient_id: int | None = None,
    at: datetime | None = None,
    detail: str = "",
) -> str:
    """Make a random single-use code valid for 7 days. Only its hash is stored: show it once.
    One audit row records it; ``detail`` names whose code it is."""
    at = at or now()
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with transaction(db):
        if purpose in {"activate", "reset"}:
            # a new code replaces any unused one for the same account
            db.execute(
                "UPDATE invite_codes SET used_at = ? WHERE user_id = ? AND purpose = ?"
                " AND used_at IS NULL",
                [stamp(at), user_id, purpose],
            )
        db.execute(
            "INSERT INTO invite_codes (code_hash, purpose, user_id, patient_id, created_by,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                _hash_code(raw),
                purpose,
                user_id,
                patient_id,
                actor.id if actor else None,
                stamp(at),
                stamp(at + CODE_LIFETIME),
            ],
        )
        audit.record(db, actor, f"issue_code:{purpose}", patient_id=patient_id, detail=detail)
    return format_code(raw)


_CODE_PROBLEM = "That code doesn't work. It may be mistyped, used already or older than 7 days."


def _live_code(db: Database, code: str, purposes: set[str], at: datetime) -> dict:
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        raise InvalidInput("code", "Please enter the code you were given.")
    row = _row(db, "SELECT * FROM invite_codes WHERE code_hash = ?", [_hash_code(code)])
    if (
        row is None
        or row["purpose"] not in purposes
        or row["used_at"]
        or parse_stamp(row["expires_at"]) <= at
    ):
        raise InvalidInput("code", _CODE_PROBLEM)
    return row


def describe_code(db: Database, code: str, *, at: datetime | None = None) -> dict:
    """What a live code is for: ``{"purpose", "username"}`` (username for activate/reset)."""
    row = _live_code(db, code, {"activate", "reset", "link_parent"}, at or now())
    info = {"purpose": row["purpose"], "username": None}
    if row["user_id"]:
        info["username"] = get_user(db, row["user_id"]).username
    return info


def redeem_password_code(db: Database, code: str, new_password: str, *, at=None) -> User:
    """A teen activating their account, or anyone using a reset code, sets a password."""
    at = at or now()
    row = _live_code(db, code, {"activate", "reset"}, at)
    user = get_user(db, row["user_id"])
    if not user.active:
        raise InvalidInput("code", _CODE_PROBLEM)
    passwords.check_strength(new_password, user_inputs=[user.username, user.display_name])
    with transaction(db):
        _claim(db, row["id"], at)
        _set_password(db, user.id, new_password, user_inputs=[user.username])
        audit.record(db, user, f"redeem_code:{row['purpose']}")
    return user


def register_parent(
    db: Database, code: str, *, username: str, display_name: str, password: str, at=None
) -> User:
    """A parent creates an account with a family code and is linked to the teen."""
    at = at or now()
    row = _live_code(db, code, {"link_parent"}, at)
    with transaction(db):
        _claim(db, row["id"], at)
        parent = create_user(
            db, username=username, role=Role.PARENT, display_name=display_name, password=password
        )
        db.execute(
            "INSERT INTO family_links (parent_id, patient_id, created_at) VALUES (?, ?, ?)",
            [parent.id, row["patient_id"], stamp(at)],
        )
        audit.record(db, parent, "link_parent", patient_id=row["patient_id"])
    return parent


def link_existing_parent(db: Database, parent: User, code: str, *, at=None) -> None:
    """A parent already registered adds a second teen with another family code."""
    at = at or now()
    row = _live_code(db, code, {"link_parent"}, at)
    with transaction(db):
        _claim(db, row["id"], at)
        db.execute(
            "INSERT OR IGNORE INTO family_links (parent_id, patient_id, created_at)"
            " VALUES (?, ?, ?)",
            [parent.id, row["patient_id"], stamp(at)],
        )
        audit.record(db, parent, "link_parent", patient_id=row["patient_id"])


def _claim(db: Database, code_id: int, at: datetime) -> None:
    """Mark a code used; a second redemption racing this one finds it gone."""
    cursor = db.execute(
        "UPDATE invite_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", [stamp(at), code_id]
    )
    if cursor.rowcount != 1:
        raise InvalidInput("code", _CODE_PROBLEM)
