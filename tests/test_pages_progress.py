"""Progress for the teen and the family dashboard (AppTest), and the sharing boundary:
a parent whose teen does not share pain sees no pain value anywhere — page or chart data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from companion import access, programme
from companion.care import checkins, plans
from companion.people import family
from tests.apptest import app, texts


@pytest.fixture
def history(world, db):
    """Teen 0 with a plan and nine days of check-ins, pain always 9, mood always 2."""
    teen, user = world.teens[0], world.teen_users[0]
    world.plan(
        db,
        teen,
        exercises=[{"name": "Squats", "dose": "3 × 10", "days_per_week": 7}],
        coping_skills=["Mindfulness"],
    )
    key = plans.list_versions(db, teen.id)[0].exercises[0].key
    today = programme.local_today(programme.get_settings(db))
    rows = [
        {
            "day": today - timedelta(days=n),
            "pain": 9,
            "mood": 2,
            "active_minutes": 30,
            "school": "full" if (today - timedelta(days=n)).weekday() < 5 else "none",
            "outcomes": {key: "done"},
            "coping": [{"skill": "Mindfulness", "helpfulness": 7}],
        }
        for n in range(9)
        if today - timedelta(days=n) >= teen.discharged_on
    ]
    checkins.import_history(db, teen, rows)
    return teen, user


def chart_specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("arrow_vega_lite_chart")] + [
        json.loads(c.proto.spec) for c in at.get("vega_lite_chart")
    ]


def chart_data(at) -> str:
    """Every chart's spec and datasets, as text."""
    parts = []
    for chart in [*at.get("arrow_vega_lite_chart"), *at.get("vega_lite_chart")]:
        parts.append(chart.proto.spec)
        for dataset in getattr(chart.proto, "datasets", []):
            parts.append(str(dataset))
        parts.append(str(getattr(chart.proto, "data", "")))
    return "\n".join(parts)


def test_the_teens_progress_page_is_function_first(world, db, history):
    teen, user = history
    at = app(user, db, page="pages/teen_progress.py")
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert headings[:4] == ["School", "Home exercises", "Being active", "Coping skills"]
    assert headings.index("Pain and mood") > headings.index("Wins")
    page = texts(at)
    assert "You were at school" in page and "planned exercise sessions" in page
    assert len(chart_specs(at)) >= 5
    assert "pain_mean" in chart_data(at)  # the teen sees their own pain


def test_a_teen_with_no_check_ins_sees_a_friendly_empty_state(world, db):
    at = app(world.teen_users[2], db, page="pages/teen_progress.py")
    assert "Your charts start after your first check-ins" in texts(at)


def test_a_parent_sees_function_but_no_pain_or_mood_unless_shared(world, db, history):
    teen, user = history
    at = app(world.parent_a, db)
    assert not at.exception
    page, data = texts(at), chart_data(at)
    assert "Maya was at school" in page
    assert "This week" in page
    for secret in ("pain_mean", "mood_mean", "Pain (0–10)", "Mood (1–5)", '"pain"', "9.0"):
        assert secret not in data, secret
    assert "Pain (weekly average)" not in page and "Mood (weekly average)" not in page
    assert "keeps pain and mood private" in page

    access.set_sharing(db, user, teen.id, pain=True, mood=False)
    at = app(world.parent_a, db)
    page, data = texts(at), chart_data(at)
    assert "Pain (weekly average)" in page and "pain_mean" in data
    assert "mood_mean" not in data and "Mood (weekly average)" not in page


def test_notes_and_questions_never_reach_a_parent(world, db, history):
    teen, user = history
    checkins.save_checkin(
        db,
        user,
        teen.id,
        day=programme.local_today(programme.get_settings(db)),
        today=programme.local_today(programme.get_settings(db)),
        values={"note": "secret note xyz", "question": "private question qrs"},
    )
    access.set_sharing(db, user, teen.id, pain=True, mood=True)
    at = app(world.parent_a, db)
    everything = texts(at) + chart_data(at)
    assert "secret note xyz" not in everything and "private question qrs" not in everything


def test_the_weekly_parent_check_is_saved(world, db, history):
    teen, _ = history
    at = app(world.parent_a, db)
    for area in family.CHECK_AREAS:  # nothing is chosen for the parent
        assert at.button_group(key=f"check_{area}_{teen.id}").value is None
    at.button_group(key=f"check_school_{teen.id}").set_value(4)
    at.text_area(key=f"check_note_{teen.id}").input("She went every day")
    at.button(key=f"save_check_{teen.id}").click().run()
    assert not at.exception
    assert "Please choose one answer." in [e.value for e in at.error]
    assert family.list_parent_checks(db, teen.id) == []  # no made-up answers saved
    at.button_group(key=f"check_activities_{teen.id}").set_value(3)
    at.button_group(key=f"check_exercise_{teen.id}").set_value(2)
    at.button(key=f"save_check_{teen.id}").click().run()
    checks = family.list_parent_checks(db, teen.id)
    assert len(checks) == 1 and (checks[0]["school"], checks[0]["activities"]) == (4, 3)
    assert checks[0]["exercise"] == 2 and checks[0]["note"] == "She went every day"
    again = app(world.parent_a, db)  # this week's answers come back, to change them
    assert again.button_group(key=f"check_school_{teen.id}").value == 4


def test_sharing_settings_are_the_teens_to_change(world, db, history):
    teen, user = history
    at = app(user, db, page="pages/teen_settings.py")
    assert "never see your notes" in texts(at)
    at.toggle(key="share_mood").set_value(True)
    at.button(key="save_sharing").click().run()
    assert access.sharing(db, teen) == {"pain": False, "mood": True}


def test_coaching_follows_the_week():
    import pandas as pd

    week = pd.Series(
        {
            "days_logged": 5,
            "days": 7,
            "school_days": 5,
            "school_attended": 3.0,
            "school_absent": 2,
            "exercise_expected": 7.0,
            "exercise_completed": 6.0,
            "exercise_rate": 0.86,
            "active_minutes": 100,
            "coping_uses": 3,
        }
    )
    assert family.coaching(week) is family.ATTENDANCE_TIP
    part_days = week.copy()
    part_days["school_absent"] = 0  # part days are not missed days
    assert family.coaching(part_days) is family.STEADY_TIP
    low = week.copy()
    low["school_absent"], low["exercise_rate"] = 0, 0.3
    assert family.coaching(low) is family.EXERCISE_TIP
    assert family.week_summary(week, "Maya") == (
        "This week (5 of 7 days logged): school 3 of 5 days, home exercises 6 of 7 planned "
        "sessions, active 100 minutes, coping skills used 3 times."
    )


def test_clinicians_see_parent_checks_beside_the_teens_logs(world, db, history):
    teen, _ = history
    today = programme.local_today(programme.get_settings(db))
    # the teen logged full school days all week; the parent says "Not at all"
    family.save_parent_check(
        db,
        world.parent_a,
        teen.id,
        ratings={"school": 0, "activities": 3, "exercise": 4},
        note="Looked tired",
        today=today,
    )
    at = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    table = next(f.value for f in at.dataframe if "Differ on" in f.value.columns)
    row = table.iloc[-1]
    assert row["Parent: school"] == "Not at all" and row["Parent's note"] == "Looked tired"
    assert row["Differ on"] == "School"


def test_parent_checks_are_only_for_linked_parents(world, db, history):
    teen, user = history
    today = programme.local_today(programme.get_settings(db))
    import pytest as _pytest

    from companion.errors import AccessDenied, InvalidInput

    for outsider in (world.parent_b, user, world.clinician_a):
        with _pytest.raises(AccessDenied):
            family.save_parent_check(
                db,
                outsider,
                teen.id,
                ratings={"school": 1, "activities": 1, "exercise": 1},
                note="",
                today=today,
            )
    with _pytest.raises(InvalidInput):
        family.save_parent_check(
            db,
            world.parent_a,
            teen.id,
            ratings={"school": 5, "activities": 1, "exercise": 1},
            note="",
            today=today,
        )
    assert family.list_parent_checks(db, teen.id) == []


@pytest.mark.parametrize(
    ("x", "text"), [(0, "0"), (0.5, "½"), (2.5, "2½"), (3.0, "3"), (4.4999, "4½"), (9.0, "9")]
)
def test_halves_are_written_as_a_person_writes_them(x, text):
    from companion.insight import metrics

    assert metrics.halves(x) == text


def test_a_parent_reads_halves_and_about_for_a_fractional_plan():
    import pandas as pd

    week = pd.Series(
        {
            "days_logged": 6,
            "days": 7,
            "school_days": 1,
            "school_attended": 0.5,
            "exercise_expected": 9.7,
            "exercise_completed": 4.5,
            "active_minutes": 30,
            "coping_uses": 1,
        }
    )
    assert family.week_summary(week, "Maya") == (
        "This week (6 of 7 days logged): school ½ of 1 day, home exercises 4½ of about 10 "
        "planned sessions, active 30 minutes, coping skills used 1 time."
    )


def test_the_teens_fdi_sentence_explains_the_number_without_a_disability_label(world, db, history):
    from companion.care import questionnaires

    teen, _ = history
    today = programme.local_today(programme.get_settings(db))
    questionnaires.record_fdi_total(db, world.clinician_a, teen.id, 26, day=today, today=today)
    at = app(world.teen_users[0], db, page="pages/teen_progress.py")
    page = texts(at)
    assert f"Your latest score is 26 out of 60, on {today:%-d %B}." in page
    assert "disability" not in page.lower()
