"""Re-enrolment after a readmission: a new episode with its own discharge and baseline; the
earlier episode stays readable in the follow-up view."""

from __future__ import annotations

from datetime import timedelta

import pytest

from companion import audit, programme
from companion.care import checkins, plans, questionnaires
from companion.errors import AccessDenied, InvalidInput
from companion.people import enrolment, patients
from tests.apptest import app, texts


@pytest.fixture
def readmitted(world, db):
    """Teen 0 (care team A): 30 days of logs with full school, then readmitted 10 days ago
    and discharged 3 days ago."""
    teen = world.teens[0]
    today = programme.local_today(programme.get_settings(db))
    first_discharge = today - timedelta(days=60)
    db.execute(
        "UPDATE episodes SET discharged_on = ? WHERE id = ?",
        [first_discharge.isoformat(), teen.episode_id],
    )
    teen = patients.get_patient(db, teen.id)
    plans.save_plan(
        db, world.clinician_a, teen.id, today=today, starts_on=first_discharge, exercises=[]
    )
    checkins.import_history(
        db, teen, [{"day": today - timedelta(days=n), "school": "full"} for n in range(20, 50)]
    )
    new = enrolment.readmit(
        db,
        world.clinician_a,
        teen.id,
        admitted_on=today - timedelta(days=10),
        discharged_on=today - timedelta(days=3),
        today=today,
        baseline_fdi=24,
    )
    return teen, new, today


def test_a_readmission_starts_a_new_episode_with_its_own_baseline(world, db, readmitted):
    old, new, today = readmitted
    assert new.id == old.id and new.user_id == old.user_id
    assert new.discharged_on == today - timedelta(days=3)
    assert new.episode_id != old.episode_id
    first, second = patients.list_episodes(db, old.id)
    assert (first.number, first.discharged_on, first.ends_on) == (
        1,
        today - timedelta(days=60),
        today - timedelta(days=11),
    )
    assert (second.admitted_on, second.ends_on) == (today - timedelta(days=10), None)
    fdi = questionnaires.list_responses(db, old.id, questionnaires.FDI_ID)
    assert [(r["day"], r["score"]) for r in fdi] == [(new.discharged_on.isoformat(), 24)]
    actions = [r["action"] for r in audit.list_entries(db)]
    assert "new_episode" in actions


def test_the_first_plan_of_a_new_episode_may_start_at_its_discharge(world, db, readmitted):
    old, new, today = readmitted
    version = plans.save_plan(
        db, world.clinician_a, new.id, today=today, starts_on=new.discharged_on, exercises=[]
    )
    assert version.starts_on == new.discharged_on
    assert version.episode_id == new.episode_id
    with pytest.raises(InvalidInput, match="before today"):
        plans.save_plan(
            db, world.clinician_a, new.id, today=today, starts_on=new.discharged_on, exercises=[]
        )


def test_a_readmission_must_follow_the_last_discharge_and_needs_the_care_team(world, db):
    teen = world.teens[0]
    today = programme.local_today(programme.get_settings(db))
    with pytest.raises(InvalidInput, match="after the last discharge"):
        enrolment.readmit(
            db, world.clinician_a, teen.id, discharged_on=teen.discharged_on, today=today
        )
    with pytest.raises(InvalidInput, match="future"):
        enrolment.readmit(
            db, world.clinician_a, teen.id, discharged_on=today + timedelta(days=1), today=today
        )
    with pytest.raises(AccessDenied):  # clinician B is not on teen 0's care team
        enrolment.readmit(db, world.clinician_b, teen.id, discharged_on=today, today=today)
    assert len(patients.list_episodes(db, teen.id)) == 1


def test_the_enrol_page_readmits_an_existing_teen(world, db):
    teen = world.teens[3]  # care team B
    today = programme.local_today(programme.get_settings(db))
    at = app(world.clinician_b, db, page="pages/clinician_enrol.py")
    at.segmented_control(key="enrol_kind").set_value("A readmitted teen").run()
    names = " ".join(at.selectbox(key="readmit_who").options)  # shown as "Name (username)"
    assert f"({teen.username})" in names
    assert f"({world.teens[0].username})" not in names  # not on B's care team
    at.selectbox(key="readmit_who").set_value(teen)
    at.date_input(key="readmit_discharged").set_value(today)
    at.button(key="readmit").click().run()
    assert not at.exception
    assert "starts a new episode" in texts(at)
    assert patients.get_patient(db, teen.id).discharged_on == today


def test_the_earlier_episode_stays_readable_in_the_follow_up_view(world, db, readmitted):
    old, new, today = readmitted
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=old.id)
    assert "Episode 2 (readmitted)" in texts(at)
    at.segmented_control(key="followup_period").set_value("An earlier episode").run()
    assert not at.exception
    page = texts(at)
    first = today - timedelta(days=60)
    last = today - timedelta(days=11)
    assert f"{first:%-d %b %Y} to {last:%-d %b %Y} (50 days)" in page
    school = {m.label: m.value for m in at.metric}["School attendance"]
    assert school == "100%"  # the 30 logged school days of that episode, all full days
