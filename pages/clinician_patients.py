"""My patients: every teen on this clinician's care team."""

import streamlit as st

from companion import programme, ui
from companion.identity import Role

user = ui.require_user(Role.CLINICIAN)
st.title("My patients")
today = programme.local_today(ui.settings())
teens = ui.visible_patients(user)

if not teens:
    st.info("No patients on your care team yet. Enrol a teen at discharge to start.")
    st.page_link("pages/clinician_enrol.py", label="Enrol a teen", icon=":material/person_add:")
    st.stop()

st.dataframe(
    [
        {
            "Name": t.display_name,
            "Username": t.username,
            "Age": t.age(today),
            "Diagnosis group": t.diagnosis_group,
            "Discharged": t.discharged_on.isoformat(),
            "Days home": t.days_since_discharge(today),
        }
        for t in teens
    ],
    hide_index=True,
)
st.subheader("Open a patient")
for teen in teens:
    st.page_link(
        "pages/clinician_patient.py",
        label=ui.esc(f"{teen.display_name} ({teen.username})"),
        query_params={"patient": str(teen.id)},
        icon=":material/badge:",
    )
