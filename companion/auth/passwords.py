"""Password hashing, strength rules and passphrase suggestions. The one home of passlib."""

from __future__ import annotations

import secrets
import unicodedata
from functools import cache

from passlib.context import CryptContext
from xkcdpass import xkcd_password
from zxcvbn import zxcvbn

from companion.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3
_ZXCVBN_LIMIT = 72  # zxcvbn refuses longer input; the first 72 characters decide the score

# argon2id with OWASP's parameters (~18 ms here); needs_update() flags older hashes.
_context = CryptContext(
    schemes=["argon2"],
    deprecated="auto",
    argon2__type="ID",
    argon2__memory_cost=19456,
    argon2__rounds=2,
    argon2__parallelism=1,
)
# Verified against when a username does not exist, so timing does not reveal it.
_DUMMY_HASH = _context.hash("not-a-real-password-" + secrets.token_hex(8))

# Words from the EFF short list that we would rather not hand a 10-year-old.
_UNSUITABLE = {
    "abuse",
    "ache",
    "acid",
    "bleed",
    "blood",
    "bomb",
    "booze",
    "bruise",
    "coma",
    "corpse",
    "crash",
    "cry",
    "dead",
    "death",
    "debt",
    "die",
    "doom",
    "drown",
    "drunk",
    "dumb",
    "fang",
    "fat",
    "prude",
    "sexy",
    "drug",
    "pills",
    "fear",
    "fever",
    "gun",
    "hate",
    "hurt",
    "ill",
    "kill",
    "numb",
    "pain",
    "panic",
    "poison",
    "rash",
    "sad",
    "scar",
    "sick",
    "skull",
    "slain",
    "sob",
    "stab",
    "sting",
    "sue",
    "theft",
    "toxic",
    "ugly",
    "vomit",
    "wound",
    "wreck",
    "grave",
    "gross",
    "germ",
    "flu",
}


def normalize(password: str) -> str:
    """NFC so that the same characters typed on two keyboards hash the same."""
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    return _context.hash(normalize(password))


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        _context.verify("x", _DUMMY_HASH)
        return False
    try:
        return _context.verify(normalize(password), password_hash)
    except (ValueError, TypeError):
        return False


def verify_dummy() -> None:
    """Spend the same time as a real check when the account does not exist."""
    _context.verify("x", _DUMMY_HASH)


def needs_rehash(password_hash: str) -> bool:
    return _context.needs_update(password_hash)


def check_strength(password: str, *, user_inputs: list[str] | tuple[str, ...] = ()) -> None:
    """Raise InvalidInput with plain feedback unless the password is long and strong enough."""
    if not isinstance(password, str) or not password:
        raise InvalidInput("password", "Please choose a password.")
    password = normalize(password)
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            "password",
            f"Use at least {MIN_LENGTH} characters — four everyday words work well.",
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password", f"Use at most {MAX_LENGTH} characters.")
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        raise InvalidInput("password", "Passwords can't contain control characters.")
    inputs = [i for i in user_inputs if i]
    result = zxcvbn(password[:_ZXCVBN_LIMIT], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback") or {}
        words = [feedback.get("warning") or "This password would be easy to guess."]
        words += feedback.get("suggestions") or []
        words.append("Try the suggested passphrase, or four words that mean something to you.")
        raise InvalidInput("password", " ".join(w.strip() for w in words if w))


@cache
def _word_list() -> tuple[str, ...]:
    wordfile = xkcd_password.locate_wordfile("eff-short")
    words = xkcd_password.generate_wordlist(wordfile=wordfile, min_length=3, max_length=7)
    # Letters only: a word like "yo-yo" would blur where one word ends and the next begins.
    return tuple(sorted(w for w in set(words) if w.isalpha() and w not in _UNSUITABLE))


def suggest_passphrase(words: int = 4) -> str:
    """Four everyday words joined by hyphens (~41 bits), always passing check_strength."""
    pool = _word_list()
    while True:
        phrase = "-".join(secrets.choice(pool) for _ in range(words))
        try:
            check_strength(phrase)
        except InvalidInput:
            continue
        return phrase


def check_same(password: str, again: str) -> None:
    if password != again:
        raise InvalidInput(
            "password_again", "The two passwords are different. Please type it again."
        )
