"""My progress: function first — school, exercise, activity, disability, coping — then pain
and mood as weekly averages, and a short list of wins."""

import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import questionnaires
from companion.identity import Role
from companion.insight import progress

user = ui.require_user(Role.TEEN)
st.title("My progress")
patient = ui.require_own_patient(user, Permission.VIEW_FUNCTION)
today = ui.today()
choice = (
    st.segmented_control("Period", list(progress.PERIODS), default="4 weeks", key="period")
    or "4 weeks"
)
p = ui.progress_for(
    patient,
    start=progress.period_start(choice, patient=patient, today=today),
    end=today,
    today=today,
    pain=True,
    mood=True,
)
if p.empty:
    st.info("Your charts start after your first check-ins. Check in today and come back soon!")
    st.stop()


def section(title: str, key: str, kind: str, *args) -> None:
    st.subheader(title)
    sentence = p.sentences.get(key)
    if sentence:
        st.write(sentence)
    ui.chart(kind, *args, alt=sentence or title)


section("School", "school", "school", p.weeks)
st.caption(p.school.describe())
if p.school_steps:
    st.markdown("**Back to school, step by step**")
    for week in reversed(p.school_steps[-4:]):
        st.text(
            f"Week of {week.week:%-d %b}: {week.step.target()} ({week.step.text}) — "
            f"{week.week_so_far()}"
        )
section("Home exercises", "exercise", "exercise", p.weeks)
st.caption(p.adherence.describe())
section("Being active", "activity", "activity", p.weeks)
if p.fdi.points:
    section("Everyday activities (FDI)", "fdi", "fdi", list(p.fdi.points), questionnaires.FDI_BANDS)
section("Coping skills", "coping", "coping", p.weeks)

st.subheader("Wins")
if p.wins:
    for win in p.wins:
        st.markdown(f"- {ui.esc(win)}")
else:
    st.write("Keep checking in — your wins will show up here.")
if p.pain_flat:
    st.info(
        "Your pain hasn't changed much yet, and that's common. For many teens, doing more "
        "comes first and pain eases later — sometimes months later. What you're doing counts.",
        icon=":material/favorite:",
    )
st.subheader("Pain and mood")
st.caption(p.sentences["pain_mood"])
ui.chart("weekly_average", p.weeks, "pain_mean", "Pain (0–10)", 10, alt="Pain, weekly average")
ui.chart("weekly_average", p.weeks, "mood_mean", "Mood (1–5)", 5, alt="Mood, weekly average")
