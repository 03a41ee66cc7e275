"""The SQLite store: one connection per script run, numbered migrations, transactions.

SQL lives here and in the store modules (accounts, patients, plans, checkins ...), never in
pages. Timestamps are ISO-8601 UTC text; a check-in's ``day`` is the programme's local date.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from companion import config

migrations = Migrations("companion")


_sql_watcher: Callable[[str], object] | None = None


@contextmanager
def watching_sql(watcher: Callable[[str], object]) -> Iterator[None]:
    """Call ``watcher`` with every SQL statement run on connections opened meanwhile (the
    benchmark counts and replays what a page runs; nothing in the app watches)."""
    global _sql_watcher
    _sql_watcher = watcher
    try:
        yield
    finally:
        _sql_watcher = None


def connect(path: str | Path | None = None, *, migrate: bool = False) -> Database:
    """Open the database with the settings every connection needs (docs/architecture.md,
    "SQLite settings")."""
    path = Path(path) if path is not None else config.db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=5, isolation_level=None, check_same_thread=False)
    if _sql_watcher is not None:
        conn.set_trace_callback(_sql_watcher)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    db = sqlite_utils.Database(conn)
    if migrate:
        migrations.apply(db)
    return db


BEGIN_ATTEMPTS = 6  # each waits up to the 5 s busy timeout, then backs off and tries again


def _begin(db: Database) -> None:
    """BEGIN IMMEDIATE, retried with jittered backoff: on a busy machine another writer can
    hold the lock past the busy timeout, and "database is locked" must never reach a user."""
    for attempt in range(BEGIN_ATTEMPTS):
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as problem:
            busy = "locked" in str(problem) or "busy" in str(problem)
            if not busy or attempt == BEGIN_ATTEMPTS - 1:
                raise
            time.sleep(min(0.05 * 2**attempt, 1.0) * random.uniform(0.5, 1.5))


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One user action = one transaction. BEGIN IMMEDIATE so read-then-write never deadlocks."""
    if db.conn.in_transaction:  # nested: join the outer transaction
        yield db
        return
    _begin(db)
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None, *, precise: bool = False) -> str:
    """ISO-8601 UTC text for the database; ``precise`` keeps microseconds (for a check-in's
    ``updated_at``, which tells caches that something changed, even twice in one second)."""
    spec = "microseconds" if precise else "seconds"
    return (moment or now()).astimezone(UTC).isoformat(timespec=spec)


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def is_row_id(value: object) -> bool:
    """A value that can name a row: a whole number SQLite can hold (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def migration_names() -> list[str]:
    """Every migration, in the order they run."""
    return [m.name for m in migrations._migrations]


def pending_migrations(db: Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]


def _run(db: Database, script: str) -> None:
    """Run a migration script statement by statement inside the migration's transaction.

    (``executescript`` would COMMIT first and break the migration's atomicity.) Statements
    end with ``;`` at the end of a line; a trigger body keeps its inner ``;`` mid-line.
    """
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


# --- migrations: never edit one that has shipped; add the next -----------------------------


@migrations()
def m001_accounts(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE programme_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT,
            role TEXT NOT NULL CHECK (role IN ('teen', 'parent', 'clinician', 'admin')),
            display_name TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            password_changed_at TEXT
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX sessions_user ON sessions(user_id);
        CREATE TABLE patients (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
            birth_year INTEGER NOT NULL,
            diagnosis_group TEXT NOT NULL
        );
        CREATE TABLE episodes (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            admitted_on TEXT,
            discharged_on TEXT NOT NULL,
            ended_on TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX episodes_patient ON episodes(patient_id);
        CREATE TABLE care_team (
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            clinician_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            PRIMARY KEY (patient_id, clinician_id)
        );
        CREATE INDEX care_team_clinician ON care_team(clinician_id);
        CREATE TABLE family_links (
            parent_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (parent_id, patient_id)
        );
        CREATE INDEX family_links_patient ON family_links(patient_id);
        CREATE TABLE invite_codes (
            id INTEGER PRIMARY KEY,
            code_hash TEXT NOT NULL UNIQUE,
            purpose TEXT NOT NULL CHECK (purpose IN ('activate', 'link_parent', 'reset')),
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            patient_id INTEGER REFERENCES patients(id) ON DELETE CASCADE,
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER,
            action TEXT NOT NULL,
            patient_id INTEGER,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
        """,
    )


@migrations()
def m002_care_plan_and_checkins(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE plan_versions (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
            starts_on TEXT NOT NULL,
            author_id INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            warning_signs TEXT NOT NULL DEFAULT '',
            what_helps TEXT NOT NULL DEFAULT '',
            contacts TEXT NOT NULL DEFAULT '',
            modules TEXT NOT NULL DEFAULT '[]',
            questionnaires TEXT NOT NULL DEFAULT '[]',
            follow_ups TEXT NOT NULL DEFAULT '[]',
            change_note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX plan_versions_patient ON plan_versions(patient_id, starts_on);
        CREATE TABLE plan_exercises (
            version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            dose TEXT NOT NULL DEFAULT '',
            days_per_week INTEGER NOT NULL CHECK (days_per_week BETWEEN 1 AND 7),
            instructions TEXT NOT NULL DEFAULT '',
            video_url TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (version_id, key)
        );
        CREATE TABLE plan_coping_skills (
            version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
            skill TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (version_id, skill)
        );
        CREATE TABLE goals (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            category TEXT NOT NULL,
            steps TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            archived_at TEXT
        );
        CREATE INDEX goals_patient ON goals(patient_id);
        CREATE TABLE goal_progress (
            goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
            week_start TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 4),
            steps_done TEXT NOT NULL DEFAULT '[]',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (goal_id, week_start)
        );
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            pain INTEGER CHECK (pain BETWEEN 0 AND 10),
            mood INTEGER CHECK (mood BETWEEN 1 AND 5),
            sleep_hours REAL CHECK (sleep_hours BETWEEN 0 AND 24),
            sleep_quality INTEGER CHECK (sleep_quality BETWEEN 1 AND 5),
            school TEXT CHECK (school IN ('full', 'part', 'absent_pain', 'absent_other', 'none')),
            nurse_visits INTEGER CHECK (nurse_visits BETWEEN 0 AND 20),
            early_pickup INTEGER CHECK (early_pickup IN (0, 1)),
            active_minutes INTEGER CHECK (active_minutes BETWEEN 0 AND 1440),
            activities TEXT NOT NULL DEFAULT '[]',
            drinks INTEGER CHECK (drinks BETWEEN 0 AND 30),
            meals INTEGER CHECK (meals BETWEEN 0 AND 10),
            note TEXT NOT NULL DEFAULT '',
            question TEXT NOT NULL DEFAULT '',
            plan_version_id INTEGER REFERENCES plan_versions(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (patient_id, day)
        );
        CREATE TABLE exercise_outcomes (
            checkin_id INTEGER NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
            exercise_key TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'part', 'not_done')),
            PRIMARY KEY (checkin_id, exercise_key)
        );
        CREATE TABLE coping_uses (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            skill TEXT NOT NULL,
            helpfulness INTEGER CHECK (helpfulness BETWEEN 0 AND 10),
            source TEXT NOT NULL CHECK (source IN ('checkin', 'toolbox')),
            created_at TEXT NOT NULL
        );
        CREATE INDEX coping_uses_patient ON coping_uses(patient_id, day);
        CREATE TABLE favourite_skills (
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            skill TEXT NOT NULL,
            PRIMARY KEY (patient_id, skill)
        );
        CREATE TABLE questionnaire_responses (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            instrument TEXT NOT NULL,
            version TEXT NOT NULL,
            day TEXT NOT NULL,
            answers TEXT NOT NULL DEFAULT '{}',
            score REAL NOT NULL,
            band TEXT NOT NULL DEFAULT '',
            entered_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX questionnaire_responses_patient ON questionnaire_responses(patient_id, day);
        """,
    )


@migrations()
def m003_sharing_and_parent_checks(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE sharing (
            patient_id INTEGER PRIMARY KEY REFERENCES patients(id) ON DELETE CASCADE,
            pain_shared INTEGER NOT NULL CHECK (pain_shared IN (0, 1)),
            mood_shared INTEGER NOT NULL CHECK (mood_shared IN (0, 1)),
            updated_at TEXT NOT NULL
        );
        CREATE TABLE parent_checks (
            parent_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            week_start TEXT NOT NULL,
            school INTEGER NOT NULL CHECK (school BETWEEN 0 AND 4),
            activities INTEGER NOT NULL CHECK (activities BETWEEN 0 AND 4),
            exercise INTEGER NOT NULL CHECK (exercise BETWEEN 0 AND 4),
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (parent_id, patient_id, week_start)
        );
        """,
    )


@migrations()
def m004_visits(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            clinician_id INTEGER REFERENCES users(id),
            pain INTEGER CHECK (pain BETWEEN 0 AND 10),
            fdi_total INTEGER CHECK (fdi_total BETWEEN 0 AND 60),
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX visits_patient ON visits(patient_id, day);
        """,
    )


@migrations()
def m006_article_reads(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE article_reads (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            slug TEXT NOT NULL,
            read_at TEXT NOT NULL,
            PRIMARY KEY (user_id, slug)
        );
        """,
    )


@migrations()
def m007_two_step_sign_in(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE mfa (
            user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            secret TEXT NOT NULL,
            enabled_at TEXT,
            last_step INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE recovery_codes (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            code_hash TEXT NOT NULL,
            used_at TEXT
        );
        CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
        """,
    )


@migrations()
def m008_speed_indexes(db: Database) -> None:
    """For the panel's change keys (the latest save per patient) and the audit log's
    filters by patient and by person."""
    _run(
        db,
        """
        CREATE INDEX checkins_patient_updated ON checkins(patient_id, updated_at);
        CREATE INDEX audit_log_patient ON audit_log(patient_id, id);
        CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
        """,
    )


@migrations()
def m008b_coping_index(db: Database) -> None:
    """For the change keys behind the caches (``progress.latest_change`` for one teen and
    ``progress.latest_changes`` for a whole panel): the latest coping use per patient becomes
    one index seek instead of a scan of every use the patient ever logged (a 168-teen panel
    12 -> 2 ms). Registered as m005_speed_indexes until 0.1.0, when it already ran after
    m008; a database that ran it under that name runs this once more, harmlessly."""
    _run(
        db,
        """
        CREATE INDEX IF NOT EXISTS coping_uses_patient_id ON coping_uses(patient_id, id);
        """,
    )


@migrations()
def m009_sign_in_throttle(db: Database) -> None:
    """Sign-in throttling (companion/auth/throttle.py): one row per username, account second
    step, pending token or client address that has failed lately."""
    _run(
        db,
        """
        CREATE TABLE sign_in_throttle (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            window_start TEXT NOT NULL,
            not_before TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX sign_in_throttle_updated ON sign_in_throttle(updated_at);
        """,
    )


@migrations()
def m010_account_notices(db: Database) -> None:
    """What an admin did to someone's account (a password reset, two-step sign-in turned
    off), shown to that person on their pages after they next sign in, until dismissed."""
    _run(
        db,
        """
        CREATE TABLE account_notices (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            at TEXT NOT NULL,
            dismissed_at TEXT
        );
        CREATE INDEX account_notices_user ON account_notices(user_id, dismissed_at);
        """,
    )


@migrations()
def m011_drop_old_lock_columns(db: Database) -> None:
    """``users.failed_logins`` and ``users.locked_until`` were the first lockout. Sign-in
    throttling moved to ``sign_in_throttle`` (m009) and nothing reads them any more; a
    column nobody reads but some code still writes looked like a lock that works."""
    _run(
        db,
        """
        ALTER TABLE users DROP COLUMN failed_logins;
        ALTER TABLE users DROP COLUMN locked_until;
        """,
    )


@migrations()
def m012_checkin_drafts(db: Database) -> None:
    """What a teen has entered on Today but not saved yet (companion/care/drafts.py), one row
    per sign-in session, patient and day, so a reload does not wipe it. Never a check-in: no
    metric or export reads it. It goes when that day is saved, and with its session: signing
    out or any revocation (the trigger), or the account or record being deleted."""
    _run(
        db,
        """
        CREATE TABLE checkin_drafts (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            answers TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (session_id, patient_id, day)
        );
        CREATE INDEX checkin_drafts_day ON checkin_drafts(patient_id, day);
        CREATE TRIGGER checkin_drafts_end_with_session AFTER UPDATE OF revoked_at ON sessions
        WHEN NEW.revoked_at IS NOT NULL
        BEGIN DELETE FROM checkin_drafts WHERE session_id = NEW.id; END;
        """,
    )


@migrations()
def m013_outcome_fields(db: Database) -> None:
    """What a programme records for its outcomes (companion/people/population.py): per
    episode the treatment (setting, referral date, admission FDI and pain; ``admitted_on`` was
    there already), per teen the population fields. Every one may be empty (not recorded) or
    ``prefer_not_to_say``; none of them reaches a family's screens."""
    _run(
        db,
        """
        ALTER TABLE episodes ADD COLUMN setting TEXT;
        ALTER TABLE episodes ADD COLUMN referred_on TEXT;
        ALTER TABLE episodes ADD COLUMN admission_fdi INTEGER
            CHECK (admission_fdi BETWEEN 0 AND 60);
        ALTER TABLE episodes ADD COLUMN admission_pain INTEGER
            CHECK (admission_pain BETWEEN 0 AND 10);
        CREATE TABLE population (
            patient_id INTEGER PRIMARY KEY REFERENCES patients(id) ON DELETE CASCADE,
            sex_at_birth TEXT,
            gender_identity TEXT,
            race_ethnicity TEXT,
            language TEXT,
            insurance TEXT,
            travel_time TEXT,
            updated_by INTEGER REFERENCES users(id),
            updated_at TEXT NOT NULL
        );
        """,
    )


@migrations()
def m014_school(db: Database) -> None:
    """Back to school (companion/care/school.py): each plan version holds its accommodations
    and graded-return steps as JSON; the teen's school notes are kept version by version,
    each exactly as made, with when the teen shared it with their parents."""
    _run(
        db,
        """
        ALTER TABLE plan_versions ADD COLUMN accommodations TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE plan_versions ADD COLUMN school_steps TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE school_notes (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            made_at TEXT NOT NULL,
            content TEXT NOT NULL,
            shared_at TEXT,
            unshared_at TEXT,
            UNIQUE (patient_id, number)
        );
        """,
    )
