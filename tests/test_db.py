from companion import db as dbmod


def test_every_connection_has_the_settings_stack_md_asks_for(db_path):
    database = dbmod.connect(db_path, migrate=True)
    pragma = lambda name: database.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("foreign_keys") == 1
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 1  # NORMAL
    assert pragma("busy_timeout") == 5000


def test_a_database_at_each_older_version_upgrades_to_the_same_schema(tmp_path):
    names = dbmod.migration_names()
    fresh = dbmod.connect(tmp_path / "fresh.db", migrate=True)
    want = {t: fresh[t].schema for t in fresh.table_names()}
    for i, name in enumerate(names):
        old = dbmod.connect(tmp_path / f"old{i}.db")
        dbmod.migrations.apply(old, stop_before=name)
        assert dbmod.pending_migrations(old) == names[i:]
        dbmod.migrations.apply(old)
        assert dbmod.pending_migrations(old) == []
        assert {t: old[t].schema for t in old.table_names()} == want


def test_migrations_run_in_the_order_of_their_numbers():
    names = dbmod.migration_names()
    assert len(names) >= 10
    assert names == sorted(names)


def test_a_database_that_ran_the_coping_index_under_its_old_name_upgrades(tmp_path):
    # until 0.1.0 the coping index was migration "m005_speed_indexes", run after m008
    old = dbmod.connect(tmp_path / "old.db")
    dbmod.migrations.apply(old, stop_before="m008b_coping_index")
    old.execute("CREATE INDEX coping_uses_patient_id ON coping_uses(patient_id, id)")
    dbmod.migrations.apply(old)
    assert dbmod.pending_migrations(old) == []
    indexes = [i.name for i in old["coping_uses"].indexes]
    assert indexes.count("coping_uses_patient_id") == 1


def test_the_old_lock_columns_go_and_the_accounts_stay(tmp_path):
    old = dbmod.connect(tmp_path / "old.db")
    dbmod.migrations.apply(old, stop_before="m011_drop_old_lock_columns")
    old.execute(
        "INSERT INTO users (username, password_hash, role, display_name, failed_logins,"
        " locked_until, created_at) VALUES ('sam', 'h', 'teen', 'Sam', 4, '2026-01-01', 'now')"
    )
    old.conn.commit()
    dbmod.migrations.apply(old)
    assert "failed_logins" not in old["users"].columns_dict
    assert "locked_until" not in old["users"].columns_dict
    row = old.execute("SELECT username, password_hash, role, display_name FROM users").fetchall()
    assert row == [("sam", "h", "teen", "Sam")]


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
