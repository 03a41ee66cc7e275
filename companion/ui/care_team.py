"""The care-team editor on a teen's patient page."""

from __future__ import annotations

import streamlit as st

from companion.auth import accounts
from companion.identity import Role, User
from companion.people import account_admin, patients
from companion.ui.actions import action_button, field_error, value
from companion.ui.run import db
from companion.ui.widgets import esc


def care_team_editor(user: User, patient_id: int) -> None:
    """Who is on a teen's care team, with add and remove. ``account_care`` decides whether
    this user may change it: a clinician on the care team; an admin only adds, and only to a
    care team with nobody active left on it."""

    team = patients.care_team(db(), patient_id)
    status = {r["id"]: r["active"] for r in accounts.list_users(db(), role="clinician")}
    for member in team:
        gone = "" if status.get(member["id"]) else " (deactivated)"
        st.text(f"{member['display_name']} ({member['username']}){gone}")
    for added in account_admin.added_by_admin(db(), patient_id):
        st.warning(
            esc(
                f"An admin, {added['admin_name'] or 'since removed'}, added "
                f"{added['detail'].split(':')[0]} to this care team on {added['at'][:10]} "
                "(UTC), when nobody active was left on it."
            ),
            icon=":material/admin_panel_settings:",
        )
    if user.role is Role.ADMIN:
        if not account_admin.admin_may_add(db(), user, patient_id):
            st.caption(
                "Clinicians on this care team add and remove its members. An admin adds "
                "someone only when nobody active is left on it."
            )
            return
        st.caption("Nobody active is left on this care team: add a clinician to look after it.")
    members = {m["id"] for m in team}
    others = {
        r["id"]: f"{r['display_name']} ({r['username']})"
        for r in accounts.list_users(db(), role="clinician")
        if r["active"] and r["id"] not in members
    }
    if others:
        st.selectbox(
            "Add a clinician",
            list(others),
            format_func=others.get,
            index=None,
            key="add_clinician",
            placeholder="Choose a clinician",
        )
        action_button(
            "Add to care team",
            lambda: (
                account_admin.add_to_care_team(db(), user, patient_id, value("add_clinician"))
                or True
            ),
            key="add_team",
            primary=False,
        )
    if len(team) > 1 and user.role is not Role.ADMIN:
        current = {m["id"]: m["display_name"] for m in team}
        st.selectbox(
            "Remove a clinician",
            list(current),
            format_func=current.get,
            index=None,
            key="remove_clinician",
            placeholder="Choose a clinician",
        )
        action_button(
            "Remove from care team",
            lambda: (
                account_admin.remove_from_care_team(
                    db(), user, patient_id, value("remove_clinician")
                )
                or True
            ),
            key="remove_team",
            primary=False,
        )
    field_error("care_team")
