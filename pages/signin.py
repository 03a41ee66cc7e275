"""Sign in. The form posts to /api/auth/login, which sets the session cookie."""

import streamlit as st

from companion import ui
from companion.auth import throttle
from companion.errors import SignInFailed

settings = ui.settings()
st.header(ui.esc(settings.get("name") or "IIPT Companion"))
st.caption("For teens, families and clinicians after intensive pain rehabilitation.")

problem = st.query_params.get("signin")
raw_wait = st.query_params.get("wait") or ""
wait = min(int(raw_wait), 3600) if raw_wait.isascii() and raw_wait.isdigit() else 0
paused = throttle.messages(problem or "", wait)
if problem in ("mfa", "mfa_failed", "mfa_throttled"):
    if paused:
        st.error(paused)
    elif problem == "mfa_failed":
        st.error("That code didn't work. Use a fresh code from the app, or a recovery code.")
    st.info("Password accepted. One more step: the code from your authenticator app.")
    ui.two_step_form()
    st.caption("The code step times out after 5 minutes; then sign in again.")
    st.stop()
if paused:
    st.error(paused)
elif problem == "failed":
    st.error(SignInFailed.message)
elif problem == "expired":
    st.warning("The sign-in form had been open too long. Please try again.")
if notice := st.session_state.pop("notice", None):
    st.success(notice)
if st.query_params.get("signed_out"):
    st.success("You're signed out.")

ui.sign_in_form()
st.page_link("pages/redeem.py", label="I have a code", icon=":material/key:")
st.page_link("pages/help.py", label="Help now", icon=":material/emergency:")
st.caption(
    "Forgot your password? Ask your care team (teens and parents) or the programme's "
    "admin (staff) for a reset code, then choose “I have a code”."
)
