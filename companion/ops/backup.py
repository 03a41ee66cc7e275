"""Backups and restores through SQLite's online backup API.

A backup is a consistent snapshot taken while the app keeps writing (in WAL mode the copy
holds a read transaction; writers are not blocked). It is written beside its final name,
checked with ``PRAGMA integrity_check`` and only then moved into place, so a failed backup
never replaces a good one. A restore copies pages through the same API into the live file,
so the WAL and shared-memory files stay consistent, then runs the migrations.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from companion import db

BACKUP_NAME = re.compile(r"^companion-\d{8}-\d{6}\.db$")


class BackupError(Exception):
    """An expected problem with a backup or restore, with a message a person can read."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    removed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Restore:
    target: Path
    migrations: int
    previous: Path | None = None  # where the database that was replaced is kept


def backup_name(moment: datetime | None = None) -> str:
    """``companion-YYYYMMDD-HHMMSS.db`` in UTC."""
    return f"companion-{(moment or db.now()).astimezone(UTC):%Y%m%d-%H%M%S}.db"


def create_backup(
    source: Path, dest: Path, *, keep: int | None = None, moment: datetime | None = None
) -> Backup:
    """Copy the live database at ``source`` to ``dest`` (a file, or a directory to hold a
    timestamped file). With ``keep``, only the newest ``keep`` timestamped backups stay."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    into_directory = dest.is_dir()
    if keep is not None and (keep < 1 or not into_directory):
        raise BackupError("--keep needs a number of at least 1 and a directory to keep them in.")
    target = dest / backup_name(moment) if into_directory else dest
    if target.resolve() == source.resolve():
        raise BackupError("The backup can't be written over the database itself.")
    if not target.parent.is_dir():
        raise BackupError(f"There is no directory {target.parent}.")
    _copy(source, target)
    removed = prune(target.parent, keep, spare=target) if keep is not None else []
    return Backup(target, target.stat().st_size, tuple(removed))


def _copy(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    live = db.connect(source)
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            live.conn.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
            _require_ok(copy, partial)
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        live.close()
    _fsync(partial)
    os.replace(partial, target)
    _fsync(target.parent)


def prune(directory: Path, keep: int, *, spare: Path | None = None) -> list[Path]:
    """Delete the oldest ``companion-YYYYMMDD-HHMMSS.db`` files beyond the newest ``keep``."""
    found = sorted(p for p in directory.iterdir() if BACKUP_NAME.match(p.name) and p.is_file())
    old = [p for p in found[: max(len(found) - keep, 0)] if p != spare]
    for path in old:
        path.unlink()
    return old


def restore_backup(backup: Path, target: Path, *, force: bool = False) -> Restore:
    """Replace the database at ``target`` with ``backup``'s contents, then migrate.

    Refuses a file that is not a sound SQLite database, and a target that holds data unless
    ``force``; a forced restore first keeps the replaced database beside it."""
    if not backup.is_file():
        raise BackupError(f"There is no backup at {backup}.")
    if target.exists() and target.resolve() == backup.resolve():
        raise BackupError("The backup and the database are the same file.")
    check_backup(backup)
    previous = None
    if _has_data(target):
        if not force:
            raise BackupError(
                f"{target} already holds data; add --force to replace it"
                " (a copy of it is kept beside it)."
            )
        kept = target.with_name(f"{target.stem}-before-restore-{backup_name()[10:]}")
        previous = create_backup(target, kept).path
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    live = db.connect(target)
    try:
        source.backup(live.conn)
        pending = db.pending_migrations(live)
        db.migrations.apply(live)
        _require_ok(live.conn, target)
    finally:
        source.close()
        live.close()
    return Restore(target, len(pending), previous)


def check_backup(path: Path) -> None:
    """Raise BackupError unless ``path`` is a sound SQLite file written by this app."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as problem:
        raise BackupError(f"{path} can't be opened: {problem}.") from None
    try:
        _require_ok(conn, path)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        raise BackupError(f"{path} is not a SQLite database (or is damaged).") from None
    finally:
        conn.close()
    if db.migrations.migrations_table not in tables:
        raise BackupError(f"{path} is not a Companion database.")


def _require_ok(conn: sqlite3.Connection, path: Path) -> None:
    try:
        found = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError:
        raise BackupError(f"{path} is not a SQLite database (or is damaged).") from None
    if found != ["ok"]:
        raise BackupError(f"{path} failed its integrity check: {found[0]}")


def _has_data(path: Path) -> bool:
    """Any row in any table but the migrations' record."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        database = db.connect(path)
    except sqlite3.DatabaseError:
        database = None
    try:
        if database is None:
            raise sqlite3.DatabaseError
        tables = [t for t in database.table_names() if t != db.migrations.migrations_table]
        return any(database[t].count for t in tables)
    except sqlite3.DatabaseError:
        raise BackupError(
            f"{path} is not a readable database; move it aside and restore again."
        ) from None
    finally:
        if database is not None:
            database.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
