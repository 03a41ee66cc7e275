"""Two-step sign-in for staff: enrolment with a first code, one use per code, recovery codes
stored hashed and used once, the signed pending step, lockout, and the programme setting
that makes it required."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from companion import db as dbmod
from companion import programme
from companion.auth import accounts, csrf, mfa, sessions, signin
from companion.errors import InvalidInput
from tests.apptest import app, texts


def enrol(db, user, at=None):
    secret = mfa.start(db, user)
    at = at or dbmod.now()
    codes = mfa.confirm(db, user, pyotp.TOTP(secret).at(at), at=at)
    return secret, codes


def test_enrolment_needs_a_correct_first_code_and_returns_hashed_recovery_codes(world, db):
    user = world.clinician_a
    secret = mfa.start(db, user)
    assert not mfa.is_enabled(db, user.id)
    with pytest.raises(InvalidInput):
        mfa.confirm(db, user, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    codes = mfa.confirm(db, user, pyotp.TOTP(secret).now())
    assert mfa.is_enabled(db, user.id) and len(codes) == 10 and len(set(codes)) == 10
    dump = "\n".join(db.iterdump())
    assert not any(code in dump or code.replace("-", "") in dump for code in codes)
    with pytest.raises(InvalidInput):
        mfa.start(db, world.teen_users[0])  # teens and parents don't use it


def test_a_code_works_once_and_a_recovery_code_once(world, db):
    user = world.admin
    start = dbmod.now()
    secret, codes = enrol(db, user, at=start - timedelta(minutes=2))
    later = start + timedelta(minutes=1)
    code = pyotp.TOTP(secret).at(later)
    assert mfa.verify(db, user.id, code, at=later)
    assert not mfa.verify(db, user.id, code, at=later)  # replay
    assert not mfa.verify(
        db, user.id, pyotp.TOTP(secret).at(later - timedelta(minutes=5)), at=later
    )
    assert mfa.verify(db, user.id, codes[0].lower())  # case and dash don't matter
    assert not mfa.verify(db, user.id, codes[0])
    assert mfa.recovery_codes_left(db, user.id) == 9
    for junk in ("", None, "12345", "x" * 500, "１２３４５６"):
        assert not mfa.verify(db, user.id, junk)


def test_sign_in_asks_for_the_second_step_then_opens_a_session(world, db, db_path):
    user = world.clinician_a
    secret, codes = enrol(db, user, at=dbmod.now() - timedelta(minutes=2))
    token = csrf.make_token(programme.secret_key(db))
    first = signin.sign_in("dr.rivera", world.passwords["dr.rivera"], token)
    assert first.token is None and first.problem == "mfa" and first.pending
    wrong = signin.finish_two_step(first.pending, "000000", token)
    if pyotp.TOTP(secret).now() != "000000":
        assert wrong.token is None and wrong.problem == "mfa_failed"
    done = signin.finish_two_step(first.pending, pyotp.TOTP(secret).now(), token)
    assert sessions.user_for_token(db, done.token) == user
    assert done.max_age is None  # staff: a browser-session cookie
    # a forged or stale pending token gets nowhere, even with a good code
    secret_key = programme.secret_key(db)
    forged = mfa.pending_token("not-the-secret", user.id)
    assert signin.finish_two_step(forged, codes[1], token).problem == "expired"
    stale = mfa.pending_token(secret_key, user.id, at=0)
    assert signin.finish_two_step(stale, codes[1], token).problem == "expired"
    assert mfa.pending_user(secret_key, first.pending) == user.id


def test_five_wrong_codes_lock_the_account(world, db, db_path):
    user = world.clinician_b
    secret, codes = enrol(db, user, at=dbmod.now() - timedelta(minutes=2))
    token = csrf.make_token(programme.secret_key(db))
    pending = signin.sign_in("pt.okafor", world.passwords["pt.okafor"], token).pending
    for _ in range(5):
        assert signin.finish_two_step(pending, "ZZZZZ-ZZZZZ", token).token is None
    assert accounts.is_locked(db, user.id)
    assert signin.finish_two_step(pending, codes[0], token).token is None


def test_when_required_staff_without_it_see_only_the_way_to_set_it_up(world, db):
    programme.save_settings(db, {"require_mfa_staff": True}, actor=world.admin)
    at = app(world.clinician_a, db, page="pages/clinician_patients.py")
    page = texts(at)
    assert "two-step sign-in" in page
    assert world.teens[0].display_name not in page
    teen = app(world.teen_users[0], db, page="pages/teen_home.py")
    assert "two-step" not in texts(teen)  # teens and parents are not asked
    account = app(world.clinician_a, db, page="pages/account.py")
    account.button(key="mfa_start").click().run()
    secret = mfa.pending_secret(db, world.clinician_a)
    assert secret and secret in texts(account)
    account.text_input(key="mfa_code").input(pyotp.TOTP(secret).now())
    account.button(key="mfa_confirm").click().run()
    assert not account.exception
    assert "Keep these recovery codes" in texts(account)
    assert mfa.is_enabled(db, world.clinician_a.id)
    again = app(world.clinician_a, db, page="pages/clinician_patients.py")
    assert "Please turn it on first" not in texts(again)


def test_an_admin_turns_off_a_staff_members_two_step_sign_in(world, db):
    enrol(db, world.clinician_b, at=dbmod.now() - timedelta(minutes=2))
    with pytest.raises(InvalidInput):
        mfa.turn_off(db, world.clinician_a, world.clinician_b.id)  # not their own, not admin
    at = app(world.admin, db, page="pages/admin_users.py")
    at.selectbox(key="target").set_value(world.clinician_b.id).run()
    at.button(key="mfa_reset").click().run()
    assert not at.exception
    assert "Two-step sign-in is off" in texts(at)
    assert not mfa.is_enabled(db, world.clinician_b.id)
    assert mfa.recovery_codes_left(db, world.clinician_b.id) == 0


# --- issue 13, finding 11: the TOTP secret at rest -------------------------------------------


def test_the_secret_is_encrypted_with_a_key_kept_outside_the_database(world, db, db_path):
    import os
    import stat

    user = world.clinician_a
    secret, _ = enrol(db, user)
    stored = db.execute("SELECT secret FROM mfa WHERE user_id = ?", [user.id]).fetchone()[0]
    assert secret not in stored and secret not in "\n".join(db.iterdump())
    key_file = mfa.key_path(db)
    assert key_file == db_path.with_name(db_path.name + ".key")
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert mfa.verify(db, user.id, pyotp.TOTP(secret).at(dbmod.now() + timedelta(seconds=30)))
    # the database copied without the key holds nothing usable: under another key no code
    # matches, and an admin can still turn it off (the users page does not break)
    key_file.write_text("00" * 32 + "\n")
    assert not mfa.verify(db, user.id, pyotp.TOTP(secret).at(dbmod.now() + timedelta(minutes=1)))
    assert mfa.is_enabled(db, user.id)
    at = app(world.admin, db, page="pages/admin_users.py")
    at.selectbox(key="target").set_value(user.id).run()
    at.button(key="mfa_reset").click().run()
    assert not at.exception and not mfa.is_enabled(db, user.id)


def test_a_tampered_or_moved_secret_is_refused(world, db):
    secret, _ = enrol(db, world.clinician_a)
    stored = db.execute(
        "SELECT secret FROM mfa WHERE user_id = ?", [world.clinician_a.id]
    ).fetchone()[0]
    # the same ciphertext copied to another account's row does not decrypt there
    db.execute(
        "INSERT INTO mfa (user_id, secret, enabled_at, last_step) VALUES (?, ?, 'x', 0)",
        [world.admin.id, stored],
    )
    later = dbmod.now() + timedelta(minutes=1)
    assert not mfa.verify(db, world.admin.id, pyotp.TOTP(secret).at(later), at=later)
    flipped = stored[:-5] + ("A" if stored[-5] != "A" else "B") + stored[-4:]
    db.execute("UPDATE mfa SET secret = ? WHERE user_id = ?", [flipped, world.clinician_a.id])
    assert not mfa.verify(db, world.clinician_a.id, pyotp.TOTP(secret).at(later), at=later)
    # the untouched ciphertext in its own row still works: the refusals above are the tag's
    db.execute("UPDATE mfa SET secret = ? WHERE user_id = ?", [stored, world.clinician_a.id])
    assert mfa.verify(db, world.clinician_a.id, pyotp.TOTP(secret).at(later), at=later)


def test_a_secret_stored_in_plain_text_keeps_working_and_is_encrypted_on_read(
    world, db, tmp_path, monkeypatch
):
    monkeypatch.setenv(mfa.KEY_FILE_ENV, str(tmp_path / "elsewhere" / "mfa.key"))
    (tmp_path / "elsewhere").mkdir()
    user = world.admin
    secret = pyotp.random_base32()
    step = pyotp.TOTP(secret).timecode(dbmod.now()) - 2
    db.execute(  # as an older version wrote it
        "INSERT INTO mfa (user_id, secret, enabled_at, last_step) VALUES (?, ?, 'x', ?)",
        [user.id, secret, step],
    )
    assert mfa.verify(db, user.id, pyotp.TOTP(secret).now())
    stored = db.execute("SELECT secret FROM mfa WHERE user_id = ?", [user.id]).fetchone()[0]
    assert stored.startswith("v1:") and secret not in stored
    assert (tmp_path / "elsewhere" / "mfa.key").exists()  # COMPANION_SECRET_KEY_FILE
