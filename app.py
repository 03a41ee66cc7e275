"""Entry point: page config, migrations, who is signed in, this role's pages, help now."""

import streamlit as st

from companion import programme, ui
from companion.ui import navigation

st.set_page_config(page_title="IIPT Companion", page_icon=":material/favorite:", layout="centered")

ui.house_style()
database = ui.start_run()
settings = programme.get_settings(database)
user = ui.current_user()
role = user.role.value if user else navigation.SIGNED_OUT
# the run right after first-run setup still shows the setup page, with its result
just_set_up = ui.done("setup_create") or ui.done("setup_demo")
specs = navigation.pages_for(role, set_up=programme.is_set_up(database) and not just_set_up)

pages = [
    st.Page(spec.path, title=spec.title, icon=spec.icon, default=(i == 0))
    for i, spec in enumerate(specs)
]
if specs and specs[0].path != "pages/setup.py":
    # another role's page, opened by its address, says whose it is (not "Page not found");
    # signed out, it goes to the sign-in form
    pages += [
        st.Page(
            navigation.NOT_YOURS,
            title=spec.title,
            url_path=spec.path.removeprefix("pages/").removesuffix(".py"),
            visibility="hidden",
        )
        for spec in navigation.not_for(role, set_up=True)
    ]
ui.sidebar(user, settings)  # help now, before the page can st.stop()
current = st.navigation(pages, position="sidebar" if user else "hidden")
if user is not None:
    ui.quick_links(navigation.quick_links(role))
current.run()
