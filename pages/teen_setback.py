"""Setback plan: the teen's own plan for a hard day, written with the care team."""

import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import plans
from companion.identity import Role

user = ui.require_user(Role.TEEN)
st.title("My setback plan")
st.write(
    "Hard days and flare-ups happen, and they pass. A setback doesn't undo your progress. "
    "Follow your plan, keep going at a lower level, and keep your day as normal as you can."
)
own = ui.own_patient(user)
patient = ui.require_patient(user, Permission.VIEW_PLAN, own.id) if own else None
settings = ui.settings()
plan = plans.current_plan(ui.db(), patient.id, ui.today()) if patient else None
if plan is None or not plan.has_setback_plan:
    st.info(
        "Your care team hasn't written your setback plan in the app yet. Until they do, try "
        "the ideas below, and ask about it at your next visit."
    )
else:
    for title, text in (
        ("Warning signs", plan.warning_signs),
        ("What helps", plan.what_helps),
        ("Who to contact", plan.contacts),
    ):
        if text:
            st.subheader(title)
            st.text(text)

st.subheader("Ideas for a hard day")
for idea in (
    "Keep your plans for the day, school too, even if you do a bit less.",
    "Take short breathing breaks through the day.",
    "Do your exercises at a lower level instead of stopping.",
    "Go for a short walk.",
    "Take your medicines as prescribed, and don't add new ones without asking your care team.",
    "Talk to yourself kindly: “This is a hard day. I know what to do.”",
    "Do something easy that you enjoy.",
):
    st.markdown(f"- {idea}")

with st.container(border=True):
    ui.help_now(settings)
