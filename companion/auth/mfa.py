"""Two-step sign-in for staff: a TOTP authenticator app (pyotp) enrolled with a QR code
(segno), ten single-use recovery codes stored hashed, and the short-lived signed token that
carries a password-checked sign-in to its second step.

A code is accepted once: the time step it belongs to is remembered, so a code seen over
someone's shoulder can't be replayed. Wrong codes count towards the account's lockout.

The TOTP secret is encrypted at rest with a key kept outside the database: the file named by
``COMPANION_SECRET_KEY_FILE``, by default ``<database file>.key`` beside the database,
made with mode 0600 on first use. A copy of the database alone (a backup, a stolen file)
does not give anyone the secrets. No AEAD library is installed (no ``cryptography``), so
this uses the standard library only, encrypt-then-MAC: a random 16-byte nonce, a keystream
of HMAC-SHA256(enc_key, nonce || counter) blocks XORed with the secret, and an
HMAC-SHA256(mac_key, version || user id || nonce || ciphertext) tag checked in constant time
before anything is decrypted. The two keys are derived from the key file's 32 random bytes
with HMAC-SHA256 under different labels. A secret stored in plain text by an older version
is encrypted the first time it is read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import logging
import os
import secrets
import time
from datetime import datetime
from pathlib import Path

import pyotp
import segno
from sqlite_utils import Database

from companion import audit, config
from companion.db import now, stamp, transaction
from companion.errors import AccessDenied, InvalidInput
from companion.identity import User

_LOG = logging.getLogger(__name__)
RECOVERY_CODES = 10
PENDING_SECONDS = 5 * 60
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to misread


def _row(db: Database, user_id: int) -> dict | None:
    """The user's two-step row with ``secret`` decrypted (a plain-text secret from before
    encryption is encrypted in place now). A secret the key file cannot open (a backup
    restored without its key, a tampered row) is ``None``: no code matches it, and an admin
    can still turn two-step sign-in off for that person."""
    rows = list(db.query("SELECT * FROM mfa WHERE user_id = ?", [user_id]))
    if not rows:
        return None
    row = rows[0]
    stored = row["secret"]
    if stored.startswith(_VERSION):
        try:
            row["secret"] = _decrypt(_key(db), user_id, stored)
        except (ValueError, binascii.Error):
            _LOG.warning("the two-step secret of user %s does not match the key file", user_id)
            row["secret"] = None
    else:  # written before secrets were encrypted: migrate on read
        db.execute(
            "UPDATE mfa SET secret = ? WHERE user_id = ? AND secret = ?",
            [_encrypt(_key(db), user_id, stored), user_id, stored],
        )
    return row


# --- the TOTP secret at rest -----------------------------------------------------------------

KEY_FILE_ENV = "COMPANION_SECRET_KEY_FILE"
_VERSION = "v1:"
_NONCE = 16
_TAG = 32


def key_path(db: Database) -> Path:
    """``COMPANION_SECRET_KEY_FILE``, or ``<database file>.key`` beside this database."""
    named = os.environ.get(KEY_FILE_ENV)
    if named:
        return Path(named)
    main = next((r[2] for r in db.execute("PRAGMA database_list") if r[1] == "main"), "")
    database = Path(main) if main else config.db_path()
    return database.with_name(database.name + ".key")


def _key(db: Database) -> bytes:
    """The 32-byte key from the key file, made (mode 0600, never overwritten) on first use."""
    path = key_path(db)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise RuntimeError(f"{path} is not a two-step key file (64 hex digits expected)")
    return key


def _subkey(key: bytes, label: bytes) -> bytes:
    return hmac.new(key, b"companion-mfa-" + label, hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    enc = _subkey(key, b"enc")
    blocks = (length + 31) // 32
    stream = b"".join(
        hmac.new(enc, nonce + n.to_bytes(8, "big"), hashlib.sha256).digest() for n in range(blocks)
    )
    return stream[:length]


def _tag(key: bytes, user_id: int, nonce: bytes, ciphertext: bytes) -> bytes:
    body = _VERSION.encode() + str(user_id).encode() + b"." + nonce + ciphertext
    return hmac.new(_subkey(key, b"mac"), body, hashlib.sha256).digest()


def _encrypt(key: bytes, user_id: int, secret: str) -> str:
    plain = secret.encode()
    nonce = secrets.token_bytes(_NONCE)
    ciphertext = bytes(
        a ^ b for a, b in zip(plain, _keystream(key, nonce, len(plain)), strict=True)
    )
    blob = nonce + ciphertext + _tag(key, user_id, nonce, ciphertext)
    return _VERSION + base64.urlsafe_b64encode(blob).decode()


def _decrypt(key: bytes, user_id: int, stored: str) -> str:
    blob = base64.urlsafe_b64decode(stored[len(_VERSION) :].encode())
    nonce, ciphertext, tag = blob[:_NONCE], blob[_NONCE:-_TAG], blob[-_TAG:]
    if len(blob) < _NONCE + _TAG or not hmac.compare_digest(
        tag, _tag(key, user_id, nonce, ciphertext)
    ):
        raise ValueError("a two-step secret does not match the key file (wrong key?)")
    stream = _keystream(key, nonce, len(ciphertext))
    return bytes(a ^ b for a, b in zip(ciphertext, stream, strict=True)).decode()


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
    stored = _encrypt(_key(db), user.id, secret)
    with transaction(db):
        db.execute(
            "INSERT INTO mfa (user_id, secret, enabled_at, last_step) VALUES (?, ?, NULL, 0)"
            " ON CONFLICT(user_id) DO UPDATE SET secret = excluded.secret, enabled_at = NULL,"
            " last_step = 0",
            [user.id, stored],
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
        step = _step(row["secret"], code, at or now()) if row["secret"] else None
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
    from companion.auth import sessions
    from companion.people import account_admin

    if actor is None or not actor.active or (actor.id != user_id and actor.role.value != "admin"):
        raise InvalidInput("mfa", "Only an admin can turn off someone else's two-step sign-in.")
    if not sessions.still_valid(db, actor):
        raise AccessDenied("This isn't available to you.")
    with transaction(db):
        target = db.execute("SELECT username FROM users WHERE id = ?", [user_id]).fetchone()
        db.execute("DELETE FROM mfa WHERE user_id = ?", [user_id])
        db.execute("DELETE FROM recovery_codes WHERE user_id = ?", [user_id])
        audit.record(db, actor, "mfa_off", detail=f"{target[0] if target else user_id}")
        if actor.id != user_id and target is not None:
            account_admin.add_notice(db, user_id, "two_step_off", actor)


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
