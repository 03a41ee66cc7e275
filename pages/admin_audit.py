"""Audit log: who did what to whose record (read-only)."""

import streamlit as st

from companion import audit, ui
from companion.identity import Role

ui.require_user(Role.ADMIN)
st.title("Audit log")
entries = audit.list_entries(ui.db())
if not entries:
    st.info("Nothing has been recorded yet.")
else:
    st.caption("The latest 200 entries. The log can't be changed from the app.")
    st.dataframe(entries, hide_index=True)
