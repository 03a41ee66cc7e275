"""Another role's page, opened by its address: say whose page it is and where to go."""

import streamlit as st

from companion import navigation, ui

user = ui.current_user()
here = st.context.url.rstrip("/").rsplit("/", 1)[-1]
spec = next(
    (p for p in navigation.PAGES if p.path == f"pages/{here}.py"),
    None,
)
st.title("This page isn't here for you")
if spec is not None:
    st.write(f"“{spec.title}” is a page for {navigation.readable_roles(spec)}.")
if user is None:
    st.write("If it's yours, sign in first.")
    st.page_link("pages/signin.py", label="Go to sign in", icon=":material/login:")
else:
    home = navigation.pages_for(user.role.value, set_up=True)[0]
    st.page_link(home.path, label=f"Go to {home.title}", icon=home.icon)
