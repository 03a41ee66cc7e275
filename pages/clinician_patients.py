"""My patients: the panel — every teen on this clinician's care teams, flagged and recent
discharges first; pick a row to open the patient."""

import streamlit as st

from companion import programme, ui
from companion.identity import Role

user = ui.require_user(Role.CLINICIAN)
st.title("My patients")
settings = ui.settings()
today = programme.local_today(settings)
teens = ui.visible_patients(user)

if not teens:
    st.info("No patients on your care team yet. Enrol a teen at discharge to start.")
    st.page_link("pages/clinician_enrol.py", label="Enrol a teen", icon=":material/person_add:")
    st.stop()

cols = st.columns(3)
flagged_only = cols[0].toggle("Flagged only", key="flagged_only")
within = cols[1].number_input(
    "Discharged within (days)",
    0,
    2000,
    value=None,
    step=30,
    key="discharged_within",
    placeholder="any",
)
due = cols[2].number_input(
    "Follow-up due within (days)",
    0,
    365,
    value=None,
    step=7,
    key="follow_up_within",
    placeholder="any",
)
table = ui.panel_for(
    teens,
    today=today,
    thresholds=programme.flag_thresholds(settings),
    flagged_only=flagged_only,
    discharged_within=within,
    follow_up_within=due,
)
if table.empty:
    st.info("No patients match these filters.")
    st.stop()
st.caption("Figures cover the last 14 days. Select a row to open the patient.")
picked = st.dataframe(
    table.drop(columns=["patient_id", "flagged"]),
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="panel",
)
rows = picked.selection.rows if picked else []
if rows:
    st.switch_page(
        "pages/clinician_patient.py",
        query_params={"patient": str(int(table.iloc[rows[0]]["patient_id"]))},
    )
