"""The append-only audit log: who did what to whose record (never clinical content)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database

from .db import stamp

if TYPE_CHECKING:
    from .accounts import User


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


def list_entries(db: Database, *, limit: int = 200) -> list[dict]:
    return list(
        db.query(
            "SELECT a.at, u.username AS actor, a.action, a.patient_id, a.detail"
            " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
            " ORDER BY a.id DESC LIMIT ?",
            [limit],
        )
    )
