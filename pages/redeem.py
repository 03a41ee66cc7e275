"""I have a code: a teen or staff member activates their account, anyone resets a forgotten
password, or a parent registers with a family code."""

import streamlit as st

from companion import accounts, passwords, ui

st.title("I have a code")

if ui.done("finish"):
    st.success("All set. You can sign in now with your username and new password.")
    st.page_link("pages/signin.py", label="Go to sign in", icon=":material/login:")
    st.stop()


def check_code() -> dict:
    return accounts.describe_code(ui.db(), ui.value("code", ""))


if (found := ui.done("check")) is not None:
    st.session_state["code_info"] = found
info = st.session_state.get("code_info")

st.text_input(
    "Your code", max_chars=40, key="code", placeholder="ABCD-EFGH-JKMN", disabled=info is not None
)
ui.field_error("code")
if info is None:
    st.caption(
        "Codes come from your care team or the programme's admin. They work once, for 7 days."
    )
    ui.action_button("Continue", check_code, key="check")
    st.stop()

if info["purpose"] == "link_parent":
    st.write("This is a family code. Make your parent account and you'll be linked to your teen.")
    st.text_input(
        "Choose a username",
        max_chars=32,
        key="new_username",
        help="3 to 32 lowercase letters, digits, dots, hyphens or underscores.",
    )
    ui.field_error("username")
    st.text_input(
        "Your name (as your teen's care team will see it)", max_chars=60, key="new_display_name"
    )
    ui.field_error("display_name")
else:
    st.write("Choose a new password for your account.")
    st.text_input("Username", value=info["username"], disabled=True, key="shown_username")

st.caption(ui.PASSWORD_RULES)
st.text_input("New password", type="password", max_chars=128, key="password")
ui.field_error("password")
st.text_input("New password again", type="password", max_chars=128, key="password_again")
ui.field_error("password_again")
ui.passphrase_suggestion(("password", "password_again"))


def finish() -> bool:
    password = ui.value("password", "")
    passwords.check_same(password, ui.value("password_again", ""))
    if info["purpose"] == "link_parent":
        accounts.register_parent(
            ui.db(),
            ui.value("code", ""),
            username=ui.value("new_username", ""),
            display_name=ui.value("new_display_name", ""),
            password=password,
        )
    else:
        accounts.redeem_password_code(ui.db(), ui.value("code", ""), password)
    st.session_state.pop("code_info", None)
    return True


def start_over() -> bool:
    st.session_state.pop("code_info", None)
    return True


cols = st.columns(2)
with cols[0]:
    ui.action_button("Save", finish, key="finish")
with cols[1]:
    ui.action_button("Use a different code", start_over, key="restart", primary=False)
ui.form_error()
