"""The teen's day through the real app (AppTest): check-in, exercises, toolbox, goals,
setback plan, reminders, and their empty states."""

from __future__ import annotations

from datetime import timedelta

import pytest

from companion import programme
from companion.care import checkins, plans
from tests.apptest import app, texts

EXERCISES = [
    {
        "name": "Wall squats",
        "dose": "3 × 10",
        "days_per_week": 7,
        "instructions": "Back to the wall. <b>Slowly</b>.",
    },
    {"name": "Walk **fast**", "dose": "20 min", "days_per_week": 5},
]


@pytest.fixture
def planned(world, db):
    teen = world.teens[0]
    world.plan(
        db,
        teen,
        exercises=EXERCISES,
        coping_skills=["Diaphragmatic breathing", "Singing"],
        warning_signs="Staying in bed <i>all</i> day",
        what_helps="A short walk",
        contacts="Clinic line",
        modules=["hydration"],
    )
    plans.save_goal(
        db,
        world.clinician_a,
        teen.id,
        text="Full school days",
        category="school",
        steps=["Mornings", "Full days"],
    )
    return world.teen_users[0], teen


def today_local(db):
    return programme.local_today(programme.get_settings(db))


def test_check_in_saves_and_saving_again_updates(world, db, planned):
    user, teen = planned
    at = app(user, db)
    day = today_local(db).isoformat()
    assert "Your care team can read everything" in texts(at)
    assert "not your pain or mood" in texts(at)
    plan = plans.current_plan(db, teen.id, today_local(db))
    at.button_group(key=f"pain_{day}").set_value(3)
    at.button_group(key=f"school_{day}").set_value("part")
    at.button_group(key=f"ex_{plan.exercises[0].key}_{day}").set_value("done")
    at.button_group(key=f"ex_{plan.exercises[1].key}_{day}").set_value("part")
    at.number_input(key=f"drinks_{day}").set_value(6)
    at.text_area(key=f"note_{day}").input("**not bold** <script>x</script>")
    at.button(key="save_checkin").click().run()
    assert not at.exception
    assert any(m.value.startswith("Check-in saved for today") for m in at.success)
    saved = checkins.find_checkin(db, teen.id, today_local(db))
    assert saved.pain == 3 and saved.school == "part" and saved.drinks == 6
    assert saved.outcomes == {plan.exercises[0].key: "done", plan.exercises[1].key: "part"}
    assert saved.note == "**not bold** <script>x</script>"
    week = next(m for m in at.metric if m.label == "Exercises this week")
    assert week.value.startswith("2 of "), week.value  # with its "out of"
    at.button_group(key=f"pain_{day}").set_value(5)
    at.button(key="save_checkin").click().run()
    assert checkins.find_checkin(db, teen.id, today_local(db)).pain == 5
    assert db.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 1


def test_the_day_picker_offers_at_most_seven_days_from_discharge(world, db, planned):
    user, teen = planned
    at = app(user, db)
    options = at.selectbox(key="checkin_day").options
    assert options[0] == "Today" and len(options) == 7


def test_a_new_day_starts_empty_and_untouched_fields_are_saved_as_not_answered(world, db, planned):
    user, teen = planned
    today = today_local(db)
    checkins.save_checkin(
        db,
        user,
        teen.id,
        day=today - timedelta(days=1),
        today=today,
        values={"pain": 7, "school": "full", "note": "yesterday's note"},
    )
    at = app(user, db)
    day = today.isoformat()
    assert at.button_group(key=f"pain_{day}").value is None
    assert at.button_group(key=f"school_{day}").value is None
    assert at.text_area(key=f"note_{day}").value == ""
    at.button_group(key=f"mood_{day}").set_value(4)
    at.button(key="save_checkin").click().run()
    assert not at.exception
    saved = checkins.find_checkin(db, teen.id, today)
    assert saved.mood == 4
    assert (saved.pain, saved.school, saved.sleep_hours, saved.sleep_quality) == (None,) * 4
    assert (saved.nurse_visits, saved.early_pickup, saved.active_minutes) == (None,) * 3
    assert (saved.drinks, saved.meals, saved.outcomes, saved.coping) == (None, None, {}, [])


def test_a_refused_value_is_never_replaced_by_another(world, db, planned):
    user, teen = planned
    today = today_local(db)
    checkins.save_checkin(db, user, teen.id, day=today, today=today, values={"sleep_hours": 8.0})
    at = app(user, db)
    day = today.isoformat()
    at.number_input(key=f"sleep_hours_{day}").set_value(30.0)
    at.button(key="save_checkin").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "Sleep hours must be between 0 and 24." in errors
    assert any(e.startswith("Nothing was saved yet") for e in errors)
    assert not at.success
    assert checkins.find_checkin(db, teen.id, today).sleep_hours == 8.0


def test_a_teen_without_a_plan_sees_friendly_empty_states(world, db):
    user = world.teen_users[2]
    home = texts(app(user, db))
    assert "hasn't added home exercises" in home
    assert "coping skills you learned will be listed here" in home
    for page, sentence in [
        ("pages/teen_exercises.py", "No home exercises in your plan yet"),
        ("pages/teen_toolbox.py", "hasn't added the coping skills"),
        ("pages/teen_goals.py", "No goals yet"),
        ("pages/teen_setback.py", "hasn't written your setback plan"),
    ]:
        at = app(user, db, page=page)
        assert not at.exception, page
        assert sentence in texts(at), page


def test_exercises_page_ticks_the_same_record(world, db, planned):
    user, teen = planned
    at = app(user, db, page="pages/teen_exercises.py")
    plan = plans.current_plan(db, teen.id, today_local(db))
    key = f"tick_{plan.exercises[0].key}_{today_local(db).isoformat()}"
    at.button_group(key=key).set_value("done").run()
    assert not at.exception
    saved = checkins.find_checkin(db, teen.id, today_local(db))
    assert saved.outcomes == {plan.exercises[0].key: "done"}
    page = texts(at)
    assert "Exercise adherence" in page or "expected sessions" in page
    assert at.table, "the 7-day strip"


def test_toolbox_logs_a_use_and_stars_a_favourite(world, db, planned):
    user, teen = planned
    at = app(user, db, page="pages/teen_toolbox.py")
    assert "Diaphragmatic breathing" in texts(at)
    at.button(key="used_1").click().run()  # used, not rated: helpfulness not answered
    at.button_group(key="helpful_1").set_value(8)
    at.button(key="used_1").click().run()
    frame = checkins.coping_frame(db, teen.id)
    assert list(frame["skill"]) == ["Singing", "Singing"]
    assert frame["helpfulness"].isna().tolist() == [True, False]
    assert frame["helpfulness"].iloc[1] == 8
    at.button(key="fav_1").click().run()
    assert checkins.list_favourites(db, teen.id) == {"Singing"}
    at = app(user, db, page="pages/teen_toolbox.py")
    assert "★ Singing" in texts(at)  # favourites first


def test_a_rating_stays_with_its_skill_when_a_star_moves_the_card_up(world, db, planned):
    """Widget keys followed the card's place on the page: a star moved Singing to the top,
    its rating stayed behind on Diaphragmatic breathing, and "I used this" on Singing then
    logged breathing with Singing's 8 (the teen-tools browser journey found it)."""
    user, teen = planned
    at = app(user, db, page="pages/teen_toolbox.py")
    at.button_group(key="helpful_1").set_value(8)
    at.button(key="fav_1").click().run()
    assert "★ Singing" in texts(at)
    [rating] = [g for g in at.button_group if g.key == "helpful_1"]
    assert rating.value == 8
    at.button(key="used_1").click().run()
    frame = checkins.coping_frame(db, teen.id)
    assert list(zip(frame["skill"], frame["helpfulness"], strict=True)) == [("Singing", 8)]


def test_goals_progress_is_saved_for_the_week(world, db, planned):
    user, teen = planned
    goal = plans.list_goals(db, teen.id)[0]
    at = app(user, db, page="pages/teen_goals.py")
    at.checkbox(key=f"step_{goal.id}_0").check()
    at.button_group(key=f"rating_{goal.id}").set_value(2)
    at.button(key=f"save_goal_{goal.id}").click().run()
    progress = plans.goal_progress(db, teen.id)[goal.id]
    assert progress[0]["rating"] == 2 and progress[0]["steps_done"] == [0]


def test_setback_plan_shows_the_teens_own_words_as_text(world, db, planned):
    user, _ = planned
    at = app(user, db, page="pages/teen_setback.py")
    assert "Staying in bed <i>all</i> day" in [t.value for t in at.text]
    assert "988" in texts(at)


def test_reminders_offer_a_calendar_file(world, db, planned):
    user, _ = planned
    at = app(user, db, page="pages/teen_settings.py")
    assert not at.exception
    assert at.download_button, "a download button"


def test_exercise_names_are_shown_as_typed(world, db, planned):
    user, _ = planned
    at = app(user, db)
    labels = [b.label for b in at.button_group]
    assert "Walk **fast** (20 min)" in labels, labels
    assert r"**Walk \*\*fast\*\* \(20 min\)**" in [m.value for m in at.markdown]


def test_a_due_questionnaire_appears_above_the_form_and_is_saved(world, db):
    from companion.care import questionnaires

    teen, user = world.teens[0], world.teen_users[0]
    world.plan(
        db,
        teen,
        questionnaires=["readiness-ruler"],
    )
    at = app(user, db)
    assert "Ready to keep going" in texts(at)
    at.button(key="answer_readiness-ruler").click().run()  # nothing chosen yet
    assert any("answer" in e.value.lower() for e in at.error)
    at.radio(key="q_readiness-ruler_ready").set_value(8)
    at.button(key="answer_readiness-ruler").click().run()
    assert not at.exception
    rows = questionnaires.list_responses(db, teen.id, "readiness-ruler")
    assert [(r["score"], r["band"]) for r in rows] == [(8, "Ready")]
    assert "Ready to keep going" not in texts(app(user, db))  # not due again for 14 days


def test_a_note_over_the_limit_is_kept_in_the_box_and_refused_with_a_message(world, db, planned):
    user, teen = planned
    today = today_local(db)
    at = app(user, db)
    day = today.isoformat()
    long_note = "a" * (checkins.NOTE_MAX + 1)
    at.text_area(key=f"note_{day}").input(long_note)
    at.button(key="save_checkin").click().run()
    assert "Please keep this to 1000 characters or fewer." in [e.value for e in at.error]
    assert at.text_area(key=f"note_{day}").value == long_note
    assert checkins.find_checkin(db, teen.id, today) is None


def _two_runs() -> None:
    import streamlit as st

    from companion import ui

    earlier = ui.start_run()  # the run that drew the Save button
    ui.start_run()  # the rerun the next tap started
    st.text(f"still open: {earlier.execute('SELECT 1').fetchone()[0]}")


def test_a_button_drawn_by_an_earlier_run_still_has_a_working_database(db):
    """A tap can arrive while the rerun started by the previous tap is cut short: the Save
    callback then holds the connection of an earlier run. It must still work (CI saw
    "Cannot operate on a closed database" and the check-in page crashed)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_two_runs).run()
    assert not at.exception
    assert [t.value for t in at.text] == ["still open: 1"]


def test_goal_history_reads_as_dates_not_iso_codes(world, db, planned):
    user, teen = planned
    today = today_local(db)
    goal = plans.list_goals(db, teen.id)[0]
    last_week = today - timedelta(days=7)
    plans.record_goal_progress(
        db, user, teen.id, goal.id, rating=2, steps_done=[0], today=last_week
    )
    at = app(user, db, page="pages/teen_goals.py")
    monday = last_week - timedelta(days=last_week.weekday())
    captions = [c.value for c in at.caption]
    wanted = f"Earlier weeks: week of {monday:%-d %b}: {plans.GOAL_RATINGS[2]}"
    assert wanted in captions, captions
    assert monday.isoformat() not in texts(at)
