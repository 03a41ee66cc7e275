"""Bugs found by reading the code (issue 14), each reproduced through the real app."""

from __future__ import annotations

import pytest

from tests.apptest import app


@pytest.mark.parametrize("wanted", ["²", "١", "-1", "99999999999999999999999", "x"])
def test_a_strange_patient_in_the_url_falls_back_to_the_first_patient(world, db, wanted):
    # "²".isdigit() is True but int("²") raises: the picker must not trust isdigit alone
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=wanted)
    assert not at.exception, at.exception
    assert at.query_params["patient"] != [wanted]
