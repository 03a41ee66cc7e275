"""Follow-up view: how the teen has done since the last visit, on one screen; record the
visit; download the period's daily data."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from companion import (
    checkins,
    family,
    patients,
    plans,
    programme,
    questionnaires,
    ui,
    visits,
)
from companion.access import Permission
from companion.identity import Role

user = ui.require_user(Role.CLINICIAN)
patient = ui.pick_patient(user, Permission.VIEW_NOTES, label="Patient")
st.title("Follow-up")
if patient is None:
    st.info("No patients on your care team yet.")
    st.stop()
database = ui.db()
today = programme.local_today(ui.settings())
st.subheader(ui.esc(patient.display_name))
st.caption(
    f"Age {patient.age(today)} · {patient.diagnosis_group} · "
    f"{patient.days_since_discharge(today)} days since discharge"
)

episodes = patients.list_episodes(database, patient.id)
if len(episodes) > 1:
    st.caption(f"Episode {len(episodes)} (readmitted); earlier episodes are under “Period”.")
last_visit = visits.last_visit_day(database, patient.id)
choices = ["Since the last visit", "Last 30 days", "Since discharge", "Custom"]
if len(episodes) > 1:
    choices.append("An earlier episode")
choice = st.segmented_control("Period", choices, default=choices[0], key="followup_period")
choice = choice or choices[0]
shown = patient  # an earlier episode shows the patient as they were then
if choice == "Custom":
    picked = st.date_input(
        "From – to",
        value=(today - timedelta(days=13), today),
        min_value=patient.discharged_on,
        max_value=today,
        key="custom_range",
    )
    start, end = (picked[0], picked[-1]) if picked else (today, today)
elif choice == "Last 30 days":
    start, end = today - timedelta(days=29), today
elif choice == "An earlier episode":
    episode = st.selectbox(
        "Episode", episodes[:-1], format_func=patients.Episode.label, key="episode_pick"
    )
    start, end = episode.discharged_on, episode.ends_on
    shown = patients.in_episode(patient, episode)
elif choice == "Since the last visit" and last_visit:
    start, end = last_visit, today
else:
    start, end = patient.discharged_on, today
if choice == "Since the last visit" and not last_visit:
    st.caption("No visit recorded yet: showing everything since discharge.")

printing = st.toggle(
    "Print layout",
    key="print_view",
    help="A plain page for your browser's Print command, without forms or buttons.",
)
ui.print_styles()
p = ui.progress_for(shown, start=start, end=end, today=today, pain=True, mood=True)
if p.period is None:
    st.info("That period is before discharge.")
    st.stop()
st.caption(f"{p.period.start:%-d %b %Y} to {p.period.end:%-d %b %Y} ({p.period.days} days)")
ui.audit_period_view(user, patient, "followup", p.period.start, p.period.end)

for flag in p.flags:
    st.warning(flag.reason, icon=":material/flag:")

cols = st.columns(2)
rate = p.checkin_rate
cols[0].metric(
    "Check-in rate",
    "—" if rate.value is None else f"{rate.value:.0%}",
    help=f"{int(rate.numerator)} of {int(rate.denominator)} days with a check-in",
)
cols[1].metric(
    "Exercise adherence",
    "—" if p.adherence.rate is None else f"{p.adherence.rate:.0%}",
    help=p.adherence.describe(),
)
cols = st.columns(2)
cols[0].metric(
    "School attendance",
    "—" if p.school.rate is None else f"{p.school.rate:.0%}",
    help=p.school.describe(),
)
if p.fdi.latest:
    change = "" if p.fdi.change is None else f"{p.fdi.change:+.0f} since discharge"
    cols[1].metric(
        "Latest FDI",
        f"{p.fdi.latest[1]:.0f} ({p.fdi.latest[2]})",
        change,
        delta_color="inverse",
        help="Functional Disability Inventory, 0–60",
    )
else:
    cols[1].metric("Latest FDI", "—", help="No FDI total recorded yet.")

st.markdown("**Exercise adherence per exercise**")
if p.adherence.exercises:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Exercise": e.name,
                    "Adherence": None if e.rate is None else f"{e.rate:.0%}",
                    "Done": e.done,
                    "Part": e.part,
                    "Not done": e.not_done,
                    "Not logged": e.not_logged,
                    "Expected sessions": round(e.expected, 1),
                }
                for e in p.adherence.exercises
            ]
        ),
        hide_index=True,
    )
    st.caption(p.adherence.describe())
else:
    st.write("No exercises were planned in this period.")
st.markdown("**School**")
st.caption(p.school.describe())
st.markdown("**Coping skills (most used first)**")
if len(p.skills):
    st.dataframe(
        p.skills.rename(
            columns={
                "skill": "Skill",
                "uses": "Uses",
                "mean_helpfulness": "Mean helpfulness (0–10)",
            }
        ),
        hide_index=True,
    )
else:
    st.write("No coping skills logged in this period.")

st.markdown("**Trends**")
for title, kind in (("School", "school"), ("Exercise", "exercise"), ("Activity", "activity")):
    st.caption(title)
    ui.chart(kind, p.weeks, alt=p.sentences.get(kind) or title)
if p.fdi.points:
    st.caption("FDI")
    ui.chart("fdi", list(p.fdi.points), questionnaires.FDI_BANDS, alt="FDI totals over time")
st.caption("Pain and mood (weekly averages)")
ui.chart("weekly_average", p.weeks, "pain_mean", "Pain (0–10)", 10, alt="Pain, weekly average")
ui.chart("weekly_average", p.weeks, "mood_mean", "Mood (1–5)", 5, alt="Mood, weekly average")

st.markdown("**The teen's questions for this visit**")
notes = checkins.checkins_text(database, patient.id, start=p.period.start, end=p.period.end)
questions = [n for n in notes if n["question"]]
if questions:
    for row in questions:
        st.text(f"{row['day']}: {row['question']}")
else:
    st.write("No questions in this period.")

st.markdown("**Goals**")
progress_by_goal = plans.goal_progress(database, patient.id)
goals = plans.list_goals(database, patient.id)
if not goals:
    st.write("No goals set.")
for goal in goals:
    latest = (progress_by_goal.get(goal.id) or [None])[-1]
    status = plans.GOAL_RATINGS[latest["rating"]] if latest else "not marked yet"
    st.text(f"{goal.text} — {status}")

st.markdown("**Parent checks beside the teen's logs**")
checks = family.list_parent_checks(database, patient.id)
if checks:
    st.dataframe(family.side_by_side(p.weeks, checks), hide_index=True)
else:
    st.write("No weekly parent checks yet.")

if printing:
    st.caption(
        f"{ui.settings()['name']} · patient {patient.id} · printed {today:%-d %b %Y}. "
        "Use your browser's Print command (on a phone: Share, then Print). Turn off "
        "“Print layout” to record the visit or download files."
    )
    st.stop()

st.divider()
st.subheader("Record this visit")
st.date_input(
    "Visit date",
    value=today,
    min_value=patient.discharged_on,
    max_value=today,
    key="visit_day",
    format="YYYY-MM-DD",
)
cols = st.columns(2)
cols[0].number_input(
    "FDI total (0–60)", 0, 60, value=None, step=1, key="visit_fdi", placeholder="if measured"
)
cols[1].number_input(
    "Pain (0–10)", 0, 10, value=None, step=1, key="visit_pain", placeholder="if asked"
)
st.text_area("Notes", max_chars=2000, key="visit_notes")
ui.field_error("visit_day", "visit_pain", "fdi_total", "visit_notes")
ui.action_button(
    "Record visit",
    lambda: visits.record_visit(
        database,
        user,
        patient.id,
        day=ui.value("visit_day"),
        today=today,
        pain=ui.value("visit_pain"),
        fdi_total=ui.value("visit_fdi"),
        notes=ui.value("visit_notes", ""),
    ),
    key="record_visit",
)
if recorded := ui.done("record_visit"):
    st.success(
        f"Visit on {recorded['day']} recorded. The next “since the last visit” starts there."
    )
st.page_link(
    "pages/clinician_plan.py",
    label="Update the care plan",
    query_params={"patient": str(patient.id)},
    icon=":material/edit_note:",
)

st.subheader("Download")
period = p.period
programme_name = ui.settings()["name"]  # read now: downloads run after this script run
cols = st.columns(2)
cols[0].download_button(
    "Daily data (CSV)",
    lambda: ui.with_db(
        lambda db: visits.daily_csv(db, user, patient.id, start=period.start, end=period.end)
    ),
    file_name=visits.csv_filename(patient.id, period.start, period.end),
    mime="text/csv",
)
cols[1].download_button(
    "One-page report (PDF)",
    lambda: ui.with_db(
        lambda db: visits.followup_report(
            db, user, patient.id, p, programme_name=programme_name, today=today
        )
    ),
    file_name=visits.report_filename(patient.id, period.start, period.end),
    mime="application/pdf",
)
st.caption(
    "File names carry an identifier and the period, never a name. Every download is "
    "written to the audit log."
)
