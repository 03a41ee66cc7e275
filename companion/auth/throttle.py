"""Sign-in throttling instead of a hard lock (NIST SP 800-63B §5.2.2).

A hard lock after five wrong passwords let anyone lock anyone out. Here a run of failures
makes the next try wait, and a try during the wait is refused without checking anything and
without making the wait longer:

- a username from one client address (known username or not, so the answer never says
  whether it exists): five free failures, then each next failure makes the next try wait
  1, 2, 4 ... seconds, at most a minute. An outsider's failures slow the outsider's own
  address, not the owner's;
- a username from anywhere: fifty free failures in a row, then the same doubling, at most a
  minute (many addresses together still cannot guess fast);
- the second step of an account: five free wrong codes, then 30 s, 60 s ... at most 15
  minutes (only someone who has the password reaches it, so it can be strict);
- one pending second-step token: five wrong codes, then it is spent (sign in again);
- a client address: 30 failures in 15 minutes, then no more tries from it until the window
  ends.

Each wait that starts or grows is written to the audit log. A success clears the
username's (or the account's second-step) counts.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from companion import audit
from companion.db import now, parse_stamp, stamp, transaction
from companion.errors import SignInFailed


@dataclass(frozen=True)
class Rule:
    free: int  # failures in a row before any wait
    base: timedelta  # the first wait; each further failure doubles it
    cap: timedelta  # the longest wait


PASSWORD = Rule(free=5, base=timedelta(seconds=1), cap=timedelta(seconds=60))
PASSWORD_ANYWHERE = Rule(free=50, base=timedelta(seconds=1), cap=timedelta(seconds=60))
CODE = Rule(free=5, base=timedelta(seconds=30), cap=timedelta(minutes=15))
PENDING_BUDGET = 5  # wrong codes one pending token may take
ADDRESS_BUDGET = 30  # failed tries from one client address ...
ADDRESS_WINDOW = timedelta(minutes=15)  # ... in this window
FORGET_AFTER = timedelta(days=1)  # rows untouched this long are dropped


class Throttled(SignInFailed):
    """A try refused because of a wait. ``checked``: the password or code was checked (and
    was wrong) and this failure started the wait; False: nothing was checked."""

    def __init__(self, seconds: int, *, scope: str = "account", checked: bool = False):
        super().__init__(f"wait {seconds} s ({scope})")
        self.seconds = seconds
        self.scope = scope  # "account" or "address"
        self.checked = checked


def password_key(username: object, address: str | None = None) -> str:
    """Throttled by the name typed (lower-cased), so an unknown username is throttled the same
    way as a real one; with an address, that name from that address."""
    key = "password:" + str(username or "").strip().lower()[:64]
    return key if address is None else f"{key}|{str(address)[:64]}"


def code_key(user_id: int) -> str:
    return f"code:{user_id}"


def pending_key(token: str) -> str:
    return "pending:" + hashlib.sha256(str(token).encode()).hexdigest()


def address_key(address: str | None) -> str:
    return "address:" + str(address or "unknown")[:64]


def _row(db: Database, key: str) -> dict | None:
    rows = list(db.query("SELECT * FROM sign_in_throttle WHERE key = ?", [key]))
    return rows[0] if rows else None


def _seconds(until: datetime, at: datetime) -> int:
    return max(0, math.ceil((until - at).total_seconds()))


def wait(db: Database, key: str, *, at: datetime | None = None) -> int:
    """Whole seconds until ``key`` may try again (0: now)."""
    at = at or now()
    row = _row(db, key)
    if row is None or not row["not_before"]:
        return 0
    return _seconds(parse_stamp(row["not_before"]), at)


def failures(db: Database, key: str) -> int:
    row = _row(db, key)
    return row["failures"] if row else 0


def fail(db: Database, key: str, rule: Rule, *, at: datetime | None = None, subject: str) -> int:
    """Count one failure in a row; returns the wait it starts (0 while still free).
    ``subject`` says in the audit log what is throttled (never a password or code)."""
    at = at or now()
    with transaction(db):
        _forget_old(db, at)
        count = failures(db, key) + 1
        seconds = 0
        not_before = None
        if count >= rule.free:
            delay = min(rule.base * 2 ** (count - rule.free), rule.cap)
            not_before = stamp(at + delay, precise=True)
            seconds = _seconds(at + delay, at)
        db.execute(
            "INSERT INTO sign_in_throttle (key, failures, window_start, not_before, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures,"
            " not_before = excluded.not_before, updated_at = excluded.updated_at",
            [key, count, stamp(at, precise=True), not_before, stamp(at, precise=True)],
        )
        if seconds:
            audit.record(
                db,
                None,
                "sign_in_throttled",
                detail=f"{subject}: {count} failures in a row, next try in {seconds} s",
            )
    return seconds


def fail_address(db: Database, address: str | None, *, at: datetime | None = None) -> int:
    """Count one failed try from a client address in its 15-minute window; returns the wait
    once the budget is spent (0 before)."""
    at = at or now()
    key = address_key(address)
    with transaction(db):
        row = _row(db, key)
        if row is None or parse_stamp(row["window_start"]) + ADDRESS_WINDOW <= at:
            start, count = at, 1
        else:
            start, count = parse_stamp(row["window_start"]), row["failures"] + 1
        not_before = start + ADDRESS_WINDOW if count >= ADDRESS_BUDGET else None
        db.execute(
            "INSERT INTO sign_in_throttle (key, failures, window_start, not_before, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures,"
            " window_start = excluded.window_start, not_before = excluded.not_before,"
            " updated_at = excluded.updated_at",
            [
                key,
                count,
                stamp(start, precise=True),
                stamp(not_before, precise=True) if not_before else None,
                stamp(at, precise=True),
            ],
        )
        if count == ADDRESS_BUDGET:
            audit.record(
                db,
                None,
                "sign_in_throttled",
                detail=f"client address {str(address)[:64]}: {count} failed tries in "
                f"{int(ADDRESS_WINDOW.total_seconds() // 60)} minutes, paused until "
                f"{stamp(not_before)}",
            )
    return _seconds(not_before, at) if not_before else 0


def clear(db: Database, key: str) -> None:
    db.execute("DELETE FROM sign_in_throttle WHERE key = ?", [key])


def _forget_old(db: Database, at: datetime) -> None:
    """Usernames that don't exist get rows too: drop what nobody has tried for a day."""
    db.execute(
        "DELETE FROM sign_in_throttle WHERE updated_at < ? AND (not_before IS NULL"
        " OR not_before < ?)",
        [stamp(at - FORGET_AFTER, precise=True), stamp(at, precise=True)],
    )


def describe_wait(seconds: int) -> str:
    """'1 second', '37 seconds', '2 minutes', '14 minutes 30 seconds'."""
    seconds = max(1, int(seconds))
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    if rest:
        parts.append(f"{rest} second" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def messages(problem: str, seconds: int) -> str | None:
    """What the sign-in page says for a throttled outcome (None: not a throttling problem).
    The same words whether or not the username exists."""
    wait = describe_wait(seconds)
    if problem == "failed" and seconds:
        return (
            "That username and password don't match. After several wrong tries, this username "
            f"has to wait between tries: you can try again in {wait}."
        )
    if problem == "throttled":
        return (
            "Sign-in for this username is paused after several wrong tries, so that password "
            f"was not checked. You can try again in {wait}."
        )
    if problem == "busy":
        return (
            "There have been too many wrong sign-ins from your network lately, so that try "
            f"was not checked. You can try again in {wait}."
        )
    if problem == "mfa_failed" and seconds:
        return (
            "That code didn't work. After several wrong codes, the code step has to wait "
            f"between tries: you can try again in {wait}."
        )
    if problem == "mfa_throttled":
        return (
            "The code step is paused after several wrong codes, so that code was not checked. "
            f"You can try again in {wait}."
        )
    if problem == "mfa_spent":
        return "Too many wrong codes for this sign-in. Please sign in again with your password."
    return None
