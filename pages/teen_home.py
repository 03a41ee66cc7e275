"""Today: the teen's home page."""

import streamlit as st

from companion import programme, ui
from companion.access import Permission
from companion.identity import Role

user = ui.require_user(Role.TEEN)
patient = ui.pick_patient(user, Permission.WRITE_CHECKIN)
settings = ui.settings()
today = programme.local_today(settings)

st.title(ui.esc(f"Hi {user.display_name}"))
st.caption(today.strftime("%A %-d %B %Y"))
if patient is None:
    st.info("Your care team hasn't finished setting up your account yet. Check back soon.")
    st.stop()
st.write(
    f"Day {patient.days_since_discharge(today)} at home since your programme. "
    "Your daily check-in will live here."
)
st.page_link("pages/help.py", label="Help now", icon=":material/emergency:")
