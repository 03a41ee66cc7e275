from datetime import timedelta

from companion import db as dbmod
from companion.auth import accounts, csrf, sessions
from companion.identity import Role

GOOD = "purple-otter-rides-bikes"


def test_only_the_hash_of_the_session_id_is_stored(db):
    accounts.create_user(db, username="maya", role=Role.TEEN, display_name="Maya", password=GOOD)
    _, token = accounts.sign_in(db, "maya", GOOD)
    assert token not in "\n".join(db.iterdump())
    assert len(token) >= 40


def test_teen_sessions_last_30_days_of_use_and_slide(db):
    user = accounts.create_user(
        db, username="maya", role=Role.TEEN, display_name="M", password=GOOD
    )
    start = dbmod.now()
    token = sessions.create(db, user, at=start)
    assert sessions.user_for_token(db, token, at=start + timedelta(days=29)) == user
    # used on day 29, so the 30 days start again from then
    assert sessions.user_for_token(db, token, at=start + timedelta(days=58)) == user
    assert sessions.user_for_token(db, token, at=start + timedelta(days=88, minutes=1)) is None


def test_staff_sessions_end_after_30_idle_minutes(db):
    user = accounts.create_user(
        db, username="drlee", role=Role.CLINICIAN, display_name="L", password=GOOD
    )
    start = dbmod.now()
    token = sessions.create(db, user, at=start)
    # busy all morning: each request within 30 minutes of the last keeps the session alive
    for minutes in range(25, 240, 25):
        assert sessions.user_for_token(db, token, at=start + timedelta(minutes=minutes)) == user
    idle = start + timedelta(minutes=225 + 31)
    assert sessions.user_for_token(db, token, at=idle) is None
    assert sessions.cookie_max_age(db, user) is None  # a browser-session cookie


def test_the_programme_sets_the_idle_limits(db):
    from companion import programme

    assert {k: programme.DEFAULTS[k] for k in sessions.IDLE_DEFAULTS} == sessions.IDLE_DEFAULTS
    programme.save_settings(db, {"idle_minutes_staff": 10, "idle_days_family": 7}, actor=None)
    staff = accounts.create_user(
        db, username="drlee", role=Role.CLINICIAN, display_name="L", password=GOOD
    )
    teen = accounts.create_user(
        db, username="maya", role=Role.TEEN, display_name="M", password=GOOD
    )
    start = dbmod.now()
    staff_token, teen_token = (
        sessions.create(db, staff, at=start),
        sessions.create(db, teen, at=start),
    )
    assert sessions.user_for_token(db, staff_token, at=start + timedelta(minutes=11)) is None
    assert sessions.user_for_token(db, teen_token, at=start + timedelta(days=6)) == teen
    assert sessions.user_for_token(db, teen_token, at=start + timedelta(days=13, hours=1)) is None
    assert sessions.cookie_max_age(db, teen) == 7 * 24 * 3600
    import pytest

    from companion.errors import InvalidInput

    with pytest.raises(InvalidInput):
        programme.save_settings(db, {"idle_minutes_staff": 0}, actor=None)


def test_sign_out_revokes_only_that_session(db):
    accounts.create_user(db, username="maya", role=Role.TEEN, display_name="M", password=GOOD)
    user, phone = accounts.sign_in(db, "maya", GOOD)
    _, laptop = accounts.sign_in(db, "maya", GOOD)
    sessions.revoke(db, phone)
    assert sessions.user_for_token(db, phone) is None
    assert sessions.user_for_token(db, laptop) == user


def test_tampered_or_missing_tokens_are_nobody(db):
    accounts.create_user(db, username="maya", role=Role.TEEN, display_name="M", password=GOOD)
    _, token = accounts.sign_in(db, "maya", GOOD)
    for bad in [None, "", token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 5000]:
        assert sessions.user_for_token(db, bad) is None


def test_csrf_tokens_are_signed_and_expire():
    token = csrf.make_token("secret", now=1_000_000)
    assert csrf.check_token("secret", token, now=1_000_000 + 60)
    assert not csrf.check_token("other-secret", token, now=1_000_000 + 60)
    assert not csrf.check_token("secret", token, now=1_000_000 + csrf.MAX_AGE_SECONDS + 1)
    issued, nonce, sig = token.split(".")
    assert not csrf.check_token("secret", f"{int(issued) + 1}.{nonce}.{sig}", now=1_000_100)
    for junk in [None, "", "a.b", "a.b.c.d", "x" * 300]:
        assert not csrf.check_token("secret", junk)


def test_auth_route_logic_signs_in_and_out(world, db, db_path):
    from companion import programme
    from companion.auth import signin

    good_csrf = csrf.make_token(programme.secret_key(db))
    password = world.passwords["maya"]
    assert signin.sign_in("maya", password, None).problem == "expired"
    assert signin.sign_in("maya", "wrong-password", good_csrf).problem == "failed"
    outcome = signin.sign_in("maya", password, good_csrf)
    assert outcome.token and outcome.max_age == 30 * 24 * 3600
    assert sessions.user_for_token(db, outcome.token).username == "maya"
    signin.sign_out(outcome.token)
    assert sessions.user_for_token(db, outcome.token) is None


def test_a_token_with_non_ascii_text_is_refused_not_an_error():
    good = csrf.make_token("secret")
    issued, nonce, signature = good.split(".")
    for forged in (f"{issued}.{nonce}.{signature[:-1]}é", f"{issued}.ünï.{signature}", "1.².x"):
        assert csrf.check_token("secret", forged) is False
