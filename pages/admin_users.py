"""Users: every account, staff accounts, deactivation and reset codes."""

import streamlit as st

from companion import ui
from companion.auth import accounts, mfa
from companion.identity import Role
from companion.people import account_admin, data_rights, patients

user = ui.require_user(Role.ADMIN)
st.title("Users")
ui.form_error()

rows = accounts.list_users(ui.db())
st.dataframe(
    [
        {
            "Username": r["username"],
            "Name": r["display_name"],
            "Role": r["role"],
            "Status": "active" if r["active"] else "deactivated",
            "Password set": "yes" if r["has_password"] else "waiting for code",
        }
        for r in rows
    ],
    hide_index=True,
)

st.subheader("Add a staff account")
st.text_input("Username", max_chars=32, key="username")
ui.field_error("username")
st.text_input("Name", max_chars=60, key="display_name")
ui.field_error("display_name")
st.radio("Role", [Role.CLINICIAN.value, Role.ADMIN.value], horizontal=True, key="role")


def add_staff():
    return account_admin.create_staff(
        ui.db(),
        user,
        username=ui.value("username", ""),
        display_name=ui.value("display_name", ""),
        role=Role(ui.value("role", "clinician")),
    )


ui.action_button("Add account", add_staff, key="add")
if made := ui.done("add"):
    staff, code = made
    ui.show_code(code, f"{staff.display_name} can set a password with this activation code:")

st.subheader("Look after an account")
others = {
    r["id"]: f"{r['display_name']} ({r['username']}, {r['role']})"
    for r in rows
    if r["id"] != user.id
}
if not others:
    st.write("There are no other accounts yet.")
    st.stop()
st.selectbox("Account", list(others), format_func=others.get, key="target")
target = next(r for r in rows if r["id"] == ui.value("target"))
cols = st.columns(2)
with cols[0]:
    ui.action_button(
        "Make a reset code",
        lambda: account_admin.issue_reset_code(ui.db(), user, ui.value("target")),
        key="reset",
        primary=False,
    )
with cols[1]:
    if target["active"]:
        ui.action_button(
            "Deactivate",
            lambda: account_admin.set_active(ui.db(), user, ui.value("target"), False) or "off",
            key="deactivate",
            primary=False,
        )
    else:
        ui.action_button(
            "Reactivate",
            lambda: account_admin.set_active(ui.db(), user, ui.value("target"), True) or "on",
            key="reactivate",
            primary=False,
        )
if code := ui.done("reset"):
    ui.show_code(code, "Reset code:")
if ui.done("deactivate"):
    st.success("Deactivated. Their sessions have ended.")
if ui.done("reactivate"):
    st.success("Reactivated.")
if mfa.is_enabled(ui.db(), target["id"]):
    st.caption(
        "Two-step sign-in is on for this account. If they lost their phone and their recovery "
        "codes, turn it off; they can set it up again after signing in."
    )
    ui.action_button(
        "Turn off their two-step sign-in",
        lambda: mfa.turn_off(ui.db(), user, ui.value("target")) or True,
        key="mfa_reset",
        primary=False,
    )
if ui.done("mfa_reset"):
    st.success("Two-step sign-in is off for that account.")

st.subheader("Care teams")
teens = {r["id"]: f"{r['display_name']} ({r['username']})" for r in rows if r["role"] == "teen"}
if not teens:
    st.write("No teens enrolled yet.")
    st.stop()
st.selectbox("Teen", list(teens), format_func=teens.get, key="team_teen")
patient = patients.find_patient_for_user(ui.db(), ui.value("team_teen"))
if patient is None:
    st.stop()
ui.care_team_editor(user, patient.id)

st.subheader("Delete a teen's record")
if deleted := ui.done("delete_patient"):
    st.success(
        ui.esc(f"{deleted}'s record is deleted. The audit log keeps a row that it happened.")
    )
st.caption(
    "This removes the teen's account and everything about them: check-ins, plans, goals, "
    "questionnaires, visits and family links. It can't be undone (only a backup brings it "
    "back). Before you delete it, the teen can download their own data from My account."
)
st.selectbox("Teen to delete", list(teens), format_func=teens.get, index=None, key="delete_teen")
st.text_input("Type the teen's username to confirm", max_chars=64, key="confirm_username")
ui.field_error("confirm_username", "patient")


def delete():
    doomed = patients.find_patient_for_user(ui.db(), ui.value("delete_teen"))
    return data_rights.delete_patient(
        ui.db(), user, doomed.id if doomed else -1, ui.value("confirm_username", "")
    )


ui.action_button("Delete this record", delete, key="delete_patient", primary=False)
