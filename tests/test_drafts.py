"""Unsaved check-in drafts (companion/care/drafts.py): kept per sign-in session, patient and
day; never read by another session; gone when the day is saved or the session ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from companion.auth import sessions
from companion.care import checkins, drafts
from companion.errors import AccessDenied
from tests.conftest import TODAY


@pytest.fixture
def teen(world):
    return world.teen_users[3], world.teens[3]  # a draft needs no plan


def signed_in(db, user):
    """The user as a page sees them: looked up from a live session."""
    token = sessions.create(db, user)
    return sessions.user_for_token(db, token), token


def entered(**answers) -> dict:
    return {**drafts.blank(), **answers}


def rows(db) -> int:
    return db.execute("SELECT count(*) FROM checkin_drafts").fetchone()[0]


def test_a_draft_comes_back_to_the_same_session_only(db, teen):
    user, patient = teen
    phone, _ = signed_in(db, user)
    laptop, _ = signed_in(db, user)
    answers = entered(pain=6, sleep_hours=7.5, activities=["Walking"], note="typed")
    drafts.keep(db, phone, patient.id, TODAY, answers, saved=None)
    assert drafts.restore(db, phone, patient.id, TODAY) == answers
    assert drafts.restore(db, laptop, patient.id, TODAY) is None  # another sign-in
    assert drafts.restore(db, phone, patient.id, TODAY - timedelta(days=1)) is None
    assert checkins.find_checkin(db, patient.id, TODAY) is None  # a draft is not a check-in


def test_a_user_not_from_a_session_keeps_no_draft(db, teen):
    user, patient = teen  # as built by a script, with no session behind it
    drafts.keep(db, user, patient.id, TODAY, entered(pain=3), saved=None)
    assert rows(db) == 0
    assert drafts.restore(db, user, patient.id, TODAY) is None


def test_nobody_else_may_keep_or_read_a_teens_draft(db, world):
    patient = world.teens[0]  # parent A's teen, on clinician A's team
    mine, _ = signed_in(db, world.teen_users[0])
    drafts.keep(db, mine, patient.id, TODAY, entered(pain=3), saved=None)
    for other in (world.parent_a, world.clinician_a, world.teen_users[1]):
        someone, _ = signed_in(db, other)
        with pytest.raises(AccessDenied):
            drafts.restore(db, someone, patient.id, TODAY)
        with pytest.raises(AccessDenied):
            drafts.keep(db, someone, patient.id, TODAY, entered(pain=9), saved=None)
    assert drafts.restore(db, mine, patient.id, TODAY)["pain"] == 3


def test_saving_the_day_ends_its_drafts_on_every_device(db, teen):
    user, patient = teen
    phone, _ = signed_in(db, user)
    laptop, _ = signed_in(db, user)
    yesterday = TODAY - timedelta(days=1)
    drafts.keep(db, phone, patient.id, TODAY, entered(pain=2), saved=None)
    drafts.keep(db, laptop, patient.id, TODAY, entered(pain=8), saved=None)
    drafts.keep(db, phone, patient.id, yesterday, entered(mood=4), saved=None)
    checkins.save_checkin(db, laptop, patient.id, day=TODAY, today=TODAY, values={"pain": 8})
    assert drafts.restore(db, phone, patient.id, TODAY) is None
    assert drafts.restore(db, laptop, patient.id, TODAY) is None
    assert drafts.restore(db, phone, patient.id, yesterday)["mood"] == 4  # another day stays


def test_answers_that_are_what_is_saved_leave_no_draft(db, teen):
    user, patient = teen
    phone, _ = signed_in(db, user)
    saved = checkins.save_checkin(
        db, phone, patient.id, day=TODAY, today=TODAY, values={"pain": 4, "sleep_hours": 7}
    )
    drafts.keep(db, phone, patient.id, TODAY, entered(pain=5, sleep_hours=7.0), saved=saved)
    assert rows(db) == 1
    # changed back to what is saved (7 and 7.0, untouched note): nothing is unsaved
    drafts.keep(db, phone, patient.id, TODAY, entered(pain=4, sleep_hours=7.0), saved=saved)
    assert rows(db) == 0


def test_signing_out_or_revoking_ends_the_sessions_drafts(db, teen):
    user, patient = teen
    phone, phone_token = signed_in(db, user)
    laptop, _ = signed_in(db, user)
    drafts.keep(db, phone, patient.id, TODAY, entered(pain=1), saved=None)
    drafts.keep(db, laptop, patient.id, TODAY, entered(pain=2), saved=None)
    sessions.revoke(db, phone_token)
    remaining = [r[0] for r in db.execute("SELECT answers FROM checkin_drafts")]
    assert len(remaining) == 1 and '"pain": 2' in remaining[0]
    sessions.revoke_all(db, user.id)  # a password change, a deactivation
    assert rows(db) == 0


def test_an_old_draft_is_not_restored_and_is_cleared(db, teen):
    user, patient = teen
    phone, _ = signed_in(db, user)
    drafts.keep(db, phone, patient.id, TODAY, entered(pain=1), saved=None)
    old = (drafts.now() - timedelta(days=drafts.KEEP_DAYS, minutes=1)).isoformat()
    db.execute("UPDATE checkin_drafts SET updated_at = ?", [old])
    assert drafts.restore(db, phone, patient.id, TODAY) is None
    drafts.keep(db, phone, patient.id, TODAY - timedelta(days=1), entered(pain=2), saved=None)
    assert rows(db) == 1  # the old one went when the next was kept


def test_a_draft_holds_only_what_the_form_could_hold(db, teen):
    user, patient = teen
    phone, _ = signed_in(db, user)
    odd = {
        "pain": 12,
        "mood": True,
        "school": ["full"],
        "early_pickup": 1,
        "sleep_hours": float("inf"),
        "active_minutes": 30,
        "activities": ["Walking", "Flying"],
        "note": 5,
        "outcomes": {"k1": "done", "k2": "maybe"},
        "coping": [{"skill": "Breathing", "helpfulness": 11}, "x"],
    }
    drafts.keep(db, phone, patient.id, TODAY, odd, saved=None)
    back = drafts.restore(db, phone, patient.id, TODAY)
    assert back == entered(
        active_minutes=30,
        activities=["Walking"],
        outcomes={"k1": "done"},
        coping=[{"skill": "Breathing", "helpfulness": None}],
    )


def test_a_pasted_essay_is_not_kept(db, teen):
    user, patient = teen
    phone, _ = signed_in(db, user)
    drafts.keep(db, phone, patient.id, TODAY, entered(pain=3), saved=None)
    drafts.keep(db, phone, patient.id, TODAY, entered(note="x" * drafts.MAX_BYTES), saved=None)
    assert rows(db) == 0


def test_rating_a_skill_0_is_an_answer_not_the_same_as_no_rating(db, teen):
    """Helpfulness 0 ("not at all") is an answer: changed from not rated to 0, the day has
    something unsaved, and the draft is kept."""
    user, patient = teen
    phone, _ = signed_in(db, user)
    saved = checkins.save_checkin(
        db,
        phone,
        patient.id,
        day=TODAY,
        today=TODAY,
        values={"coping": [{"skill": "Breathing", "helpfulness": None}]},
    )
    rated = entered(coping=[{"skill": "Breathing", "helpfulness": 0}])
    drafts.keep(db, phone, patient.id, TODAY, rated, saved=saved)
    assert drafts.restore(db, phone, patient.id, TODAY)["coping"] == rated["coping"]
