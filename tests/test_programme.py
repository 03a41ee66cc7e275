from datetime import UTC, date, datetime

import pytest

from companion import programme
from companion.errors import InvalidInput


def test_today_is_the_programmes_local_date_not_utc():
    settings = {**programme.DEFAULTS, "timezone": "America/Los_Angeles"}
    # 11 pm in Los Angeles on 24 Nov is already 25 Nov in UTC
    late_evening = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    assert programme.local_today(settings, at=late_evening) == date(2026, 11, 24)
    morning = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    assert programme.local_today(settings, at=morning) == date(2026, 11, 25)
    tokyo = {**programme.DEFAULTS, "timezone": "Asia/Tokyo"}
    assert programme.local_today(tokyo, at=datetime(2026, 11, 24, 20, 0, tzinfo=UTC)) == date(
        2026, 11, 25
    )


def test_settings_are_validated_and_saved(db):
    with pytest.raises(InvalidInput) as refused:
        programme.save_settings(db, {"name": "", "timezone": "UTC"}, actor=None)
    assert refused.value.field == "name"
    saved = programme.save_settings(
        db,
        {"name": "Hillside", "timezone": "Europe/Dublin", "help_text": "Clinic 555-0100"},
        actor=None,
    )
    assert saved["name"] == "Hillside" and saved["timezone"] == "Europe/Dublin"
    assert saved["crisis_line"] == "988"
    assert "Clinic 555-0100" in programme.help_lines(saved)
    assert programme.help_lines(saved)[-1].startswith("This app isn't watched in real time")


def test_a_questionnaire_folder_must_exist_when_named(db, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_CONTENT_BASE", str(tmp_path))  # folders sit under the base
    with pytest.raises(InvalidInput) as refused:
        programme.save_settings(db, {"questionnaire_folder": str(tmp_path / "nope")}, actor=None)
    assert refused.value.field == "questionnaire_folder"
    saved = programme.save_settings(db, {"questionnaire_folder": str(tmp_path)}, actor=None)
    assert saved["questionnaire_folder"] == str(tmp_path)
    assert (
        programme.save_settings(db, {"questionnaire_folder": ""}, actor=None)[
            "questionnaire_folder"
        ]
        == ""
    )


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("988", "tel:988"),
        ("Pain clinic 555-0100, weekdays 8 to 5", "tel:5550100"),
        ("+44 (0)20 7405 9200", "tel:+440207405 9200".replace(" ", "")),
        ("Call the ward", None),
        ("Open 8 to 5", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_links_hold_digits_only(text, href):
    assert programme.phone_href(text) == href


def test_call_links_put_the_emergency_first_and_text_the_crisis_line():
    settings = {**programme.DEFAULTS, "clinic_line": "Clinic 555-0100"}
    assert programme.call_links(settings) == [
        ("Call 911", "tel:911"),
        ("Call 988", "tel:988"),
        ("Text 988", "sms:988"),
    ]
