"""Help now: the crisis line, the emergency number, and what this app is not."""

import streamlit as st

from companion import programme, ui

st.title("Help now")
first, *rest = programme.help_lines(ui.settings())
st.subheader(ui.esc(first))
for line in rest:
    st.text(line)
st.divider()
st.subheader("A hard day, but you are safe?")
st.write(
    "Your setback plan has the steps you worked out with your care team. "
    "Anything you write in this app is read at your next visit, not straight away."
)
