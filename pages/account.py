"""My account: change password (every role); download my data (teens and parents); two-step
sign-in (clinicians and admins)."""

import streamlit as st

from companion import ui
from companion.auth import accounts, mfa, passwords
from companion.people import data_rights

user = ui.require_user(two_step_setup=True)
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

if user.is_staff:
    st.subheader("Two-step sign-in")
    database = ui.db()
    if codes := ui.done("mfa_confirm"):
        st.success("Two-step sign-in is on. Keep these recovery codes somewhere safe:")
        st.code("\n".join(codes), language=None)
        st.caption("Each code works once, if you lose your phone. They are shown only now.")
    if mfa.is_enabled(database, user.id):
        left = mfa.recovery_codes_left(database, user.id)
        st.write(f"On. Recovery codes left: {left}.")
        st.text_input("A current code, to turn it off", max_chars=20, key="mfa_off_code")
        ui.field_error("mfa_off_code")

        def turn_off() -> bool:
            if not mfa.verify(ui.db(), user.id, ui.value("mfa_off_code", "")):
                from companion.errors import InvalidInput

                raise InvalidInput("mfa_off_code", "That code didn't work.")
            mfa.turn_off(ui.db(), user, user.id)
            return True

        ui.action_button("Turn off two-step sign-in", turn_off, key="mfa_off", primary=False)
    elif (secret := mfa.pending_secret(database, user)) is None:
        st.write(
            "Off. With it on, signing in also asks for a code from an authenticator app "
            "on your phone."
        )
        ui.action_button(
            "Set up two-step sign-in", lambda: mfa.start(ui.db(), user), key="mfa_start"
        )
    else:
        uri = mfa.provisioning_uri(secret, user, ui.settings().get("name", ""))
        st.write("1. Scan this with your authenticator app:")
        st.image(mfa.qr_png(uri), caption="QR code for your authenticator app", width=220)
        st.caption("Can't scan? Enter this key in the app instead:")
        st.code(secret, language=None)
        st.text_input("2. The 6-digit code the app shows", max_chars=6, key="mfa_code")
        ui.field_error("mfa_code", "mfa")
        ui.action_button(
            "Turn on",
            lambda: mfa.confirm(ui.db(), user, ui.value("mfa_code", "")),
            key="mfa_confirm",
        )

if not user.is_staff:
    st.subheader("My data")
    st.write(
        "Download everything the app holds about you: a ZIP of tables (CSV and JSON) with a "
        "README that explains each one."
    )
    today = ui.today()
    st.download_button(
        "Download my data",
        ui.deferred_download(user, lambda db, me: data_rights.export_zip(db, me, today=today)),
        file_name=data_rights.export_filename(user, today),
        mime="application/zip",
        key="my_data",
        on_click="ignore",  # no rerun under the download (it can cancel it)
    )
