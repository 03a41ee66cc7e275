import pytest

from companion.auth import passwords
from companion.errors import InvalidInput


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("", "choose"),
        ("short-pw", "at least 12"),
        ("password123456", "commonly used"),
        ("aaaaaaaaaaaaaaaa", "easy to guess|repeat"),
        ("x" * 129, "at most 128"),
        ("good-words\x00-here-now", "control"),
    ],
)
def test_weak_or_malformed_passwords_are_refused_in_plain_words(password, why):
    with pytest.raises(InvalidInput) as refused:
        passwords.check_strength(password)
    assert refused.value.field == "password"
    import re

    assert re.search(why, refused.value.message, re.I), refused.value.message


def test_the_username_in_the_password_counts_against_it():
    with pytest.raises(InvalidInput):
        passwords.check_strength("maya.lopez2011", user_inputs=["maya.lopez2011"])


@pytest.mark.parametrize(
    "password",
    [
        "purple-otter-rides-bikes",
        "Þórunn fer í sund á morgnana",
        "雨の日は図書館で本を読む静かな午後",
        "y" * 60 + "Kq9!zR2@pL7#",
    ],
)
def test_long_unicode_and_passphrase_passwords_are_accepted(password):
    passwords.check_strength(password)


def test_128_characters_is_allowed():
    passwords.check_strength(("river-stone-quiet-owl-" * 6)[:128])


def test_hash_is_argon2id_with_owasp_parameters_and_verifies():
    hashed = passwords.hash_password("purple-otter-rides-bikes")
    assert hashed.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in hashed
    assert passwords.verify_password("purple-otter-rides-bikes", hashed)
    assert not passwords.verify_password("purple-otter-rides-bike", hashed)
    assert not passwords.needs_rehash(hashed)


def test_the_same_characters_typed_differently_verify():
    composed, decomposed = "caf\u00e9-window-garden-lamp", "cafe\u0301-window-garden-lamp"
    assert passwords.verify_password(decomposed, passwords.hash_password(composed))


def test_suggested_passphrases_are_four_words_that_pass_the_rules():
    seen = set()
    for _ in range(20):
        phrase = passwords.suggest_passphrase()
        words = phrase.split("-")
        assert len(words) == 4
        assert all(w.isalpha() and 3 <= len(w) <= 7 for w in words)
        assert not set(words) & passwords._UNSUITABLE
        passwords.check_strength(phrase)
        seen.add(phrase)
    assert len(seen) > 15


def test_every_word_a_passphrase_can_use_is_letters_only():
    # A hyphenated word ("yo-yo") in a hyphen-joined phrase reads as two words.
    pool = passwords._word_list()
    assert len(pool) > 1000
    assert [w for w in pool if not w.isalpha()] == []


def test_mismatched_confirmation_is_named():
    with pytest.raises(InvalidInput) as refused:
        passwords.check_same("one-two-three-four", "one-two-three-for")
    assert refused.value.field == "password_again"
