"""Overview: each linked teen, and linking another teen with a family code."""

import streamlit as st

from companion import accounts, programme, ui
from companion.access import Permission
from companion.identity import Role

user = ui.require_user(Role.PARENT)
st.title("Overview")
today = programme.local_today(ui.settings())
teens = ui.visible_patients(user)

if not teens:
    st.info(
        "You aren't linked to a teen yet. Ask your teen's care team for a family code and "
        "enter it below."
    )
else:
    tabs = st.tabs([ui.esc(t.display_name) for t in teens])
    for tab, teen in zip(tabs, teens, strict=True):
        with tab:
            patient = ui.require_patient(user, Permission.VIEW_FUNCTION, teen.id)
            st.text(
                f"Home since {patient.discharged_on:%d %B %Y} "
                f"({patient.days_since_discharge(today)} days)."
            )
            st.write(
                "Charts of school, activity and home exercise appear here once your teen "
                "starts their daily check-ins."
            )

with st.expander("Link another teen with a family code"):
    st.text_input("Family code", max_chars=40, key="code")
    ui.field_error("code")

    def link() -> bool:
        accounts.link_existing_parent(ui.db(), user, ui.value("code", ""))
        return True

    ui.action_button("Link", link, key="link")
    if ui.done("link"):
        st.success("Linked.")
