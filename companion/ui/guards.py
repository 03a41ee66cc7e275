"""Page guards: every page asks here who the user is and which patient it may show; the
answers come from ``companion.access``."""

from __future__ import annotations

import streamlit as st

from companion import access
from companion.access import Permission
from companion.auth import mfa
from companion.errors import AccessDenied
from companion.identity import Role, User
from companion.people import account_admin
from companion.people.patients import Patient
from companion.ui.actions import action_button, form_error
from companion.ui.run import _DRAWN_FOR, current_user, db, settings
from companion.ui.widgets import esc


def require_user(*roles: Role, two_step_setup: bool = False) -> User:
    """The signed-in user if their role may open this page; otherwise a plain message.

    Where the programme requires two-step sign-in for staff, a staff member without it sees
    only the way to My account (the page that sets it up passes ``two_step_setup``).
    """

    try:
        user = access.require_role(current_user(), *(roles or tuple(Role)))
    except AccessDenied as denied:
        form_error()  # e.g. "you were signed out, so that wasn't saved"
        st.info(str(denied))
        st.stop()
        raise
    st.session_state[_DRAWN_FOR] = user.id  # the actions on this page act for this user
    account_notices(user)
    if not two_step_setup and mfa.missing(db(), user, settings()):
        st.warning("Your programme asks staff to use two-step sign-in. Please turn it on first.")
        st.page_link("pages/account.py", label="Set up two-step sign-in", icon=":material/key:")
        st.stop()
    return user


def account_notices(user: User) -> None:
    """What an admin did to this account (a password reset, two-step sign-in turned off),
    on every page after the person signs in, until they dismiss it."""

    lines = account_admin.notices(db(), user)
    if not lines:
        return
    with st.container(border=True):
        for line in lines:
            st.warning(esc(line), icon=":material/shield_person:")
        action_button(
            "Dismiss",
            lambda: account_admin.dismiss_notices(db(), user),
            key="dismiss_notices",
            primary=False,
        )


def require_patient(user: User, permission: Permission, patient_id: int | None) -> Patient:
    """Ask the access module for the patient; show nothing of it when denied."""
    seen = st.session_state.setdefault("_audited", set())
    audit_view = (permission, patient_id) not in seen
    try:
        patient = access.require(db(), user, permission, patient_id, audit_view=audit_view)
    except AccessDenied as denied:
        st.info(str(denied))
        st.stop()
        raise
    seen.add((permission, patient_id))
    return patient


def pick_patient(user: User, permission: Permission, *, label: str = "Teen") -> Patient | None:
    """A picker over the patients this user may see, remembered in the URL (?patient=)."""
    options = access.visible_patients(db(), user)
    if not options:
        return None
    ids = [p.id for p in options]
    wanted = st.query_params.get("patient") or ""
    # only ASCII digits: "²".isdigit() is True, yet int("²") raises
    wanted_id = int(wanted) if wanted.isascii() and wanted.isdigit() else None
    index = ids.index(wanted_id) if wanted_id in ids else 0
    if len(options) > 1:
        chosen = st.selectbox(
            label, options, index=index, format_func=lambda p: p.display_name, key="patient_pick"
        )
    else:
        chosen = options[0]
    st.query_params["patient"] = str(chosen.id)
    return require_patient(user, permission, chosen.id)


def visible_patients(user: User) -> list[Patient]:
    return access.visible_patients(db(), user)


def own_patient(user: User) -> Patient | None:
    """The teen's own record, if their care team has enrolled them."""
    mine = access.visible_patients(db(), user) if user.role is Role.TEEN else []
    return mine[0] if mine else None


def require_own_patient(user: User, permission: Permission) -> Patient:
    """The teen's own record, asked of the access module; a friendly stop before enrolment."""
    own = own_patient(user)
    if own is None:
        st.info("Your care team hasn't finished setting up your account yet. Check back soon.")
        st.stop()
    return require_patient(user, permission, own.id)
