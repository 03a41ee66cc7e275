"""Follow-up view: how the teen has done since the last visit, on one screen; record the
visit; download the period's daily data."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import questionnaires, visits
from companion.identity import Role
from companion.ops import fhir
from companion.people import family, patients

user = ui.require_user(Role.CLINICIAN)
patient = ui.pick_patient(user, Permission.VIEW_NOTES, label="Patient")
st.title("Follow-up")
if patient is None:
    st.info("No patients on your care team yet.")
    st.stop()
database = ui.db()
today = ui.today()
st.subheader(ui.esc(patient.display_name))
st.caption(
    f"Age {patient.age(today)} · {patient.diagnosis_group} · "
    f"{patient.days_since_discharge(today)} days since discharge"
)

episodes = patients.list_episodes(database, patient.id)
if len(episodes) > 1:
    st.caption(f"Episode {len(episodes)} (readmitted); earlier episodes are under “Period”.")
# "Since the last visit" starts the day after the last visit before today, as first seen
# in this session: recording today's visit (or a late one) keeps the period under review.
pins = st.session_state.setdefault("_followup_since", {})
if (patient.id, today) not in pins:
    pins[(patient.id, today)] = visits.last_visit_day(database, patient.id, before=today)
last_visit = pins[(patient.id, today)]
choices = ["Since the last visit", "Last 30 days", "Since discharge", "Custom"]
if len(episodes) > 1:
    choices.append("An earlier episode")
choice = st.segmented_control("Period", choices, default=choices[0], key="followup_period")
choice = choice or choices[0]
shown = patient  # an earlier episode shows the patient as they were then
if choice == "Custom":
    # the range lies between discharge and today, even for a teen discharged today
    earliest = min(patient.discharged_on, today)
    picked = st.date_input(
        "From – to",
        value=(max(today - timedelta(days=13), earliest), today),
        min_value=earliest,
        max_value=today,
        key=f"custom_range_{patient.id}",
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
elif choice == "Since the last visit":
    start = visits.since_last_visit(last_visit, discharged_on=patient.discharged_on)
    end = today
else:
    start, end = patient.discharged_on, today
if choice == "Since the last visit" and not last_visit:
    st.caption(
        "No visit before today: showing everything since discharge."
        if visits.last_visit_day(database, patient.id)
        else "No visit recorded yet: showing everything since discharge."
    )
elif choice == "Since the last visit":
    st.caption(f"Last visit {visits.day_label(last_visit)}: the period starts the day after.")

printing = st.toggle(
    "Print layout",
    key="print_view",
    help="A plain page for your browser's Print command, without forms or buttons.",
)
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
        f"{p.fdi.latest[1]:.0f} of 60",
        change,
        delta_color="inverse",
        help="Functional Disability Inventory, 0–60",
    )
    cols[1].caption(ui.esc(f"{p.fdi.latest[2]}, {p.fdi.latest[0]:%-d %b %Y}"))
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

written = visits.period_text(database, patient.id, start=p.period.start, end=p.period.end)
st.markdown("**The teen's questions for this visit** (newest first)")
if written["question"]:
    for day, text in written["question"]:
        st.text(f"{day}: {text}")
else:
    st.write("No questions in this period.")
st.markdown("**The teen's notes** (newest first)")
if written["note"]:
    box = st.container(height=320) if len(written["note"]) > 8 and not printing else st
    for day, text in written["note"]:
        box.text(f"{day}: {text}")
else:
    st.write("No notes in this period.")

st.markdown("**Goals**")
goals = visits.goal_lines(database, patient.id)
if not goals:
    st.write("No goals set.")
for goal, status in goals:
    st.text(f"{goal} — {status}")

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
day_key = f"visit_day_{patient.id}"
visit_day = st.session_state.get(day_key) or today
existing = visits.visit_on(database, patient.id, visit_day)
# one visit per day: a day that has one opens it for editing, with its values filled in
if st.session_state.get("_visit_form_for") != (patient.id, visit_day) or (
    "visit_notes" not in st.session_state
):
    st.session_state["visit_fdi"] = existing["fdi_total"] if existing else None
    st.session_state["visit_pain"] = existing["pain"] if existing else None
    st.session_state["visit_notes"] = existing["notes"] if existing else ""
    st.session_state["_visit_form_for"] = (patient.id, visit_day)
st.date_input(
    "Visit date",
    value=today,
    min_value=min(patient.discharged_on, today),
    max_value=today,
    key=day_key,
    format="YYYY-MM-DD",
)
if existing:
    st.caption(
        f"A visit is already recorded on {visits.day_label(visit_day)}: change its values "
        "and press “Update visit”."
    )
cols = st.columns(2)
# no bounds on the widgets: a typed 75 reaches the one validator and its message, instead
# of being held back by the browser and the old value saved
cols[0].number_input(
    "FDI total (0–60)", value=None, step=1, key="visit_fdi", placeholder="if measured"
)
cols[1].number_input("Pain (0–10)", value=None, step=1, key="visit_pain", placeholder="if asked")
st.text_area("Notes", max_chars=2000, key="visit_notes")
ui.field_error("visit_day", "visit_pain", "fdi_total", "visit_notes")
ui.form_error()
ui.action_button(
    "Update visit" if existing else "Record visit",
    # on a connection of its own: the click's callback can run while the run a Tab started
    # is replacing the session's connection (seen in chromium: "closed database")
    lambda: ui.with_db(
        lambda db: visits.record_visit(
            db,
            user,
            patient.id,
            day=ui.value(day_key) or today,
            today=today,
            pain=ui.value("visit_pain"),
            fdi_total=ui.value("visit_fdi"),
            notes=ui.value("visit_notes", ""),
        )
    ),
    key="record_visit",
)
if recorded := ui.done("record_visit"):
    day = visits.day_label(date.fromisoformat(recorded["day"]))
    st.success(
        f"Visit on {day} updated."
        if recorded["updated"]
        else f"Visit on {day} recorded. The next “since the last visit” starts the day after."
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
    ui.deferred_download(
        user,
        lambda db, me: visits.daily_csv(db, me, patient.id, start=period.start, end=period.end),
    ),
    file_name=visits.csv_filename(patient.id, period.start, period.end),
    mime="text/csv",
    on_click="ignore",  # no rerun: the other button's file stays valid (issue 12)
    key="download_csv",
)
cols[1].download_button(
    "One-page report (PDF)",
    ui.deferred_download(
        user,
        lambda db, me: visits.followup_report(
            db, me, patient.id, p, programme_name=programme_name, today=today
        ),
    ),
    file_name=visits.report_filename(patient.id, period.start, period.end),
    mime="application/pdf",
    on_click="ignore",
    key="download_pdf",
)
st.download_button(
    "FHIR record (JSON)",
    ui.deferred_download(
        user,
        lambda db, me: fhir.patient_bundle(db, me, patient.id, start=period.start, end=period.end),
    ),
    file_name=fhir.bundle_filename(patient.id, period.start, period.end),
    mime="application/fhir+json",
    on_click="ignore",
    key="download_fhir",
)
st.caption(
    "File names carry an identifier and the period, never a name. Every download is "
    "written to the audit log. The FHIR record is for a health record or a research "
    "platform (FHIR R4: pain, activity, sleep, school, FDI totals, questionnaires)."
)
