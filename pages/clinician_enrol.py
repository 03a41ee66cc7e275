"""Enrol a teen at discharge: the account, and a one-time code with which they set a password."""

import streamlit as st

from companion import patients, programme, ui
from companion.identity import Role

user = ui.require_user(Role.CLINICIAN)
st.title("Enrol a teen")
today = programme.local_today(ui.settings())

made = ui.done("enrol")
if made:
    patient, code = made
    ui.show_code(code, f"{patient.display_name} is enrolled. Their activation code:")
    st.write(f"They sign in as **{ui.esc(patient.username)}** after choosing a password with it.")
    st.page_link(
        "pages/clinician_patient.py",
        label="Open their page",
        query_params={"patient": str(patient.id)},
        icon=":material/badge:",
    )
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
st.number_input(
    "Birth year",
    min_value=today.year - patients.MAX_AGE,
    max_value=today.year - patients.MIN_AGE,
    value=today.year - 14,
    step=1,
    key="birth_year",
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


def enrol():
    return patients.enrol_teen(
        ui.db(),
        user,
        display_name=ui.value("display_name", ""),
        username=ui.value("username", ""),
        birth_year=ui.value("birth_year"),
        discharged_on=ui.value("discharged_on"),
        diagnosis_group=ui.value("diagnosis_group"),
        today=today,
    )


ui.action_button("Enrol", enrol, key="enrol")
ui.form_error()
