"""The append-only audit log: who did what to whose record (never clinical content)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.db import stamp

if TYPE_CHECKING:
    from companion.auth.accounts import User


def record(
    db: Database,
    actor: User | None,
    action: str,
    *,
    patient_id: int | None = None,
    detail: str = "",
) -> None:
    db.execute(
        "INSERT INTO audit_log (at, actor_id, action, patient_id, detail) VALUES (?, ?, ?, ?, ?)",
        [stamp(), actor.id if actor else None, action, patient_id, detail[:200]],
    )


def list_entries(
    db: Database,
    *,
    limit: int = 200,
    actor: str | None = None,
    patient_id: int | None = None,
    since: str | None = None,
    until: str | None = None,
    before: str | None = None,
) -> list[dict]:
    """Newest first, filtered by actor username, patient and UTC date range (inclusive)."""
    where, params = [], []
    if actor:
        where.append("u.username = ?")
        params.append(actor)
    if patient_id is not None:
        where.append("a.patient_id = ?")
        params.append(patient_id)
    if since:
        where.append("a.at >= ?")
        params.append(since)
    if until:
        where.append("a.at < date(?, '+1 day')")
        params.append(until)
    if before:  # an exact moment (a stamp), exclusive
        where.append("a.at < ?")
        params.append(before)
    sql = (
        "SELECT a.at, u.username AS actor, a.action, a.patient_id, a.detail"
        " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    return list(db.query(sql + " ORDER BY a.id DESC LIMIT ?", [*params, limit]))
