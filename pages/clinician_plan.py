"""Care plan: the clinician edits the home plan; every save is a new version from a date."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import plans, questionnaires
from companion.identity import Role

user = ui.require_user(Role.CLINICIAN)
patient = ui.pick_patient(user, Permission.EDIT_PLAN, label="Patient")
st.title("Care plan")
if patient is None:
    st.info("No patients on your care team yet. Enrol a teen first.")
    st.stop()
database = ui.db()
today = ui.today()
st.subheader(ui.esc(patient.display_name))
versions = plans.list_versions(database, patient.id)
current = plans.plan_on(versions, today) or (versions[-1] if versions else None)

if saved := ui.done("save_plan"):
    st.success(f"Saved as a new version starting {saved.starts_on:%d %B %Y}.")
ui.form_error()

# --- exercises ----------------------------------------------------------------------------
st.markdown("**Home exercises**")
st.caption("One row per exercise. Dose like “3 × 10” or “20 min”; days per week 1–7.")
rows = pd.DataFrame(
    [
        {
            "key": e.key,
            "name": e.name,
            "dose": e.dose,
            "days_per_week": e.days_per_week,
            "instructions": e.instructions,
            "video_url": e.video_url,
        }
        for e in (current.exercises if current else ())
    ],
    columns=["key", "name", "dose", "days_per_week", "instructions", "video_url"],
).astype(
    {
        "key": "object",
        "name": "object",
        "dose": "object",
        "days_per_week": "Int64",
        "instructions": "object",
        "video_url": "object",
    }
)
st.data_editor(
    rows,
    num_rows="dynamic",
    hide_index=True,
    column_order=["name", "dose", "days_per_week", "instructions", "video_url"],
    column_config={
        "name": st.column_config.TextColumn("Exercise", max_chars=80, required=True),
        "dose": st.column_config.TextColumn("Dose", max_chars=40),
        "days_per_week": st.column_config.NumberColumn(
            "Days/week", min_value=1, max_value=7, step=1, default=7, required=True
        ),
        "instructions": st.column_config.TextColumn("Instructions", max_chars=1000),
        "video_url": st.column_config.LinkColumn("Video link (optional)", max_chars=300),
    },
    key=f"exercises_{patient.id}",
)
ui.field_error("exercises")

# --- coping skills, setback plan, modules -------------------------------------------------
taught = list(current.coping_skills) if current else []
options = list(dict.fromkeys([*plans.BUILT_IN_SKILLS, *taught]))
st.multiselect(
    "Coping skills taught",
    options,
    default=taught,
    key=f"skills_{patient.id}",
    accept_new_options=True,
    help="Pick from the list, or type a skill of your own and press Enter.",
)
ui.field_error("coping_skills")
st.markdown("**Setback plan**")
st.text_area(
    "Warning signs",
    value=current.warning_signs if current else "",
    max_chars=1000,
    key=f"warning_{patient.id}",
)
st.text_area(
    "What helps",
    value=current.what_helps if current else "",
    max_chars=1000,
    key=f"helps_{patient.id}",
)
st.text_area(
    "Who to contact",
    value=current.contacts if current else "",
    max_chars=1000,
    key=f"contacts_{patient.id}",
)
ui.field_error("warning_signs", "what_helps", "contacts")
st.multiselect(
    "Extra check-in questions",
    list(plans.MODULES),
    format_func=plans.MODULES.get,
    default=list(current.modules) if current else [],
    key=f"modules_{patient.id}",
)
found, problems = questionnaires.load_all(ui.settings().get("questionnaire_folder") or None)
st.multiselect(
    "Questionnaires for the teen",
    list(found),
    format_func=lambda q: found[q].title,
    default=[q for q in (current.questionnaires if current else ()) if q in found],
    key=f"questionnaires_{patient.id}",
)
for problem in problems:
    st.warning(ui.esc(f"A questionnaire file could not be loaded: {problem}"))
st.text_area(
    "Follow-up dates (one per line, like 2026-12-15)",
    value="\n".join(d.isoformat() for d in (current.follow_ups if current else ())),
    key=f"follow_ups_{patient.id}",
)
ui.field_error("follow_ups")
earliest = max(today, versions[-1].starts_on) if versions else patient.discharged_on
st.date_input(
    "This version starts on",
    value=max(today, earliest),
    min_value=earliest,
    max_value=today + timedelta(days=90),
    key=f"starts_{patient.id}",
    format="YYYY-MM-DD",
)
ui.field_error("starts_on")
st.text_input("What changed (optional)", max_chars=200, key=f"note_{patient.id}")


def save():
    exercises = plans.apply_table_edits(
        [
            {
                "key": e.key,
                "name": e.name,
                "dose": e.dose,
                "days_per_week": e.days_per_week,
                "instructions": e.instructions,
                "video_url": e.video_url,
            }
            for e in (current.exercises if current else ())
        ],
        ui.value(f"exercises_{patient.id}") or {},
    )
    lines = (ui.value(f"follow_ups_{patient.id}") or "").split()
    return plans.save_plan(
        database,
        user,
        patient.id,
        today=today,
        starts_on=ui.value(f"starts_{patient.id}"),
        exercises=exercises,
        coping_skills=ui.value(f"skills_{patient.id}") or [],
        warning_signs=ui.value(f"warning_{patient.id}", ""),
        what_helps=ui.value(f"helps_{patient.id}", ""),
        contacts=ui.value(f"contacts_{patient.id}", ""),
        modules=ui.value(f"modules_{patient.id}") or [],
        questionnaires=ui.value(f"questionnaires_{patient.id}") or [],
        follow_ups=lines,
        change_note=ui.value(f"note_{patient.id}", ""),
    )


ui.action_button("Save as a new version", save, key="save_plan")

# --- goals --------------------------------------------------------------------------------
st.divider()
st.subheader("Goals")
goals = plans.list_goals(database, patient.id)
if not goals:
    st.write("No goals yet. Add the discharge goals you agreed with the teen.")
for goal in goals:
    with st.container(border=True):
        st.text(f"{goal.text} ({goal.category})")
        for step in goal.steps:
            st.text(f"• {step}")
        ui.action_button(
            "Archive",
            lambda g=goal.id: plans.archive_goal(database, user, patient.id, g) or True,
            key=f"archive_{goal.id}",
            primary=False,
        )
with st.expander("Add a goal"):
    st.text_input("Goal", max_chars=200, key="goal_text", placeholder="Back to full school days")
    ui.field_error("goal")
    st.selectbox("Category", plans.GOAL_CATEGORIES, key="goal_category")
    st.text_area("Small steps (one per line)", key="goal_steps")
    ui.field_error("goal_steps", "goal_category")
    ui.action_button(
        "Add goal",
        lambda: plans.save_goal(
            database,
            user,
            patient.id,
            text=ui.value("goal_text", ""),
            category=ui.value("goal_category"),
            steps=(ui.value("goal_steps") or "").splitlines(),
        ),
        key="add_goal",
    )

# --- history ------------------------------------------------------------------------------
st.divider()
st.subheader("Version history")
if not versions:
    st.write("No plan saved yet.")
else:
    st.dataframe(
        [
            {
                "Starts": v.starts_on.isoformat(),
                "By": v.author,
                "Exercises": ", ".join(e.name for e in v.exercises),
                "Coping skills": len(v.coping_skills),
                "What changed": v.change_note,
            }
            for v in reversed(versions)
        ],
        hide_index=True,
    )
