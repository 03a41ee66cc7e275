"""python -m companion, run as a real subprocess against a temp database."""

from __future__ import annotations

import subprocess
import sys

import pytest

from companion import db as dbmod
from companion import programme
from companion.auth import accounts
from tests.conftest import ROOT


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "companion", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.mark.parametrize("command", [[], ["migrate"], ["demo"], ["create-admin"]])
def test_every_command_has_help(command):
    done = cli(*command, "--help")
    assert done.returncode == 0
    assert "usage: python -m companion" in done.stdout


def test_migrate_creates_the_database(tmp_path):
    path = tmp_path / "new.db"
    done = cli("--db", str(path), "migrate")
    assert done.returncode == 0, done.stderr
    assert dbmod.pending_migrations(dbmod.connect(path)) == []
    again = cli("--db", str(path), "migrate")
    assert "applied 0 migration(s)" in again.stdout


def test_demo_prints_accounts_that_work_and_refuses_a_second_time(tmp_path):
    path = tmp_path / "demo.db"
    done = cli("--db", str(path), "demo", "--teens", "3", "--seed", "5")
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()[2:]]
    assert [r[0] for r in rows].count("teen") == 3
    role, username, password = next(r for r in rows if r[0] == "parent")
    assert accounts.authenticate(dbmod.connect(path), username, password)
    again = cli("--db", str(path), "demo")
    assert again.returncode == 2
    assert "already holds a programme" in again.stderr


def test_create_admin_sets_up_a_new_programme(tmp_path):
    path = tmp_path / "admin.db"
    done = cli(
        "--db",
        str(path),
        "create-admin",
        "--username",
        "boss",
        env={"COMPANION_ADMIN_PASSWORD": "violet-canoe-hums-softly"},
    )
    assert done.returncode == 0, done.stderr
    database = dbmod.connect(path)
    assert programme.is_set_up(database)
    assert accounts.authenticate(database, "boss", "violet-canoe-hums-softly")
    weak = cli(
        "--db",
        str(path),
        "create-admin",
        "--username",
        "boss2",
        env={"COMPANION_ADMIN_PASSWORD": "password123456"},
    )
    assert weak.returncode == 2 and "password" in weak.stderr
    assert "password123456" not in weak.stderr + weak.stdout


def test_no_password_or_code_reaches_the_logs(world, db, caplog):
    import logging

    from companion.auth import signin
    from companion.people import account_admin

    caplog.set_level(logging.DEBUG)
    secret = world.passwords["maya"]
    signin.sign_in("maya", "wrong-" + secret, None)
    signin.sign_in("maya", secret, None)
    code = account_admin.issue_family_code(db, world.clinician_a, world.teens[0].id)
    logged = caplog.text
    assert secret not in logged and code not in logged
