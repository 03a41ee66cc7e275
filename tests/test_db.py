from companion import db as dbmod


def test_every_connection_has_the_settings_stack_md_asks_for(db_path):
    database = dbmod.connect(db_path, migrate=True)
    pragma = lambda name: database.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("foreign_keys") == 1
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 1  # NORMAL
    assert pragma("busy_timeout") == 5000


def test_a_database_at_each_older_version_upgrades_to_the_same_schema(tmp_path):
    names = [m.name for m in dbmod.migrations._migrations]
    fresh = dbmod.connect(tmp_path / "fresh.db", migrate=True)
    want = {t: fresh[t].schema for t in fresh.table_names()}
    for i, name in enumerate(names):
        old = dbmod.connect(tmp_path / f"old{i}.db")
        dbmod.migrations.apply(old, stop_before=name)
        assert dbmod.pending_migrations(old) == names[i:]
        dbmod.migrations.apply(old)
        assert dbmod.pending_migrations(old) == []
        assert {t: old[t].schema for t in old.table_names()} == want


def test_transaction_rolls_back_everything_on_error(db):
    try:
        with dbmod.transaction(db):
            db.execute("INSERT INTO programme_settings (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert db.execute("SELECT COUNT(*) FROM programme_settings").fetchone()[0] == 0


def test_foreign_keys_are_enforced(db):
    import sqlite3

    import pytest

    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO patients (user_id, birth_year, diagnosis_group) VALUES (999, 2012, 'x')"
        )


def test_audit_log_is_append_only(db):
    import sqlite3

    import pytest

    db.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'x')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE audit_log SET action = 'y'")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM audit_log")


def test_a_busy_database_is_retried_not_reported(db_path, monkeypatch):
    """Another writer holds the lock past the busy timeout: the transaction waits and
    retries with backoff instead of raising "database is locked" to the user."""
    import sqlite3

    import sqlite_utils

    dbmod.connect(db_path, migrate=True).close()
    holder = sqlite3.connect(str(db_path), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    impatient = sqlite_utils.Database(
        sqlite3.connect(str(db_path), timeout=0.01, isolation_level=None)
    )
    sleeps = []
    real_sleep = dbmod.time.sleep

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            holder.execute("COMMIT")  # the other writer finishes while we back off
        real_sleep(seconds)

    monkeypatch.setattr(dbmod.time, "sleep", sleep)
    with dbmod.transaction(impatient):
        impatient.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'retried')")
    assert len(sleeps) >= 2
    count = impatient.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'retried'")
    assert count.fetchone()[0] == 1
    holder.close()
