"""Audit log: who did what to whose record (read-only), filtered and downloadable."""

import io

import pandas as pd
import streamlit as st

from companion import ui
from companion.auth import accounts
from companion.identity import Role
from companion.ops import audit_view

ui.require_user(Role.ADMIN)
st.title("Audit log")
settings = ui.settings()
st.caption(
    "Every clinician view and export of a record, and every account change. "
    "The log can't be changed from the app. Times are the programme's "
    f"({settings['timezone']})."
)
database = ui.db()
users = [""] + [r["username"] for r in accounts.list_users(database)]
cols = st.columns(2)
actor = cols[0].selectbox("Who", users, format_func=lambda u: u or "Everyone", key="who")
patient = cols[1].number_input(
    "Patient id", min_value=1, value=None, step=1, key="patient_id", placeholder="any"
)
cols = st.columns(2)
since = cols[0].date_input("From", value=None, key="since", format="YYYY-MM-DD")
until = cols[1].date_input("To", value=None, key="until", format="YYYY-MM-DD")
entries = audit_view.entries(
    database, settings, actor=actor or None, patient_id=patient, first_day=since, last_day=until
)
if not entries:
    st.info("Nothing recorded for these filters.")
    st.stop()
frame = pd.DataFrame(audit_view.readable(database, entries, settings))
st.dataframe(frame.head(500), hide_index=True)
st.caption(f"{len(entries)} entries (the newest 500 shown; the download holds them all).")
buffer = io.StringIO()
frame.to_csv(buffer, index=False)
st.download_button(
    "Download (CSV)",
    buffer.getvalue(),
    file_name="audit-log.csv",
    mime="text/csv",
    on_click="ignore",  # no rerun under the download (it can cancel it)
)
