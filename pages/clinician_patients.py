"""My patients: the panel — every teen on this clinician's care teams, flagged and recent
discharges first; pick a row to open the patient."""

import pandas as pd
import streamlit as st

from companion import programme, ui
from companion.identity import Role

user = ui.require_user(Role.CLINICIAN)
# the panel is a table of a dozen columns: it needs the whole width of a desktop
st.set_page_config(layout="wide")
st.title("My patients")
settings = ui.settings()
today = ui.today()
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
st.caption(
    "Check-ins, exercise and school cover the last 14 days; a blank cell means nothing to "
    "count yet (no plan, no school days or no FDI). Select a row to open the patient."
)
# the FDI band is on the Patient page; here the number and its change fit a desktop row
shown = table.drop(columns=["patient_id", "flagged", "FDI band"])
# a blank, never "None", where there is nothing to show
shown["FDI change"] = shown["FDI change"].map(lambda v: "" if pd.isna(v) else f"{int(v):+d}")
shown["Next follow-up"] = pd.to_datetime(shown["Next follow-up"].replace("", None)).dt.date
column = st.column_config
picked = st.dataframe(
    shown,
    hide_index=True,
    column_config={
        "Name": column.TextColumn("Name", pinned=True),
        "Flags": column.TextColumn("Flags", width="small", help="Why this teen is flagged"),
        "Days since discharge": column.NumberColumn("Days home", format="%d", width="small"),
        "Last check-in": column.TextColumn("Last check-in"),
        "Check-in rate 14 d (%)": column.NumberColumn("Check-ins", format="%d%%", width="small"),
        "Exercise adherence 14 d (%)": column.NumberColumn(
            "Exercise", format="%d%%", width="small"
        ),
        "School attendance 14 d (%)": column.NumberColumn("School", format="%d%%", width="small"),
        "Latest FDI": column.NumberColumn("FDI", format="%d", width="small"),
        "FDI change": column.TextColumn("FDI change", width="small"),
        "Next follow-up": column.DateColumn("Next visit", format="D MMM YYYY"),
    },
    on_select="rerun",
    selection_mode="single-row",
    key="panel",
)
flagged = table[table["flagged"]]
if len(flagged):
    st.markdown("**Flagged**")
    for name, reasons in zip(flagged["Name"], flagged["Flags"], strict=True):
        st.text(f"{name}: {reasons}")
rows = picked.selection.rows if picked else []
if rows:
    st.switch_page(
        "pages/clinician_patient.py",
        query_params={"patient": str(int(table.iloc[rows[0]]["patient_id"]))},
    )
