"""Enrol a teen at discharge: the account, and a one-time code with which they set a password.
A teen readmitted to the programme is re-enrolled as a new episode of the same record."""

import streamlit as st

from companion import ui
from companion.identity import Role
from companion.people import enrolment, patients, population

user = ui.require_user(Role.CLINICIAN)
st.title("Enrol a teen")
today = ui.today()

made = ui.done("enrol")
if made:
    patient, code, family_code = made
    address = (st.context.url or "").split("/clinician_enrol")[0] or "this app's address"
    st.success(
        ui.esc(
            f"{patient.display_name} is enrolled. Hand this sheet to the family now: the codes "
            "are shown only once."
        )
    )
    with st.container(border=True):
        st.markdown(f"**{ui.esc(ui.settings()['name'])} — getting started**")
        st.text(
            f"1. On your phone, open {address}\n"
            "2. Choose “I have a code”.\n"
            f"3. Teen: enter the code {code} and choose a password.\n"
            f"   Then sign in as {patient.username}.\n"
            f"4. Parent: enter the family code {family_code} and make your own account.\n"
            "Codes work once and expire in 7 days. Ask the care team for new ones if needed.\n"
            "This app isn't watched in real time. In an emergency call "
            f"{ui.settings()['emergency_number']}."
        )
    st.caption("Print this page with your browser's print command, or copy the codes.")
    st.page_link(
        "pages/clinician_plan.py",
        label="Next: write the care plan",
        query_params={"patient": str(patient.id)},
        icon=":material/edit_note:",
    )
    st.stop()


def baseline(heading: str, prefix: str) -> None:
    """The optional measures at discharge: ``<prefix>_fdi`` and ``<prefix>_pain``."""
    st.markdown(f"**{heading}** (optional)")
    # no widget limits: a typed 75 would turn red and quietly stay empty; the check refuses
    # it with its message instead (one validator for the visit, the patient page and here)
    cols = st.columns(2)
    cols[0].number_input(
        "FDI total (0–60)", value=None, step=1, key=f"{prefix}_fdi", placeholder="if measured"
    )
    cols[1].number_input(
        "Pain (0–10)", value=None, step=1, key=f"{prefix}_pain", placeholder="if asked"
    )
    ui.field_error("fdi_total", "visit_pain")


readmitted = ui.done("readmit")
if readmitted:
    st.success(
        ui.esc(
            f"{readmitted.display_name} starts a new episode, discharged "
            f"{readmitted.discharged_on:%-d %b %Y}. Earlier episodes stay readable in the "
            "follow-up view. Their sign-in is unchanged."
        )
    )
    st.page_link(
        "pages/clinician_plan.py",
        label="Next: write the care plan for this episode",
        query_params={"patient": str(readmitted.id)},
        icon=":material/edit_note:",
    )
    st.stop()

kind = st.segmented_control(
    "Who are you enrolling?",
    ["A new teen", "A readmitted teen"],
    default="A new teen",
    key="enrol_kind",
)
if kind == "A readmitted teen":
    mine = ui.visible_patients(user)
    if not mine:
        st.info("No teens on your care team yet. A readmitted teen must be on your care team.")
        st.stop()
    st.caption(
        "The teen keeps their account and history. A new episode starts with its own "
        "discharge date, baseline and care plan."
    )
    st.selectbox(
        "Teen", mine, format_func=lambda p: f"{p.display_name} ({p.username})", key="readmit_who"
    )
    st.date_input(
        "Readmission date (optional)",
        value=None,
        max_value=today,
        key="readmit_admitted",
        format="YYYY-MM-DD",
    )
    ui.field_error("admitted_on")
    st.date_input(
        "New discharge date",
        value=today,
        max_value=today,
        key="readmit_discharged",
        format="YYYY-MM-DD",
    )
    ui.field_error("discharged_on")
    baseline("Baseline at this discharge", "readmit")
    with st.expander(
        "For programme outcomes (optional)", key="readmit_outcomes_open", on_change="rerun"
    ):
        st.caption(population.WHY)
        ui.treatment_fields("readmit_out", admission_date=False)

    def readmit():
        who = ui.value("readmit_who")
        return enrolment.readmit(
            ui.db(),
            user,
            who.id if who else None,
            discharged_on=ui.value("readmit_discharged"),
            admitted_on=ui.value("readmit_admitted"),
            today=today,
            baseline_fdi=ui.value("readmit_fdi"),
            baseline_pain=ui.value("readmit_pain"),
            treatment=ui.treatment_value("readmit_out"),
        )

    ui.action_button("Start the new episode", readmit, key="readmit")
    ui.form_error()
    st.stop()

st.caption(
    "Minimal data only: a display name, a username, a birth year. No addresses or "
    "insurance numbers."
)
st.text_input(
    "Display name",
    max_chars=60,
    key="display_name",
    help="What the teen is called in the app, e.g. a first name.",
)
ui.field_error("display_name")
st.text_input(
    "Username",
    max_chars=32,
    key="username",
    help="3 to 32 lowercase letters, digits, dots, hyphens or underscores.",
)
ui.field_error("username")
# no guessed year and no widget limits: an untouched or out-of-range year is refused by the
# check, with its message, instead of a made-up age being saved
st.number_input(
    "Birth year",
    value=None,
    step=1,
    key="birth_year",
    placeholder=f"e.g. {today.year - 14}",
)
ui.field_error("birth_year")
st.date_input(
    "Discharge date", value=today, max_value=today, key="discharged_on", format="YYYY-MM-DD"
)
ui.field_error("discharged_on")
st.selectbox(
    "Diagnosis group",
    patients.DIAGNOSIS_GROUPS,
    index=None,
    placeholder="Choose one",
    key="diagnosis_group",
)
ui.field_error("diagnosis_group")
baseline("Baseline at discharge", "baseline")
# tracked, so it stays open when a message above it comes or goes (an untracked expander
# was redrawn closed, hiding what the clinician was filling in)
with st.expander("For programme outcomes (optional)", key="enrol_outcomes_open", on_change="rerun"):
    st.caption(population.WHY)
    ui.treatment_fields("enrol_out")
    ui.population_fields("enrol_out", ui.settings())


def enrol():
    return enrolment.enrol_at_discharge(
        ui.db(),
        user,
        display_name=ui.value("display_name", ""),
        username=ui.value("username", ""),
        birth_year=ui.value("birth_year"),
        discharged_on=ui.value("discharged_on"),
        diagnosis_group=ui.value("diagnosis_group"),
        today=today,
        baseline_fdi=ui.value("baseline_fdi"),
        baseline_pain=ui.value("baseline_pain"),
        treatment=ui.treatment_value("enrol_out"),
        population_fields=ui.population_value("enrol_out"),
        settings=ui.settings(),
    )


ui.action_button("Enrol", enrol, key="enrol")
ui.form_error()
