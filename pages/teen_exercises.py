"""Exercises: today's home exercises, ticked off; this week at a glance."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import checkins, plans
from companion.identity import Role
from companion.insight import metrics

user = ui.require_user(Role.TEEN)
st.title("Home exercises")
patient = ui.require_own_patient(user, Permission.WRITE_CHECKIN)
database = ui.db()
today = ui.today()
versions = plans.list_versions(database, patient.id)
plan = plans.plan_on(versions, today)
if plan is None or not plan.exercises:
    st.info(
        "No home exercises in your plan yet. Your care team adds them — they'll show up "
        "here with how to do each one."
    )
    st.stop()

ui.form_error()
ui.field_error("outcomes", "day")
saved = checkins.find_checkin(database, patient.id, today)
st.caption("Tick them off as you go. This is the same record as your daily check-in.")
for exercise in plan.exercises:
    with st.container(border=True):
        st.markdown(f"**{ui.esc(exercise.name)}**")
        often = f"{exercise.days_per_week} day{'' if exercise.days_per_week == 1 else 's'} a week"
        st.caption(ui.esc(f"{exercise.dose} · {often}" if exercise.dose else often))
        if exercise.instructions:
            with st.expander("How to do it"):
                st.text(exercise.instructions)
                if exercise.video_url:
                    st.link_button("Watch the video", exercise.video_url)
        key = f"tick_{exercise.key}_{today.isoformat()}"
        drawn_for = ui.drawn_for()  # the tick acts only for the user this page was drawn for

        def tick(exercise_key: str = exercise.key, widget: str = key, who=drawn_for) -> None:
            ui.run_action(
                "tick",
                lambda: checkins.save_exercise_outcome(
                    database,
                    user,
                    patient.id,
                    day=today,
                    today=today,
                    key=exercise_key,
                    status=ui.value(widget),
                ),
                who,
            )

        st.segmented_control(
            "Today",
            list(checkins.OUTCOMES),
            format_func=checkins.OUTCOMES.get,
            default=saved.outcomes.get(exercise.key) if saved else None,
            key=key,
            on_change=tick,
        )

outcomes = checkins.outcomes_frame(database, patient.id)
monday = metrics.week_start(today)
week = metrics.exercise_adherence(
    versions,
    outcomes,
    checkins.checkins_frame(database, patient.id)["day"].tolist(),
    start=monday,
    end=monday + timedelta(days=6),
    discharged_on=patient.discharged_on,
    today=today,
)
st.subheader("This week")
if week.rate is not None:
    st.metric("Exercise adherence", f"{week.rate:.0%}", help=week.describe())
    st.caption(week.describe())
streak = metrics.exercise_streak(outcomes, today=today)
st.write(f"Streak: {streak} day{'' if streak == 1 else 's'} in a row with an exercise done.")

marks = {"done": "✓", "part": "½", "not_done": "✗", "not_logged": "·", None: ""}
strip = metrics.week_strip(plan, outcomes, monday=monday, today=today)
st.table(
    pd.DataFrame(
        {
            # two letters a day, so the week fits a 320 px phone (Mo Tu We ...)
            (monday + timedelta(days=n)).strftime("%a")[:2]: [
                marks[row[n]] for row in strip.values()
            ]
            for n in range(7)
        },
        index=list(strip),
    )
)
st.caption("✓ done · ½ part · ✗ not done · · not logged")
