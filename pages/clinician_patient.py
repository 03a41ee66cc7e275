"""One patient: who they are, their family, and codes for the teen and parents."""

import streamlit as st

from companion import programme, ui
from companion.access import Permission
from companion.care import questionnaires, school_note
from companion.identity import Role
from companion.people import account_admin, family, patients, population

user = ui.require_user(Role.CLINICIAN)
patient = ui.pick_patient(user, Permission.VIEW_FUNCTION, label="Patient")
if patient is None:
    st.title("Patient")
    st.info("No patients on your care team yet.")
    st.stop()

today = ui.today()
st.title(ui.esc(patient.display_name))
st.text(
    f"{patient.username} · age {patient.age(today)} · {patient.diagnosis_group}\n"
    f"Discharged {patient.discharged_on.isoformat()} ({patient.days_since_discharge(today)} "
    "days ago)"
)
ui.form_error()

st.page_link(
    "pages/clinician_plan.py",
    label="Open the care plan",
    query_params={"patient": str(patient.id)},
    icon=":material/edit_note:",
)

st.subheader("Flags")
summary = ui.progress_for(
    patient, start=patient.discharged_on, end=today, today=today, pain=True, mood=True
)
ui.audit_period_view(user, patient, "patient", patient.discharged_on, today)
if summary.flags:
    for flag in summary.flags:
        st.warning(flag.reason, icon=":material/flag:")
else:
    st.write("No flags: check-ins, exercise, school and FDI are within the programme's limits.")

st.subheader("Functional Disability Inventory")
fdi = questionnaires.list_responses(ui.db(), patient.id, questionnaires.FDI_ID)
if fdi:
    st.dataframe(
        [{"Day": r["day"], "FDI total": int(r["score"]), "Band": r["band"]} for r in fdi],
        hide_index=True,
    )
else:
    st.write("No FDI totals yet. Enter the total measured at discharge as the baseline.")
cols = st.columns(2)
# unbounded, like the visit form: a typed 75 reaches questionnaires.fdi_band and its message
# instead of being held back in the browser (and the previous value saved)
cols[0].number_input("FDI total (0–60)", value=None, step=1, key="fdi_total", placeholder="0 to 60")
cols[1].date_input(
    "Measured on",
    value=today,
    min_value=patient.discharged_on,
    max_value=today,
    key="fdi_day",
    format="YYYY-MM-DD",
)
ui.field_error("fdi_total", "day")
ui.action_button(
    "Record FDI total",
    lambda: questionnaires.record_fdi_total(
        ui.db(), user, patient.id, ui.value("fdi_total"), day=ui.value("fdi_day"), today=today
    ),
    key="record_fdi",
    primary=False,
)
if recorded := ui.done("record_fdi"):
    st.success(f"Recorded: {int(recorded['score'])} — {recorded['band']}.")

st.subheader("Parent checks beside the teen's logs")
checks = family.list_parent_checks(ui.db(), patient.id)
if not checks:
    st.write("No weekly parent checks yet.")
else:
    p = ui.progress_for(
        patient, start=patient.discharged_on, end=today, today=today, pain=True, mood=True
    )
    st.dataframe(family.side_by_side(p.weeks, checks), hide_index=True)
    st.caption(
        "“Differ on” marks weeks where the parent's rating and the teen's logs are two "
        "or more steps apart."
    )

st.subheader("School note")
settings = ui.settings()
notes = school_note.notes(ui.db(), user, patient.id)
if not notes:
    st.write("The teen hasn't made a school note yet.")
for note in reversed(notes):
    if note.shared:
        state = f"shared with parents since {programme.local_time(settings, note.shared_at)}"
    elif note.unshared_at:
        state = f"shared, then stopped on {programme.local_time(settings, note.unshared_at)}"
    else:
        state = "not shared with parents"
    with st.expander(
        f"Note {note.number}, made {programme.local_time(settings, note.made_at)}: {state}"
    ):
        ui.school_note_preview(note.content)

st.subheader("For programme outcomes")
with st.expander(
    "Treatment and population (optional, never shown to the family)",
    key=f"outcomes_open_{patient.id}",
    on_change="rerun",  # tracked: stays open when "Saved." or an error comes or goes
):
    st.caption(population.WHY)
    prefix = f"outcomes_{patient.id}"
    ui.treatment_fields(prefix, population.read_treatment(ui.db(), user, patient.id))
    ui.population_fields(prefix, ui.settings(), population.read(ui.db(), user, patient.id))

    ui.action_button(
        "Save these",
        lambda: population.save_outcome_fields(
            ui.db(),
            user,
            patient.id,
            treatment=ui.treatment_value(prefix),
            values=ui.population_value(prefix),
            settings=ui.settings(),
        ),
        key="save_outcome_fields",
        primary=False,
    )
    if ui.done("save_outcome_fields"):
        st.success("Saved.")

st.subheader("Care team")
ui.care_team_editor(user, patient.id)

st.subheader("Family")
parents = patients.list_parents(ui.db(), patient.id)
if not parents:
    st.write("No parent is linked yet. Make a family code and hand it to the parent.")
for parent in parents:
    status = "" if parent["active"] else " (deactivated)"
    st.text(f"{parent['display_name']} ({parent['username']}){status}")

ui.action_button(
    "Make a family code",
    lambda: account_admin.issue_family_code(ui.db(), user, patient.id),
    key="family_code",
    primary=False,
)
if code := ui.done("family_code"):
    ui.show_code(code, "Family code for a parent or caregiver:")

st.subheader("Forgotten passwords")
st.write("A reset code lets the teen or a parent choose a new password under “I have a code”.")
resettable = account_admin.resettable_parents(ui.db(), user, parents)
people = [(patient.user_id, f"{patient.display_name} (teen)")] + [
    (p["id"], f"{p['display_name']} (parent)") for p in parents if p["id"] in resettable
]
for p in parents:
    if p["id"] not in resettable:
        st.caption(
            ui.esc(
                f"{p['display_name']} is also linked to a teen on another care team, so an "
                "admin makes their reset code."
            )
        )
labels = dict(people)
st.selectbox("Account", list(labels), format_func=labels.get, key="reset_target")
ui.action_button(
    "Make a reset code",
    lambda: account_admin.issue_reset_code(ui.db(), user, ui.value("reset_target")),
    key="reset_code",
    primary=False,
)
if code := ui.done("reset_code"):
    ui.show_code(code, "Reset code:")
