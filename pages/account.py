"""My account: change password (every role)."""

import streamlit as st

from companion import accounts, passwords, ui

user = ui.require_user()
st.title("My account")
st.text(f"{user.display_name} · {user.username} · {user.role.value}")

st.subheader("Change password")
st.text_input("Current password", type="password", max_chars=256, key="current_password")
ui.field_error("current_password")
st.caption(ui.PASSWORD_RULES)
st.text_input("New password", type="password", max_chars=128, key="password")
ui.field_error("password")
st.text_input("New password again", type="password", max_chars=128, key="password_again")
ui.field_error("password_again")
ui.passphrase_suggestion(("password", "password_again"))


def change() -> bool:
    new = ui.value("password", "")
    passwords.check_same(new, ui.value("password_again", ""))
    accounts.change_password(ui.db(), user, ui.value("current_password", ""), new)
    # every session has ended, so the next screen is sign-in: leave it a note
    st.session_state["notice"] = "Your password is changed. Please sign in with the new one."
    return True


ui.action_button("Change password", change, key="change")
st.caption("Changing your password signs you out everywhere, on every device.")
