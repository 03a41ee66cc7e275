"""Shared fixtures: a fresh database file per test, and a small programme with two families
and two care teams (the demo generator, so tests and demos build the same world)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from companion import db as dbmod
from companion.auth import accounts
from companion.care import plans
from companion.identity import User
from companion.ops import demo
from companion.people.patients import Patient, get_patient

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "companion.db"
    monkeypatch.setenv("COMPANION_DB", str(path))
    return path


@pytest.fixture(scope="session")
def _templates(tmp_path_factory) -> tuple[Path, Path, list]:
    """Built once per test process: a migrated empty database, and the same with the demo
    world in it (its password hashes are what took a test most of its set-up time)."""
    folder = tmp_path_factory.mktemp("templates")
    empty, full = folder / "empty.db", folder / "world.db"
    dbmod.connect(empty, migrate=True).close()
    database = dbmod.connect(full, migrate=True)
    made = demo.create_demo(database, seed=3, teens=4, today=TODAY, history=False)
    database.close()
    return empty, full, made


def _copy_into(source: Path, database) -> None:
    """Replace everything in ``database`` by the contents of ``source`` (SQLite's backup)."""
    template = sqlite3.connect(source)
    try:
        template.backup(database.conn)
    finally:
        template.close()


def demo_file(tmp_path_factory, name: str, **demo_args) -> tuple[Path, demo.Demo]:
    """A demo programme in a database file of its own (``demo.create_demo(**demo_args)``, on
    TODAY), for a module-scoped ``_programme`` fixture that ``programme_db`` copies."""
    path = tmp_path_factory.mktemp(name) / "programme.db"
    database = dbmod.connect(path, migrate=True)
    made = demo.create_demo(database, today=TODAY, **demo_args)
    database.close()
    return path, made


@pytest.fixture
def programme_db(db, _programme):
    """The test's own database holding the module's ``_programme`` (from ``demo_file``)."""
    _copy_into(_programme[0], db)
    return db


def user_named(db, username: str) -> User:
    found = accounts.find_user_by_username(db, username)
    assert found is not None, username
    return found


@pytest.fixture
def db(db_path, _templates):
    """A fresh, migrated database file of the test's own."""
    database = dbmod.connect(db_path)
    _copy_into(_templates[0], database)
    yield database
    database.close()


@dataclass
class World:
    """Demo programme: clinician A cares for teens 0, 1, 2; clinician B for 1 and 3.
    Parent A is linked to teen 0, parent B to teen 1. Teen 2 and 3 have no parent."""

    admin: User
    clinician_a: User
    clinician_b: User
    teens: list[Patient]
    teen_users: list[User]
    parent_a: User
    parent_b: User
    passwords: dict[str, str]

    def plan(self, db, teen: Patient, *, by: User | None = None, **plan):
        """Save ``teen``'s plan from discharge, by a clinician on the team (B for teen 3)."""
        clinician = by or (self.clinician_b if teen.id == self.teens[3].id else self.clinician_a)
        return plans.save_plan(
            db, clinician, teen.id, today=TODAY, starts_on=teen.discharged_on, **plan
        )


@pytest.fixture
def world(db, _templates) -> World:
    _copy_into(_templates[1], db)  # as if create_demo(seed=3, teens=4) had run here
    made = _templates[2]
    by_name = {a.username: a for a in made.accounts}

    def user(name: str) -> User:
        found = accounts.find_user_by_username(db, name)
        assert found is not None
        return found

    teens = [get_patient(db, pid) for pid in made.patient_ids]
    return World(
        admin=user("admin"),
        clinician_a=user("dr.rivera"),
        clinician_b=user("pt.okafor"),
        teens=teens,
        teen_users=[user(t.username) for t in teens],
        parent_a=user("rosa.parent"),
        parent_b=user("daniel.parent"),
        passwords={name: a.password for name, a in by_name.items()},
    )
