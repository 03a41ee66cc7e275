"""Another role's page, opened by its address: say whose page it is and where to go."""

import streamlit as st

from companion import ui
from companion.ui import navigation

user = ui.current_user()
if user is None:  # signed out (or the session ended): the page may be theirs once signed in
    st.switch_page("pages/signin.py")
here = st.context.url.rstrip("/").rsplit("/", 1)[-1]
spec = next(
    (p for p in navigation.PAGES if p.path == f"pages/{here}.py"),
    None,
)
st.title("This page isn't here for you")
if spec is not None:
    st.write(f"“{spec.title}” is a page for {navigation.readable_roles(spec)}.")
home = navigation.pages_for(user.role.value, set_up=True)[0]
st.page_link(home.path, label=f"Go to {home.title}", icon=home.icon)
