"""First run: create the programme and its first admin, or explore with demo data."""

import streamlit as st

from companion import programme, ui
from companion.auth import passwords
from companion.ops import demo
from companion.people import account_admin

st.title("Welcome to the IIPT Companion")
st.write(
    "This database is empty. Create your programme and the first admin account, "
    "or look around with made-up demo data first."
)

made = ui.done("setup_demo")
if made:
    st.success("Demo data are ready. Sign in with any of these accounts:")
    st.table(made, hide_index=True)
    st.button("Go to sign in", type="primary")  # the next run shows sign-in
    st.stop()
if ui.done("setup_create"):
    st.success("Your programme is ready. Sign in with the admin account you just made.")
    st.button("Go to sign in", type="primary")  # the next run shows sign-in
    st.stop()

st.subheader("Your programme")
st.text_input("Programme name", max_chars=80, key="name")
ui.field_error("name")
st.text_input(
    "Crisis line",
    value="988",
    max_chars=40,
    key="crisis_line",
    help="Shown on every page. US default: 988 (call or text).",
)
ui.field_error("crisis_line")
st.text_input("Emergency number", value="911", max_chars=20, key="emergency_number")
ui.field_error("emergency_number")
st.text_input(
    "Clinic line (optional)",
    max_chars=120,
    key="clinic_line",
    placeholder="For example: Pain clinic 555-0100, weekdays 8 to 5",
    help="Shown in Help now with a tap-to-call link.",
)
ui.field_error("clinic_line")
st.text_area(
    "More help-now text (optional)",
    max_chars=400,
    key="help_text",
    placeholder="For example: after hours, call the hospital and ask for the pain team",
)
ui.field_error("help_text")
zones = programme.timezone_choices()
st.selectbox("Time zone", zones, index=zones.index(programme.DEFAULTS["timezone"]), key="timezone")

st.subheader("First admin account")
st.text_input("Admin username", max_chars=32, key="username")
ui.field_error("username")
st.text_input("Admin's name", max_chars=60, key="display_name")
ui.field_error("display_name")
st.caption(ui.PASSWORD_RULES)
st.text_input("Password", type="password", key="password", max_chars=128)
ui.field_error("password")
st.text_input("Password again", type="password", key="password_again", max_chars=128)
ui.field_error("password_again")
ui.passphrase_suggestion(("password", "password_again"))


def create() -> bool:
    passwords.check_same(ui.value("password", ""), ui.value("password_again", ""))
    account_admin.first_run(
        ui.db(),
        programme_name=ui.value("name"),
        crisis_line=ui.value("crisis_line"),
        emergency_number=ui.value("emergency_number"),
        help_text=ui.value("help_text"),
        clinic_line=ui.value("clinic_line") or "",
        timezone=ui.value("timezone"),
        admin_username=ui.value("username"),
        admin_display_name=ui.value("display_name"),
        admin_password=ui.value("password", ""),
    )
    return True


ui.action_button("Create programme", create, key="setup_create")

st.divider()
st.subheader("Just looking?")
st.write("Demo data make a programme with made-up teens, parents and clinicians.")


def explore() -> list[dict]:
    made = demo.create_demo(ui.db())
    return [{"role": a.role, "username": a.username, "password": a.password} for a in made.accounts]


ui.action_button("Explore with demo data", explore, key="setup_demo", primary=False)
ui.form_error()
