"""Drives the real app from outside, for the tests and the benchmark alike (neither imports
the other): ``server`` starts ``streamlit run asgi.py`` on a free port against a database
file, ``chromium`` holds Debian's chromium settings and the sign-in steps a person takes,
``apptest`` runs app.py in Streamlit's AppTest signed in as a user. Nothing in the app
imports this package."""
