"""One patient: who they are, their family, and codes for the teen and parents."""

import streamlit as st

from companion import account_care, patients, programme, ui
from companion.access import Permission
from companion.identity import Role

user = ui.require_user(Role.CLINICIAN)
patient = ui.pick_patient(user, Permission.VIEW_FUNCTION, label="Patient")
if patient is None:
    st.title("Patient")
    st.info("No patients on your care team yet.")
    st.stop()

today = programme.local_today(ui.settings())
st.title(ui.esc(patient.display_name))
st.text(
    f"{patient.username} · age {patient.age(today)} · {patient.diagnosis_group}\n"
    f"Discharged {patient.discharged_on.isoformat()} ({patient.days_since_discharge(today)} "
    "days ago)"
)
ui.form_error()

st.subheader("Family")
parents = patients.list_parents(ui.db(), patient.id)
if not parents:
    st.write("No parent is linked yet. Make a family code and hand it to the parent.")
for parent in parents:
    status = "" if parent["active"] else " (deactivated)"
    st.text(f"{parent['display_name']} ({parent['username']}){status}")

ui.action_button(
    "Make a family code",
    lambda: account_care.issue_family_code(ui.db(), user, patient.id),
    key="family_code",
    primary=False,
)
if code := ui.done("family_code"):
    ui.show_code(code, "Family code for a parent or caregiver:")

st.subheader("Forgotten passwords")
st.write("A reset code lets the teen or a parent choose a new password under “I have a code”.")
people = [(patient.user_id, f"{patient.display_name} (teen)")] + [
    (p["id"], f"{p['display_name']} (parent)") for p in parents
]
labels = dict(people)
st.selectbox("Account", list(labels), format_func=labels.get, key="reset_target")
ui.action_button(
    "Make a reset code",
    lambda: account_care.issue_reset_code(ui.db(), user, ui.value("reset_target")),
    key="reset_code",
    primary=False,
)
if code := ui.done("reset_code"):
    ui.show_code(code, "Reset code:")
