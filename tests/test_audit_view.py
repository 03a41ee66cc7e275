"""The audit log as an admin reads it: programme-local times, names and plain words."""

from __future__ import annotations

from datetime import date

from companion import programme
from companion.ops import audit_view
from tests.apptest import app


def _row(db, at: str, actor, action: str, patient_id=None, detail: str = "") -> None:
    db.execute(
        "INSERT INTO audit_log (at, actor_id, action, patient_id, detail) VALUES (?, ?, ?, ?, ?)",
        [at, actor.id if actor else None, action, patient_id, detail],
    )


def test_codes_become_words_and_unknown_codes_stay_visible():
    assert audit_view.describe("view:view_function") == "viewed school, activity and exercise"
    assert audit_view.describe("issue_code:link_parent") == "made a family code"
    assert audit_view.describe("redeem_code:reset") == "used a password reset code"
    assert audit_view.describe("export_pdf") == "downloaded the follow-up (PDF)"
    assert audit_view.describe("something_new") == "something new"


def test_times_are_the_programmes_and_days_are_its_local_days(world, db):
    teen = world.teens[0]
    # New York is UTC-5 in December: 03:30 UTC on the 3rd is 22:30 on the 2nd there
    _row(db, "2020-12-03T03:30:00+00:00", world.clinician_a, "view:view_notes", teen.id)
    _row(db, "2020-12-03T15:00:00+00:00", world.admin, "programme_settings", None, "name")
    settings = programme.get_settings(db)
    assert settings["timezone"] == "America/New_York"
    on_2nd = audit_view.entries(
        db, settings, first_day=date(2020, 12, 2), last_day=date(2020, 12, 2)
    )
    assert [e["action"] for e in on_2nd] == ["view:view_notes"]
    both = audit_view.entries(db, settings, first_day=date(2020, 12, 2), last_day=date(2020, 12, 3))
    rows = audit_view.readable(db, both, settings)
    assert len(rows) == 2
    assert rows[1] == {
        "When": "Wed 2 Dec 2020, 22:30",
        "Who": f"{world.clinician_a.display_name} (dr.rivera)",
        "What": "viewed notes and questions",
        "Teen": f"{teen.display_name} ({teen.username})",
        "Detail": "",
    }
    assert rows[0]["When"] == "Thu 3 Dec 2020, 10:00"


def test_the_audit_page_shows_words_not_codes(world, db):
    _row(db, "2026-12-03T15:00:00+00:00", world.clinician_a, "view:view_function", 1)
    at = app(world.admin, db, page="pages/admin_audit.py")
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["When", "Who", "What", "Teen", "Detail"]
    assert "view:view_function" not in set(frame["What"])
    assert "viewed school, activity and exercise" in set(frame["What"])


def test_a_settings_change_names_only_what_changed_in_words(world, db):
    """Saving the settings page wrote every setting's key into the audit row, so the log
    could not say what an admin had changed (the admin browser journey found it)."""
    settings = programme.get_settings(db)
    form = {key: settings[key] for key in programme.EDITABLE}
    programme.save_settings(db, {**form, "flag_no_checkin_days": 7}, actor=world.admin)
    programme.save_settings(db, {**form, "flag_no_checkin_days": 7}, actor=world.admin)
    rows = [
        r["detail"]
        for r in db.query("SELECT detail FROM audit_log WHERE action = 'programme_settings'")
    ]
    assert rows[-2:] == ["flag_no_checkin_days", ""]  # the second save changed nothing
    entries = audit_view.entries(db, programme.get_settings(db))
    shown = audit_view.readable(db, entries, programme.get_settings(db))
    assert shown[1]["What"] == "changed programme settings"
    assert shown[1]["Detail"] == "flag: days without a check-in"
    assert set(programme.NAMES) == set(programme.EDITABLE)
