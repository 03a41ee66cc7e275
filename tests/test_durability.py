"""Nothing saved is ever lost: many processes writing at once, and a writer killed mid-write.

Run with ``pytest -s`` to see the figures. Every write goes through the same functions the
pages call (access-checked, with the signed-in teen as ``user``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from companion import access
from companion import db as dbmod
from companion.access import Permission
from companion.auth import accounts
from companion.care import checkins, plans
from companion.ops import demo
from companion.people.patients import get_patient
from tests.conftest import TODAY

WRITERS, WRITES_EACH, READERS = 16, 500, 2
SLOTS_EACH = 80  # each slot: one check-in, then a tick for each of its 4 exercises
KILLS = 20
EXERCISES = [
    {"name": "Wall squats", "dose": "3 × 10", "days_per_week": 7},
    {"name": "Step-ups", "dose": "2 × 15", "days_per_week": 5},
    {"name": "Brisk walk", "dose": "20 min", "days_per_week": 7},
    {"name": "Plank", "dose": "3 × 20 s", "days_per_week": 4},
]


@dataclass(frozen=True)
class Teen:
    username: str
    patient_id: int
    discharged_on: str
    keys: tuple[str, ...]

    def days(self) -> list[date]:
        first = date.fromisoformat(self.discharged_on)
        return [first + timedelta(days=n) for n in range((TODAY - first).days + 1)]


def build_programme(db, *, teens: int, days: int) -> list[Teen]:
    """Demo accounts without history; each teen's care team writes a 4-exercise plan."""
    made = demo.create_demo(db, seed=11, teens=teens, today=TODAY, days=days, history=False)
    staff = [accounts.find_user_by_username(db, name) for name, _ in demo.CLINICIANS]
    usernames = [a.username for a in made.accounts if a.role == "teen"]
    found = []
    for username, patient_id in zip(usernames, made.patient_ids, strict=True):
        patient = get_patient(db, patient_id)
        lead = next(c for c in staff if access.can(db, c, Permission.EDIT_PLAN, patient))
        plan = plans.save_plan(
            db, lead, patient_id, today=TODAY, starts_on=patient.discharged_on, exercises=EXERCISES
        )
        keys = tuple(e.key for e in plan.exercises)
        found.append(Teen(username, patient_id, patient.discharged_on.isoformat(), keys))
    return found


class Teens:
    """The signed-in teens, looked up once per process as the app does per session."""

    def __init__(self, database, teens: list[Teen]):
        self.database = database
        self.users = {
            t.patient_id: accounts.find_user_by_username(database, t.username) for t in teens
        }

    def checkin(self, pid: int, day: str, note: str) -> None:
        d = date.fromisoformat(day)  # the teen checks in on that day
        checkins.save_checkin(
            self.database, self.users[pid], pid, day=d, today=d, values={"note": note, "pain": 3}
        )

    def tick(self, pid: int, day: str, key: str) -> None:
        d = date.fromisoformat(day)
        checkins.save_exercise_outcome(
            self.database, self.users[pid], pid, day=d, today=d, key=key, status="done"
        )

    def coping(self, pid: int, day: str, skill: str) -> None:
        d = date.fromisoformat(day)
        checkins.log_coping_use(
            self.database, self.users[pid], pid, skill=skill, helpfulness=6, day=d, today=TODAY
        )


# --- 16 writers and 2 readers -------------------------------------------------------------


def plan_writes(teens: list[Teen]) -> list[list[list]]:
    """Each writer's ``[kind, patient_id, day, value]`` list: check-ins on days no other writer
    touches (so every one can be checked), for teens every writer shares; 500 each."""
    rng = random.Random(2026)
    slots = [(t, d.isoformat()) for t in teens for d in t.days()]
    rng.shuffle(slots)
    assert len(slots) >= WRITERS * SLOTS_EACH
    plans_ = []
    for w in range(WRITERS):
        ops: list[list] = []
        for j, (teen, day) in enumerate(slots[w : WRITERS * SLOTS_EACH : WRITERS]):
            ops.append(["checkin", teen.patient_id, day, f"w{w:02d}-{j:03d}"])
            ops += [["tick", teen.patient_id, day, key] for key in teen.keys]
            for extra in range(1 + (j % 4 == 0)):  # 100 toolbox uses among the 400 others
                other = rng.choice(teens)
                day_used = (TODAY - timedelta(days=rng.randint(0, 6))).isoformat()
                ops.append(["coping", other.patient_id, day_used, f"w{w:02d}-{j:03d}-{extra}"])
        assert len(ops) == WRITES_EACH
        plans_.append(ops)
    return plans_


def writer(path: str, teens: list[Teen], ops: list[list], barrier, out: str) -> None:
    database = dbmod.connect(path)
    who = Teens(database, teens)
    returned, errors, slowest = [], [], 0.0
    barrier.wait(timeout=120)
    for op in ops:
        kind, pid, day, value = op
        start = time.perf_counter()
        try:
            getattr(who, kind)(pid, day, value)
        except Exception as problem:  # recorded, and the test fails on any
            errors.append(f"{type(problem).__name__}: {problem}")
            continue
        slowest = max(slowest, time.perf_counter() - start)
        returned.append(op)
    database.close()
    Path(out).write_text(json.dumps({"returned": returned, "errors": errors, "slowest": slowest}))


def reader(path: str, teens: list[Teen], barrier, stop, out: str) -> None:
    """Reads the frames the progress pages read; counts never go backwards."""
    database = dbmod.connect(path)
    reads, errors, seen = 0, [], {}
    barrier.wait(timeout=120)
    while not stop.is_set():
        for teen in teens:
            try:
                count = len(checkins.checkins_frame(database, teen.patient_id))
                checkins.outcomes_frame(database, teen.patient_id)
                checkins.coping_frame(database, teen.patient_id)
            except Exception as problem:
                errors.append(f"{type(problem).__name__}: {problem}")
                continue
            if count < seen.get(teen.patient_id, 0):
                errors.append(f"check-ins of {teen.patient_id} went from {seen} to {count}")
            seen[teen.patient_id] = count
            reads += 3
    database.close()
    Path(out).write_text(json.dumps({"reads": reads, "errors": errors}))


def processes():
    """Real processes, forked from one server that has imported this module once: a start
    costs a fork, not a new interpreter importing pandas and the app (which cost most of
    these tests' time). Forking the test process itself is not safe: it has threads."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def test_sixteen_writers_and_two_readers_lose_nothing(db, db_path, tmp_path):
    teens = build_programme(db, teens=8, days=400)
    work = plan_writes(teens)
    ctx = processes()
    barrier, stop = ctx.Barrier(WRITERS + READERS + 1), ctx.Event()
    writers = [
        ctx.Process(target=writer, args=(str(db_path), teens, ops, barrier, f"{tmp_path}/w{n}"))
        for n, ops in enumerate(work)
    ]
    readers = [
        ctx.Process(target=reader, args=(str(db_path), teens, barrier, stop, f"{tmp_path}/r{n}"))
        for n in range(READERS)
    ]
    try:
        for p in writers + readers:
            p.start()
        barrier.wait(timeout=120)
        start = time.perf_counter()
        for p in writers:
            p.join(timeout=300)
        duration = time.perf_counter() - start
        stop.set()
        for p in readers:
            p.join(timeout=60)
    finally:
        for p in writers + readers:
            if p.is_alive():
                p.kill()
    assert all(p.exitcode == 0 for p in writers + readers)
    done = [json.loads(Path(f"{tmp_path}/w{n}").read_text()) for n in range(WRITERS)]
    seen = [json.loads(Path(f"{tmp_path}/r{n}").read_text()) for n in range(READERS)]
    errors = [e for d in done + seen for e in d["errors"]]
    returned = [op for d in done for op in d["returned"]]
    assert errors == [], errors[:5]  # first: a refused write would also skew the counts below
    present = check_present(db, returned)
    print(
        f"\n{WRITERS} writers x {WRITES_EACH} + {READERS} readers: attempted"
        f" {WRITERS * WRITES_EACH}, returned {len(returned)}, present {present},"
        f" errors {len(errors)}, reads {sum(s['reads'] for s in seen)},"
        f" slowest write {max(d['slowest'] for d in done):.2f} s, {duration:.1f} s"
    )
    assert not [e for e in errors if "locked" in e]
    assert errors == []
    assert len(returned) == present == WRITERS * WRITES_EACH


def check_present(db, returned: list[list]) -> int:
    """Every returned write is in the database exactly once, and nothing else is."""
    by_kind: dict[str, set] = {"checkin": set(), "tick": set(), "coping": Counter()}
    for kind, pid, day, value in returned:
        if kind == "coping":
            by_kind["coping"][(pid, day, value)] += 1
        else:
            by_kind[kind].add((pid, day, value))
    saved = Counter(db.execute("SELECT patient_id, day, note FROM checkins").fetchall())
    assert saved == Counter(by_kind["checkin"])
    ticked = Counter(
        db.execute(
            "SELECT c.patient_id, c.day, o.exercise_key FROM exercise_outcomes o"
            " JOIN checkins c ON c.id = o.checkin_id WHERE o.status = 'done'"
        ).fetchall()
    )
    assert ticked == Counter(by_kind["tick"])
    used = Counter(
        db.execute("SELECT patient_id, day, skill FROM coping_uses WHERE source = 'toolbox'")
    )
    assert used == by_kind["coping"]
    assert db.execute("SELECT COUNT(*) FROM coping_uses").fetchone()[0] == sum(used.values())
    return sum(saved.values()) + sum(ticked.values()) + sum(used.values())


# --- a writer killed with SIGKILL, 20 times -----------------------------------------------


def crash_writer(path: str, run: int, teens_file: str, said) -> None:
    """Writes as fast as it can and says a line after each write returns (then is killed)."""
    teens = [
        Teen(**{**t, "keys": tuple(t["keys"])}) for t in json.loads(Path(teens_file).read_text())
    ]
    database = dbmod.connect(path)
    who = Teens(database, teens)
    rng = random.Random(run)
    slots = [(t, d.isoformat()) for t in teens for d in t.days()]
    rng.shuffle(slots)

    def say(line: str) -> None:
        # a short message is one write(2) (length and bytes together): a kill never leaves
        # half a line in the pipe
        said.send_bytes(line.encode())

    say("ready")
    for j, (teen, day) in enumerate(slots):
        note = f"r{run:02d}-{j:04d}"
        who.checkin(teen.patient_id, day, note)
        say(f"checkin {teen.patient_id} {day} {note}")
        key = rng.choice(teen.keys)
        who.tick(teen.patient_id, day, key)
        say(f"tick {teen.patient_id} {day} {key}")
        who.coping(teen.patient_id, TODAY.isoformat(), note)
        say(f"coping {teen.patient_id} {TODAY.isoformat()} {note}")
    say("finished")


def test_a_writer_killed_at_random_points_loses_nothing_it_reported(db, db_path, tmp_path):
    teens = build_programme(db, teens=4, days=1000)  # about 2,000 check-in days
    teens_file = tmp_path / "teens.json"
    teens_file.write_text(json.dumps([asdict(t) for t in teens]))
    rng = random.Random(20)
    survived, reported, all_coping = 0, 0, Counter()
    start = time.perf_counter()
    ctx = processes()
    for run in range(KILLS):
        heard, said = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=crash_writer, args=(str(db_path), run, str(teens_file), said))
        proc.start()
        said.close()  # the writer holds the only sending end: its death ends the messages
        try:
            assert heard.recv_bytes() == b"ready"
            time.sleep(rng.uniform(0.02, 0.5))
            os.kill(proc.pid, signal.SIGKILL)
            lines = []
            while True:
                try:
                    lines.append(heard.recv_bytes().decode().split())
                except EOFError:
                    break
        finally:
            proc.kill()
            proc.join(timeout=30)
            heard.close()
        assert proc.exitcode == -signal.SIGKILL and ["finished"] not in lines
        reported += len(lines)
        all_coping.update((int(p), d, s) for kind, p, d, s in lines if kind == "coping")
        check_after_kill(db_path, lines)
        survived += 1
    after = dbmod.connect(db_path)
    used = Counter(after.execute("SELECT patient_id, day, skill FROM coping_uses").fetchall())
    after.close()
    assert all(used[k] == 1 for k in all_coping)
    assert sum(used.values()) - len(all_coping) <= KILLS  # at most one unreported per kill
    print(
        f"\nkilled a writer {KILLS} times: survived {survived}, writes reported {reported}"
        f" (all present), {time.perf_counter() - start:.1f} s"
    )
    assert survived == KILLS


PRESENT = {  # every write of a kind, as (value, patient id, day): a reported one is here once
    "checkin": "SELECT note, patient_id, day FROM checkins",
    "tick": "SELECT o.exercise_key, c.patient_id, c.day FROM exercise_outcomes o"
    " JOIN checkins c ON c.id = o.checkin_id",
    "coping": "SELECT skill, patient_id, day FROM coping_uses",
}


def check_after_kill(db_path: Path, lines: list[list[str]]) -> None:
    """A fresh connection (as after a restart) finds a sound file with every reported write,
    each exactly once (read kind by kind: one query each, not one per write)."""
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        present = {kind: Counter(conn.execute(sql).fetchall()) for kind, sql in PRESENT.items()}
        for kind, pid, day, value in lines:
            assert present[kind][(value, int(pid), day)] == 1, (kind, value)
    finally:
        conn.close()


# --- two ticks at the same moment ---------------------------------------------------------


def test_two_ticks_on_the_same_day_at_the_same_moment_both_stay(db, db_path, monkeypatch):
    (teen,) = build_programme(db, teens=1, days=30)
    user = accounts.find_user_by_username(db, teen.username)
    first, second = teen.keys[:2]
    read = checkins.find_checkin
    other: list[threading.Thread] = []

    def read_then_let_the_other_device_tick(database, patient_id, day):
        found = read(database, patient_id, day)
        if not other and threading.current_thread() is threading.main_thread():
            other.append(threading.Thread(target=tick_elsewhere))
            other[0].start()
            other[0].join(timeout=0.5)  # the other device saves first, unless it must wait
        return found

    def tick_elsewhere():
        phone = dbmod.connect(db_path)
        checkins.save_exercise_outcome(
            phone, user, teen.patient_id, day=TODAY, today=TODAY, key=second, status="done"
        )
        phone.close()

    monkeypatch.setattr(checkins, "find_checkin", read_then_let_the_other_device_tick)
    checkins.save_exercise_outcome(
        db, user, teen.patient_id, day=TODAY, today=TODAY, key=first, status="done"
    )
    other[0].join(timeout=10)
    monkeypatch.undo()
    saved = checkins.find_checkin(db, teen.patient_id, TODAY)
    assert saved.outcomes == {first: "done", second: "done"}
