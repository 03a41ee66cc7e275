"""Care plan: the clinician edits the home plan; every save is a new version from a date."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import plans, questionnaires, school
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
# --- back to school ------------------------------------------------------------------------
st.markdown("**Back to school**")
st.caption(
    "What the school is asked for, each with a reason written for teachers in the teen's "
    "voice. The teen chooses which ones go into their school note."
)
chosen_now = {a.key: a for a in (current.accommodations if current else ())}
picked = st.multiselect(
    "School accommodations",
    list(school.CATALOGUE),
    format_func=lambda k: school.CATALOGUE[k][0],
    default=[k for k in chosen_now if k in school.CATALOGUE],
    key=f"accommodations_{patient.id}",
)
for key in picked:
    st.text_input(
        f"Reason for teachers: {school.CATALOGUE[key][0]}",
        value=chosen_now[key].reason if key in chosen_now else school.CATALOGUE[key][1],
        max_chars=300,
        key=f"reason_{key}_{patient.id}",
    )
own_saved = [a for a in chosen_now.values() if a.own]
for n, own in enumerate([*own_saved, None], start=1):
    cols = st.columns(2)
    cols[0].text_input(
        f"Accommodation of your own {n}",
        value=own.label if own else "",
        max_chars=100,
        key=f"own_label_{n}_{patient.id}",
        placeholder="Sit near the door",
    )
    cols[1].text_input(
        f"Reason for teachers {n}",
        value=own.reason if own else "",
        max_chars=300,
        key=f"own_reason_{n}_{patient.id}",
    )
ui.field_error("accommodations")
saved_steps = list(current.school_steps) if current else []
st.caption(
    "Graded return, if the teen is not yet at full days: one step per row, from the week its "
    "date falls in; the week's target is in full and part days. Fill in the empty step to "
    "add one, clear a step's words to remove it."
)
for n, step in enumerate([*saved_steps, None], start=1):
    with st.container(border=True):
        cols = st.columns([2, 3])
        cols[0].date_input(
            f"Step {n} from",
            value=step.starts_on if step else None,
            min_value=patient.discharged_on,
            max_value=patient.discharged_on + school.STEP_HORIZON,
            key=f"step_from_{n}_{patient.id}",
            format="YYYY-MM-DD",
        )
        cols[1].text_input(
            f"Step {n}",
            value=step.text if step else "",
            max_chars=120,
            key=f"step_text_{n}_{patient.id}",
            placeholder="Half days, every school day",
        )
        cols = st.columns(2)
        for col, what in zip(cols, ("full", "part"), strict=True):
            col.number_input(
                f"Step {n}: {what} days a week",
                min_value=0,
                max_value=7,
                step=1,
                value=getattr(step, f"{what}_days") if step else None,
                key=f"step_{what}_{n}_{patient.id}",
            )
ui.field_error("school_steps")

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
    own = [
        {
            "label": ui.value(f"own_label_{n}_{patient.id}", ""),
            "reason": ui.value(f"own_reason_{n}_{patient.id}", ""),
        }
        for n in range(1, len(own_saved) + 2)
    ]
    supports = [
        {"key": key, "reason": ui.value(f"reason_{key}_{patient.id}", "")}
        for key in ui.value(f"accommodations_{patient.id}") or []
    ] + [{"key": k, **row} for k, row in zip(school.own_keys(len(own)), own, strict=True)]
    steps = [
        {
            "starts_on": ui.value(f"step_from_{n}_{patient.id}"),
            "text": ui.value(f"step_text_{n}_{patient.id}", ""),
            "full_days": ui.value(f"step_full_{n}_{patient.id}"),
            "part_days": ui.value(f"step_part_{n}_{patient.id}"),
        }
        for n in range(1, len(saved_steps) + 2)
        if (ui.value(f"step_text_{n}_{patient.id}") or "").strip()
        or n > len(saved_steps)  # the empty row: school.clean_steps skips it if untouched
    ]
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
        accommodations=supports,
        school_steps=steps,
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
                "Changes": "; ".join(plans.changes(before, v)),
            }
            for before, v in reversed(list(zip([None, *versions[:-1]], versions, strict=True)))
        ],
        hide_index=True,
    )
