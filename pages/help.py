"""Help now: who to call and when — emergency, crisis line, the clinic — and what this app
is not. The programme sets the numbers and its clinic line."""

import streamlit as st

from companion import programme, ui

settings = ui.settings()
st.title("Help now")
first, *rest = programme.help_lines(settings, clinic=False)
st.subheader(ui.esc(first))
for line in rest:
    st.text(line)
ui.call_links(settings, big=True)

st.divider()
emergency, crisis = settings["emergency_number"], settings["crisis_line"]
st.subheader(ui.esc(f"Call {emergency} now if"))
st.markdown(
    "- someone is in danger or badly hurt right now\n"
    "- you have taken something, or are about to hurt yourself\n"
    "- someone can't breathe, has fainted or won't wake up"
)
st.subheader(ui.esc(f"Call or text {crisis} if"))
st.markdown(
    "- you are thinking about hurting yourself or ending your life\n"
    "- you feel you can't keep yourself safe\n"
    "- a parent or friend is worried that you might not be safe\n\n"
    "It is free, private and open all day and night. You don't need to be in danger to call."
)
st.subheader("Call your clinic if")
st.markdown(
    "- your pain is new or different, or you had a fall or an injury\n"
    "- you have a fever, swelling, or a change in colour or feeling in a limb\n"
    "- a hard day keeps going even though you follow your setback plan\n"
    "- you have questions about medicines (take them only as prescribed)\n"
    "- school has become hard to get to"
)
if settings.get("clinic_line"):
    st.text(f"Your clinic: {settings['clinic_line']}")
    if href := programme.phone_href(settings["clinic_line"]):
        st.link_button("Call the clinic", href, icon=":material/call:")
else:
    st.caption("Your care team's number is on your discharge papers.")

st.divider()
st.subheader("This app is not watched in real time")
st.write(
    "Nobody reads your check-ins, notes or questions as you write them. Your care team sees "
    "them at your next visit. For anything urgent, call: don't write it in the app."
)
st.subheader("A hard day, but you are safe?")
st.write(
    "Your setback plan has the steps you worked out with your care team. Small steps still "
    "count: a short walk, a breathing break, part of the school day."
)
