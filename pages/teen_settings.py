"""Settings: what the teen shares with their parents, and calendar reminders."""

from datetime import time

import streamlit as st

from companion import access, ui
from companion.access import Permission
from companion.care import plans, reminders
from companion.errors import InvalidInput
from companion.identity import Role

user = ui.require_user(Role.TEEN)
st.title("Settings")
patient = ui.require_own_patient(user, Permission.WRITE_CHECKIN)
settings = ui.settings()
today = ui.today()
database = ui.db()
plan = plans.current_plan(database, patient.id, today)

st.subheader("What your parents see")
shared = access.sharing(database, patient)
st.write(
    "Your parents always see how things are going with school, activity, home exercises, "
    "coping skills and goals. Your pain and mood are yours: they only see them if you "
    "switch sharing on. They never see your notes or your questions for the care team. "
    "Your care team sees everything."
)
st.toggle("Share my pain with my parents", value=shared["pain"], key="share_pain")
st.toggle("Share my mood with my parents", value=shared["mood"], key="share_mood")
ui.action_button(
    "Save sharing",
    lambda: (
        access.set_sharing(
            database,
            user,
            patient.id,
            pain=bool(ui.value("share_pain")),
            mood=bool(ui.value("share_mood")),
        )
        or True
    ),
    key="save_sharing",
)
if ui.done("save_sharing"):
    st.success("Saved. " + access.who_reads_checkins(database, patient))
ui.field_error("sharing")

st.subheader("Reminders")
st.write(
    "Pick your times and download a calendar file. Open it on your phone and your calendar "
    "app will remind you. Nothing about you is in the file."
)
checkin_at = st.time_input("Daily check-in", value=time(19, 30), step=900, key="checkin_time")
with_exercise = st.toggle(
    "Also remind me about home exercises", value=bool(plan and plan.exercises)
)
exercise_at, exercise_days = None, []
if with_exercise:
    exercise_at = st.time_input("Exercise time", value=time(16, 30), step=900, key="exercise_time")
    exercise_days = st.pills(
        "Exercise days",
        list(range(7)),
        format_func=lambda d: reminders.DAY_NAMES[d],
        selection_mode="multi",
        default=list(range(7)),
        key="exercise_days",
    )
try:
    calendar = reminders.reminder_calendar(
        programme_name=settings["name"],
        timezone=settings["timezone"],
        checkin_time=checkin_at,
        exercise_time=exercise_at,
        exercise_days=list(exercise_days or []),
        start=today,
    )
    what = reminders.summary(
        checkin_time=checkin_at,
        exercise_time=exercise_at,
        exercise_days=list(exercise_days or []),
    )
except InvalidInput as problem:
    st.error(problem.message)
else:
    st.write(what)
    st.download_button(
        "Download reminders (.ics)",
        calendar,
        file_name="companion-reminders.ics",
        mime="text/calendar",
        type="primary",
        on_click="ignore",  # no rerun under the download: it made chromium cancel it more often
    )
