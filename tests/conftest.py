"""Shared fixtures: a fresh database file per test, and a small programme with two families
and two care teams (the demo generator, so tests and demos build the same world)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from companion import db as dbmod
from companion.auth import accounts
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


@pytest.fixture
def db(db_path):
    database = dbmod.connect(db_path, migrate=True)
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


@pytest.fixture
def world(db) -> World:
    made = demo.create_demo(db, seed=3, teens=4, today=TODAY, history=False)
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
