"""Backups and restores: a backup taken while the app writes is a consistent snapshot, a
restore gives back every row, and the command refuses what would lose or damage data."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion import db as dbmod
from companion.__main__ import main
from companion.care import checkins
from companion.ops import backup, demo
from companion.people.patients import get_patient
from tests.conftest import TODAY


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows in rowid order, and the schema, read through a plain connection."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in names}
        found["sqlite_master"] = conn.execute(
            "SELECT * FROM sqlite_master ORDER BY name"
        ).fetchall()
        return found
    finally:
        conn.close()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def programme(db):
    """A demo programme with a history, as `make demo` makes it."""
    return demo.create_demo(db, seed=3, teens=4, today=TODAY)


def keep_writing(db_path: Path, made: demo.Demo, stop: threading.Event, done: list[str]) -> None:
    """A teen logging coping skills and re-saving today's check-in as fast as it can."""
    from companion.auth import accounts

    database = dbmod.connect(db_path)
    teen = next(a for a in made.accounts if a.role == "teen")
    user = accounts.find_user_by_username(database, teen.username)
    patient = get_patient(database, made.patient_ids[0])
    try:
        while not stop.is_set():
            mark = f"bk-{len(done):05d}"
            checkins.log_coping_use(
                database, user, patient.id, skill=mark, helpfulness=5, day=TODAY, today=TODAY
            )
            checkins.save_checkin(
                database, user, patient.id, day=TODAY, today=TODAY, values={"note": mark}
            )
            done.append(mark)
    finally:
        database.close()


def wait_for(done: list[str], count: int) -> None:
    deadline = time.monotonic() + 30
    while len(done) < count:
        assert time.monotonic() < deadline, "the writer stopped writing"
        time.sleep(0.01)


def test_a_backup_taken_while_writing_restores_every_row(db, db_path, programme, tmp_path, capsys):
    folder = tmp_path / "backups"
    folder.mkdir()
    stop, done = threading.Event(), []
    writer = threading.Thread(target=keep_writing, args=(db_path, programme, stop, done))
    writer.start()
    try:
        wait_for(done, 20)
        code, out, err = run(capsys, "backup", str(folder))
        at_backup = len(done)
        wait_for(done, at_backup + 20)  # the writer carried on after the backup
    finally:
        stop.set()
        writer.join()
    assert code == 0, err
    (copy,) = folder.glob("companion-*.db")
    assert str(copy) in out and f"{copy.stat().st_size:,} bytes" in out

    snapshot = tables(copy)
    marks = sorted(r[3] for r in snapshot["coping_uses"] if r[3].startswith("bk-"))
    assert 20 <= len(marks) < len(done)
    assert marks == done[: len(marks)]  # a consistent snapshot: a prefix of what was written
    first, day = programme.patient_ids[0], TODAY.isoformat()
    (today,) = [r for r in snapshot["checkins"] if r[1] == first and r[2] == day]
    assert today[14] in marks[-2:]  # the check-in note of that same moment

    restored = tmp_path / "restored.db"
    code, out, err = run(capsys, "--db", str(restored), "restore", str(copy))
    assert code == 0, err
    assert "applied 0 migration(s)" in out
    back = tables(restored)
    assert back.keys() == snapshot.keys()
    for name, rows in snapshot.items():
        assert back[name] == rows, name
    assert sum(len(rows) for rows in back.values()) > 1500
    reopened = dbmod.connect(restored)
    assert reopened.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reopened.close()


def test_a_backup_file_is_one_self_contained_checked_file(db, db_path, programme, tmp_path, capsys):
    target = tmp_path / "nightly.db"
    code, out, _ = run(capsys, "backup", str(target))
    assert code == 0
    assert out.startswith(f"Backup written: {target} (")
    assert not Path(f"{target}-wal").exists()
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert not list(tmp_path.glob(".*.partial"))
    assert tables(target) == tables(db_path)


def test_keep_deletes_only_the_oldest_timestamped_backups(db, programme, tmp_path, capsys):
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20240101-000000", "20250101-000000", "20260101-120000"):
        (folder / f"companion-{stamp}.db").write_text("an older backup")
    others = ["companion-latest.db", "notes.txt", "companion-20200101-000000.db.bak"]
    for name in others:
        (folder / name).write_text("not a timestamped backup")
    code, out, _ = run(capsys, "backup", str(folder), "--keep", "2")
    assert code == 0
    kept = sorted(p.name for p in folder.iterdir() if backup.BACKUP_NAME.match(p.name))
    assert len(kept) == 2 and kept[0] == "companion-20260101-120000.db"
    assert "Removed old backup" in out and "companion-20240101-000000.db" in out
    assert all((folder / name).exists() for name in others)


def test_backups_in_one_folder_are_named_by_utc_time_and_pruned_in_order(db_path, db, tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    start = datetime(2026, 11, 25, 23, 59, 58, tzinfo=UTC)
    made = [
        backup.create_backup(db_path, folder, keep=3, moment=start + timedelta(seconds=s))
        for s in range(5)
    ]
    assert made[0].path.name == "companion-20261125-235958.db"
    assert made[-1].path.name == "companion-20261126-000002.db"
    assert sorted(folder.iterdir()) == [m.path for m in made[2:]]
    assert made[-1].removed == (made[1].path,)


def test_restore_refuses_to_replace_data_without_force_and_keeps_a_copy_with_it(
    db, db_path, programme, tmp_path, capsys
):
    copy = tmp_path / "copy.db"
    assert run(capsys, "backup", str(copy))[0] == 0
    db.execute("INSERT INTO programme_settings (key, value) VALUES ('after_backup', 'x')")
    live = tables(db_path)

    code, out, err = run(capsys, "restore", str(copy))
    assert code == 2 and "--force" in err and "\n" not in err.strip()
    assert tables(db_path) == live  # untouched

    code, out, err = run(capsys, "restore", str(copy), "--force")
    assert code == 0, err
    assert tables(db_path) == tables(copy)
    (kept,) = tmp_path.glob("companion-before-restore-*.db")
    assert f"kept at {kept}" in out
    assert tables(kept) == live  # the replaced database is still there to go back to


def test_restore_into_an_empty_or_migrated_database_needs_no_force(
    db, db_path, programme, tmp_path, capsys
):
    copy = tmp_path / "copy.db"
    assert run(capsys, "backup", str(copy))[0] == 0
    fresh = tmp_path / "fresh.db"
    dbmod.connect(fresh, migrate=True).close()
    assert run(capsys, "--db", str(fresh), "restore", str(copy))[0] == 0
    assert tables(fresh) == tables(copy)


def test_restore_runs_the_migrations_on_an_older_backup(tmp_path, capsys):
    names = [m.name for m in dbmod.migrations._migrations]
    old = dbmod.connect(tmp_path / "old.db")
    dbmod.migrations.apply(old, stop_before=names[-1])
    old.execute("INSERT INTO programme_settings (key, value) VALUES ('name', 'Old')")
    old.close()
    target = tmp_path / "new.db"
    code, out, err = run(capsys, "--db", str(target), "restore", str(tmp_path / "old.db"))
    assert code == 0, err
    assert "applied 1 migration(s)" in out
    upgraded = dbmod.connect(target)
    assert dbmod.pending_migrations(upgraded) == []
    assert upgraded.execute("SELECT value FROM programme_settings").fetchone()[0] == "Old"
    upgraded.close()


def damaged(real: Path, tmp_path: Path) -> Path:
    data = bytearray(real.read_bytes())
    for page in range(2, len(data) // 4096, 3):  # scribble over every third page
        data[page * 4096 + 8 : page * 4096 + 200] = bytes(range(192))
    bad = tmp_path / "damaged.db"
    bad.write_bytes(bytes(data))
    return bad


@pytest.mark.parametrize(
    "kind, message",
    [
        ("text", "not a SQLite database"),
        ("damaged", "damaged"),
        ("truncated", "damaged"),
        ("foreign", "not a Companion database"),
        ("missing", "There is no backup"),
    ],
)
def test_restore_refuses_a_corrupt_or_foreign_file(
    kind, message, db, db_path, programme, tmp_path, capsys
):
    real = tmp_path / "real.db"
    assert run(capsys, "backup", str(real))[0] == 0
    path = tmp_path / f"{kind}.db"
    if kind == "text":
        path.write_text("name,pain\nmaya,3\n")
    elif kind == "damaged":
        path = damaged(real, tmp_path)
    elif kind == "truncated":
        path.write_bytes(real.read_bytes()[: real.stat().st_size // 2 + 100])
    elif kind == "foreign":
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE things (x)")
        other.close()
    target = tmp_path / "target.db"
    code, out, err = run(capsys, "--db", str(target), "restore", str(path), "--force")
    assert code == 2
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert not target.exists()


def test_backup_explains_expected_problems_in_one_line(db_path, tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "none.db"), "backup", str(tmp_path))
    assert code == 2 and "There is no database" in err
    assert not (tmp_path / "none.db").exists()
    dbmod.connect(db_path, migrate=True).close()
    code, _, err = run(capsys, "backup", str(tmp_path / "file.db"), "--keep", "2")
    assert code == 2 and "directory" in err
    code, _, err = run(capsys, "backup", str(tmp_path / "no" / "such" / "dir.db"))
    assert code == 2 and "There is no directory" in err
    code, _, err = run(capsys, "backup", str(db_path))
    assert code == 2 and "over the database itself" in err


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_backup_and_restore_have_help(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    assert f"usage: python -m companion {command}" in text and "PATH" in text
