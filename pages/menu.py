"""All pages: every page a teen may open, as big tiles (the quick links hold only four)."""

import streamlit as st

from companion import ui
from companion.identity import Role
from companion.ui import navigation

user = ui.require_user(Role.TEEN)
st.title("All pages")
st.caption("Tap a page to open it.")
for spec in navigation.pages_for(user.role.value, set_up=True):
    if spec.path == "pages/menu.py":
        continue
    with st.container(border=True):
        st.page_link(spec.path, label=spec.title, icon=spec.icon, width="stretch")
