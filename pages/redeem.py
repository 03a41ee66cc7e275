"""I have a code: a teen or staff member activates their account, anyone resets a forgotten
password, or a parent registers with a family code."""

import streamlit as st

from companion import ui
from companion.auth import accounts, passwords

st.title("I have a code")

if ui.done("finish"):
    st.success("All set. You can sign in now with your username and new password.")
    st.page_link("pages/signin.py", label="Go to sign in", icon=":material/login:")
    st.stop()


CHECKED = "redeem_checked"  # {"code", "info"}: the checked code lives here, never in a widget
ROUND = "redeem_round"  # each start-over draws fresh boxes: a browser that still holds a box's
# old value (a tap on "Use a different code" before the last run finished) cannot refill it
FIELDS = ("code", "password", "password_again", "new_username", "new_display_name")
key = {name: f"{name}_{st.session_state.get(ROUND, 0)}" for name in FIELDS}


def check_code() -> dict:
    code = str(ui.value(key["code"], "") or "").strip()
    info = accounts.describe_code(ui.db(), code)
    st.session_state[CHECKED] = {"code": code, "info": info}
    return info


checked = st.session_state.get(CHECKED)
if checked is None:
    st.text_input("Your code", max_chars=40, key=key["code"], placeholder="ABCD-EFGH-JKMN")
    ui.field_error("code")
    st.caption(
        "Codes come from your care team or the programme's admin. They work once, for 7 days."
    )
    ui.action_button("Continue", check_code, key="check")
    st.stop()

info = checked["info"]
st.text(f"Your code: {checked['code']}")
ui.field_error("code")
if info["purpose"] == "link_parent":
    st.write("This is a family code. Make your parent account and you'll be linked to your teen.")
    st.text_input(
        "Choose a username",
        max_chars=32,
        key=key["new_username"],
        help="3 to 32 lowercase letters, digits, dots, hyphens or underscores.",
    )
    ui.field_error("username")
    st.text_input(
        "Your name (as your teen's care team will see it)",
        max_chars=60,
        key=key["new_display_name"],
    )
    ui.field_error("display_name")
else:
    st.write("Choose a new password for your account.")
    st.text(f"Username: {info['username']}")

st.caption(ui.PASSWORD_RULES)
st.text_input("New password", type="password", max_chars=128, key=key["password"])
ui.field_error("password")
st.text_input("New password again", type="password", max_chars=128, key=key["password_again"])
ui.field_error("password_again")
ui.passphrase_suggestion((key["password"], key["password_again"]))


def finish() -> bool:
    password = ui.value(key["password"], "")
    passwords.check_same(password, ui.value(key["password_again"], ""))
    code = st.session_state[CHECKED]["code"]
    if info["purpose"] == "link_parent":
        accounts.register_parent(
            ui.db(),
            code,
            username=ui.value(key["new_username"], ""),
            display_name=ui.value(key["new_display_name"], ""),
            password=password,
        )
    else:
        accounts.redeem_password_code(ui.db(), code, password)
    _forget()
    return True


def _forget() -> None:
    for name in (CHECKED, *key.values()):
        st.session_state.pop(name, None)
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1


def start_over() -> bool:
    _forget()
    return True


cols = st.columns(2)
with cols[0]:
    ui.action_button("Save", finish, key="finish")
with cols[1]:
    ui.action_button("Use a different code", start_over, key="restart", primary=False)
ui.form_error()
