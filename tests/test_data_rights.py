"""Data rights: a teen or parent downloads everything held about them (and nothing of anyone
else, and no secrets); an admin deletes a teen's record after typing the username."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest

from companion import audit, programme
from companion.care import checkins, plans, visits
from companion.errors import AccessDenied, InvalidInput
from companion.ops import demo
from companion.people import data_rights, patients
from tests.apptest import app, texts
from tests.conftest import TODAY


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


@pytest.fixture
def history(world, db):
    teen = world.teens[0]
    today = programme.local_today(programme.get_settings(db))
    checkins.import_history(
        db,
        teen,
        [
            {"day": today - timedelta(days=1), "pain": 4, "note": "Sore after PE"},
            {"day": today, "pain": 3, "question": "Can I run again?"},
        ],
    )
    other = world.teens[1]
    checkins.import_history(db, other, [{"day": today, "pain": 9, "note": "OTHER-TEEN-NOTE"}])
    return teen, today


def test_a_teens_download_holds_their_record_and_explains_every_file(world, db, history):
    teen, today = history
    files = unzip(data_rights.export_zip(db, world.teen_users[0], today=today))
    assert {"data.json", "README.txt", "checkins.csv", "account.csv", "audit_about_you.csv"} <= set(
        files
    )
    data = json.loads(files["data.json"])
    assert [r["note"] for r in data["checkins"]] == ["Sore after PE", ""]
    assert data["checkins"][1]["question"] == "Can I run again?"
    rows = list(csv.DictReader(io.StringIO(files["checkins.csv"])))
    assert [r["pain"] for r in rows] == ["4", "3"]
    for name in data:
        assert f"{name}.csv" in files["README.txt"]
    everything = "\n".join(files.values())
    assert "OTHER-TEEN-NOTE" not in everything
    assert "$argon2" not in everything and "token_hash" not in everything
    assert audit.list_entries(db, limit=1)[0]["action"] == "export_own_data"


def test_a_parents_download_holds_their_own_writing_not_the_teens_private_logs(world, db, history):
    teen, today = history
    files = unzip(data_rights.export_zip(db, world.parent_a, today=today))
    data = json.loads(files["data.json"])
    assert [r["username"] for r in data["linked_teens"]] == [teen.username]
    assert "Sore after PE" not in "\n".join(files.values())
    assert "checkins" not in data


def test_staff_and_signed_out_get_nothing(world, db, history):
    for nobody in (None, world.clinician_a, world.admin):
        with pytest.raises(AccessDenied):
            data_rights.export_zip(db, nobody, today=TODAY)


def test_the_download_button_is_on_my_account_for_teens_and_parents_only(world, db):
    at = app(world.teen_users[0], db, page="pages/account.py")
    assert [b.label for b in at.get("download_button")] == ["Download my data"]
    staff = app(world.clinician_a, db, page="pages/account.py")
    assert staff.get("download_button") == []


def test_an_admin_deletes_a_teens_record_after_typing_the_username(world, db, history):
    teen, today = history
    plans.save_plan(db, world.clinician_a, teen.id, today=today, starts_on=teen.discharged_on)
    visits.record_visit(
        db, world.clinician_a, teen.id, day=today, today=today, pain=3, fdi_total=12, notes="ok"
    )
    with pytest.raises(InvalidInput):
        data_rights.delete_patient(db, world.admin, teen.id, "not-the-name")
    with pytest.raises(AccessDenied):
        data_rights.delete_patient(db, world.clinician_a, teen.id, teen.username)
    assert data_rights.delete_patient(db, world.admin, teen.id, teen.username.upper()) == "maya"
    assert patients.find_patient(db, teen.id) is None
    for table in ("checkins", "plan_versions", "visits", "questionnaire_responses", "episodes"):
        count = db.execute(f"SELECT COUNT(*) FROM {table} WHERE patient_id = ?", [teen.id])
        assert count.fetchone()[0] == 0, table
    assert db.execute("SELECT COUNT(*) FROM users WHERE username = 'maya'").fetchone()[0] == 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    row = audit.list_entries(db, limit=1)[0]
    assert (row["action"], row["detail"]) == ("delete_patient", "record deleted")
    # the other family is untouched
    assert checkins.checkins_frame(db, world.teens[1].id)["pain"].tolist() == [9]


def test_the_users_page_deletes_with_confirmation(world, db):
    teen_user = world.teen_users[3]
    at = app(world.admin, db, page="pages/admin_users.py")
    at.selectbox(key="delete_teen").set_value(teen_user.id)
    at.text_input(key="confirm_username").input("wrong")
    at.button(key="delete_patient").click().run()
    assert "Type the teen's username exactly" in texts(at)
    at.text_input(key="confirm_username").input(teen_user.username)
    at.button(key="delete_patient").click().run()
    assert not at.exception
    assert "record is deleted" in texts(at)
    assert patients.find_patient_for_user(db, teen_user.id) is None


def test_a_demo_programme_can_be_deleted_teen_by_teen(db):
    made = demo.create_demo(db, seed=5, teens=3, today=TODAY, days=30)
    admin = next(a for a in made.accounts if a.role == "admin")
    from companion.auth import accounts

    admin_user = accounts.find_user_by_username(db, admin.username)
    for pid in made.patient_ids:
        data_rights.delete_patient(db, admin_user, pid, patients.get_patient(db, pid).username)
    assert db.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_teens_download_holds_nothing_written_for_the_care_team_by_others(world, db, history):
    """Issue 13, finding 8: the parent's weekly note and the care team's own notes (visit
    notes, the note on a plan change) are theirs, not the teen's; the parent gets their own."""
    from companion.people import family

    teen, today = history
    family.save_parent_check(
        db,
        world.parent_a,
        teen.id,
        ratings={a: 2 for a in family.CHECK_AREAS},
        note="PARENT-NOTE-4411",
        today=today,
    )
    visits.record_visit(
        db,
        world.clinician_a,
        teen.id,
        day=today,
        today=today,
        pain=3,
        fdi_total=12,
        notes="VISIT-NOTE-4411",
    )
    plans.save_plan(
        db,
        world.clinician_a,
        teen.id,
        today=today,
        starts_on=teen.discharged_on,
        change_note="PLAN-NOTE-4411",
    )
    files = unzip(data_rights.export_zip(db, world.teen_users[0], today=today))
    everything = "\n".join(files.values())
    for private in ("PARENT-NOTE-4411", "VISIT-NOTE-4411", "PLAN-NOTE-4411"):
        assert private not in everything, private
    data = json.loads(files["data.json"])
    assert [(v["pain"], v["fdi_total"]) for v in data["visits"]] == [(3, 12)]  # their measures
    assert "not yours" in files["README.txt"]
    parent = unzip(data_rights.export_zip(db, world.parent_a, today=today))
    assert "PARENT-NOTE-4411" in parent["data.json"]
    assert "VISIT-NOTE-4411" not in "\n".join(parent.values())


def test_the_parent_page_says_exactly_who_reads_the_note(world, db):
    at = app(world.parent_a, db, page="pages/parent_overview.py")
    assert not at.exception
    assert "Only your teen's care team reads your check and this note" in texts(at)
    assert "Your teen doesn't see them, in the app or in their own data download" in texts(at)
