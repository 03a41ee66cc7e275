"""The attacks of issue 13 against sign-in, each replayed through the sign-in routes' logic
(companion.auth.signin) as the HTTP routes call it: the two-step lock that lifted itself,
lockout as a weapon, password spraying from one address, and folders outside the content
base. (The HTTP-level attacks, bodies, websockets and headers, are in
tests/browser/test_security.py against a real server.)"""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from companion import audit, programme
from companion import db as dbmod
from companion.auth import accounts, csrf, mfa, signin, throttle
from companion.errors import InvalidInput

WRONG = "ZZZZZ-ZZZZZ"  # a recovery code nobody has
OUTSIDER = "198.51.100.7"
OWNER = "192.0.2.10"


def enrol(db, user, at):
    secret = mfa.start(db, user)
    mfa.confirm(db, user, pyotp.TOTP(secret).at(at), at=at)
    return secret


def test_wrong_codes_while_paused_never_lift_the_pause(world, db, db_path):
    """Finding 1: five wrong codes locked the account, the sixth wrote failed_logins=1 and
    locked_until=NULL, and the right code then worked: five of every six guesses were
    checked. Now the sixth is refused unchecked and the right code waits too."""
    user = world.clinician_b
    secret = enrol(db, user, dbmod.now() - timedelta(minutes=2))
    token = csrf.make_token(programme.secret_key(db))
    password = world.passwords["pt.okafor"]
    pending = signin.sign_in("pt.okafor", password, token).pending
    for _ in range(5):
        assert signin.finish_two_step(pending, WRONG, token).token is None
    assert accounts.is_locked(db, user.id)
    assert signin.finish_two_step(pending, WRONG, token).token is None  # the sixth
    assert accounts.is_locked(db, user.id)
    right = pyotp.TOTP(secret).now()
    assert signin.finish_two_step(pending, right, token).token is None
    # a fresh pending token (the password is still right) does not get round the pause
    fresh = signin.sign_in("pt.okafor", password, token)
    assert fresh.problem == "mfa"
    again = signin.finish_two_step(fresh.pending, right, token)
    assert again.token is None and again.problem == "mfa_throttled" and again.wait > 0
    assert accounts.is_locked(db, user.id)


def test_the_second_step_has_its_own_budgets_and_the_wait_is_never_lengthened(world, db):
    user = world.clinician_a
    t0 = dbmod.now()
    secret = enrol(db, user, t0 - timedelta(minutes=2))
    token = csrf.make_token(programme.secret_key(db))
    password = world.passwords["dr.rivera"]

    def step_one(at):
        outcome = signin.sign_in("dr.rivera", password, token, client=OWNER, at=at)
        assert outcome.problem == "mfa"
        return outcome.pending

    pending = step_one(t0)
    for n in range(4):
        wrong = signin.finish_two_step(pending, WRONG, token, client=OWNER, at=t0)
        assert (wrong.problem, wrong.wait) == ("mfa_failed", 0), n
    # the fifth wrong code spends this pending token and starts a 30 s wait for the account
    fifth = signin.finish_two_step(pending, WRONG, token, client=OWNER, at=t0)
    assert fifth.problem == "mfa_spent" and fifth.pending is None
    assert throttle.wait(db, throttle.code_key(user.id), at=t0) == 30
    code = pyotp.TOTP(secret).at(t0 + timedelta(seconds=31))
    fresh = step_one(t0 + timedelta(seconds=1))
    for later in (10, 20, 29):  # tries during the wait: refused unchecked, wait unchanged
        at = t0 + timedelta(seconds=later)
        paused = signin.finish_two_step(fresh, code, token, client=OWNER, at=at)
        assert (paused.problem, paused.wait) == ("mfa_throttled", 30 - later)
    done = signin.finish_two_step(fresh, code, token, client=OWNER, at=t0 + timedelta(seconds=31))
    assert done.token is not None
    assert throttle.wait(db, throttle.code_key(user.id), at=t0 + timedelta(seconds=31)) == 0
    assert any(e["action"] == "sign_in_throttled" for e in audit.list_entries(db))


def test_an_outsider_cannot_keep_a_clinician_out(world, db):
    """Finding 4: five posts locked a clinician out for 15 minutes, again and again. Now an
    outsider hammering the account for ten minutes slows only the outsider: the owner signs
    in at every moment of the attack, from their own address."""
    token = csrf.make_token(programme.secret_key(db))
    password = world.passwords["dr.rivera"]
    t0 = dbmod.now()
    checked = 0
    for second in range(0, 600, 3):
        at = t0 + timedelta(seconds=second)
        attack = signin.sign_in("dr.rivera", f"guess-{second}", token, client=OUTSIDER, at=at)
        assert attack.token is None
        checked += attack.problem == "failed"
        if second % 60 == 30:
            owner = signin.sign_in("dr.rivera", password, token, client=OWNER, at=at)
            assert owner.token is not None, second
    # ten minutes of attack got about twenty guesses checked, not two hundred
    assert checked <= 25
    # and the outsider's next try waits, and says how long, without checking the password
    late = t0 + timedelta(seconds=600)
    paused = signin.sign_in("dr.rivera", password, token, client=OUTSIDER, at=late)
    assert paused.token is None and paused.problem == "throttled" and 0 < paused.wait <= 60
    # once the wait is over, the right password works from there too
    after = late + timedelta(seconds=paused.wait)
    assert signin.sign_in("dr.rivera", password, token, client=OUTSIDER, at=after).token
    throttled = [e for e in audit.list_entries(db) if e["action"] == "sign_in_throttled"]
    assert throttled and "dr.rivera" in throttled[-1]["detail"]


def test_spraying_usernames_from_one_address_is_budgeted(world, db):
    token = csrf.make_token(programme.secret_key(db))
    t0 = dbmod.now()
    names = [f"teen{n:02d}" for n in range(throttle.ADDRESS_BUDGET - 1)]
    for n, name in enumerate(names):
        outcome = signin.sign_in(name, "password1", token, client=OUTSIDER, at=t0)
        assert outcome.problem == "failed" and outcome.wait == 0, n
    last = signin.sign_in("maya", "password1", token, client=OUTSIDER, at=t0)
    assert last.problem == "busy" and last.wait == 15 * 60
    # the budget is spent: even a right password from that address is not checked now ...
    maya = world.passwords[world.teen_users[0].username]
    later = t0 + timedelta(minutes=5)
    refused = signin.sign_in(world.teen_users[0].username, maya, token, client=OUTSIDER, at=later)
    assert (refused.token, refused.problem, refused.wait) == (None, "busy", 10 * 60)
    # ... from another address it is, and after the window from this one too
    assert signin.sign_in(world.teen_users[0].username, maya, token, client=OWNER, at=later)
    window_over = t0 + throttle.ADDRESS_WINDOW
    back = signin.sign_in(
        world.teen_users[0].username, maya, token, client=OUTSIDER, at=window_over
    )
    assert back.token is not None
    details = [e["detail"] for e in audit.list_entries(db) if e["action"] == "sign_in_throttled"]
    assert any(OUTSIDER in d for d in details)


def test_an_unknown_username_gets_the_same_answers(world, db):
    token = csrf.make_token(programme.secret_key(db))
    t0 = dbmod.now()
    answers = {}
    for name in ("dr.rivera", "dr.nobody"):
        answers[name] = [
            (o.problem, o.wait)
            for o in (
                signin.sign_in(name, "not-it", token, client=OUTSIDER, at=t0) for _ in range(6)
            )
        ]
    assert answers["dr.rivera"] == answers["dr.nobody"]
    assert answers["dr.rivera"][4:] == [("failed", 1), ("throttled", 1)]


def test_the_sign_in_page_words_say_how_long():
    assert throttle.messages("failed", 0) is None  # a plain wrong password: the usual words
    assert "try again in 1 second." in throttle.messages("failed", 1)
    assert "was not checked" in throttle.messages("throttled", 37)
    assert "37 seconds" in throttle.messages("throttled", 37)
    assert "14 minutes 30 seconds" in throttle.messages("busy", 870)
    assert "sign in again" in throttle.messages("mfa_spent", 0)
    assert throttle.describe_wait(60) == "1 minute"


@pytest.mark.parametrize("folder", ["/", "/etc", "/proc/self", "..", "../..", "teen/../../"])
def test_folders_outside_the_content_base_are_refused(db, tmp_path, monkeypatch, folder):
    """Finding 10: any directory on the server could be named and its file names listed."""
    base = tmp_path / "content"
    (base / "programme").mkdir(parents=True)
    monkeypatch.setenv("COMPANION_CONTENT_BASE", str(base))
    for key in ("questionnaire_folder", "articles_folder"):
        with pytest.raises(InvalidInput) as refused:
            programme.save_settings(db, {key: folder}, actor=None)
        assert refused.value.field == key
        assert str(base) in refused.value.message
    assert programme.get_settings(db)["articles_folder"] == ""


def test_folders_inside_the_base_are_kept_and_old_outside_ones_are_not_read(
    db, tmp_path, monkeypatch
):
    base = tmp_path / "content"
    inside = base / "programme"
    inside.mkdir(parents=True)
    (base / "sneaky").symlink_to("/etc")
    monkeypatch.setenv("COMPANION_CONTENT_BASE", str(base))
    saved = programme.save_settings(db, {"articles_folder": "programme"}, actor=None)
    assert saved["articles_folder"] == str(inside)
    assert programme.save_settings(db, {"articles_folder": str(inside)}, actor=None)[
        "articles_folder"
    ] == str(inside)
    with pytest.raises(InvalidInput):  # a link inside the base that leads out of it
        programme.save_settings(db, {"articles_folder": "sneaky"}, actor=None)
    # a folder saved before the rule (written straight to the table) is not read any more
    db.execute("UPDATE programme_settings SET value = '\"/etc\"' WHERE key = 'articles_folder'")
    assert programme.get_settings(db)["articles_folder"] == ""
