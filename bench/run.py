"""`make bench`: how fast every main page is at programme scale, on this machine.

Builds (or reuses) a demo programme — by default 500 teens discharged over two years, 3
clinicians, 400 parents, plan changes, monthly visits, missing days — then, for each page
as the role that uses it, times the page's whole script run through Streamlit's AppTest
(median and p95 of warm runs after a warm-up) beside the SQL that page needs alone. Prints
one table and writes the figures to bench/results/<date>-<commit>.json.

    python -m bench.run [--teens 500] [--days 730] [--runs 20] [--no-browser]

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ruff: noqa: E402  (the imports below come after the path is set)
from companion import db as dbmod
from companion import programme
from companion.auth import accounts, passwords
from companion.care import checkins, visits
from companion.insight import progress
from companion.ops import demo
from companion.people import patients

CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"


def _since_discharge(at) -> None:
    """The follow-up's longest period: the one a clinician opens for a first review."""
    at.segmented_control(key="followup_period").set_value("Since discharge")


# page label, script, who opens it, target p95 (ms), what the person does before the timing
PAGES = (
    ("teen check-in", "pages/teen_home.py", "teen", 100, None),
    ("home exercises", "pages/teen_exercises.py", "teen", 100, None),
    ("my progress", "pages/teen_progress.py", "teen", 100, None),
    ("parent dashboard", "pages/parent_overview.py", "parent", 100, None),
    ("clinician panel", "pages/clinician_patients.py", "clinician", 200, None),
    (
        "follow-up (since discharge)",
        "pages/clinician_followup.py",
        "clinician",
        150,
        _since_discharge,
    ),
    ("learn", "pages/learn.py", "teen", 100, None),
    ("programme outcomes", "pages/outcomes.py", "clinician", 500, None),
)
REPORT_TARGET_MS = 1000
SAVE_TARGET_MS = 20
VERIFY_TARGET_MS = 50
RATIO_TARGET = 5
MB_PER_TEEN_YEAR_TARGET = 1.0
POOL_TARGET_S = 10  # 50 programmes × 2,000 teens "in seconds"


@dataclass
class Row:
    page: str
    median_ms: float
    p95_ms: float
    sql_ms: float | None
    target_ms: float
    statements: int = 0
    cold_ms: float | None = None  # one run with Streamlit's caches emptied first

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.sql_ms if self.sql_ms else None

    @property
    def met(self) -> bool:
        """The time target (p95) is met."""
        return self.p95_ms <= self.target_ms

    @property
    def ratio_met(self) -> bool | None:
        return None if self.ratio is None else self.ratio <= RATIO_TARGET


# --- the database ---------------------------------------------------------------------------


def build(teens: int, days: int, clinicians: int, parents: int, seed: int) -> tuple[Path, dict]:
    """The bench database for these parameters, built once and then reused from the cache."""
    today = programme.local_today(programme.DEFAULTS)
    migrations = len(dbmod.migration_names())
    key = f"t{teens}-d{days}-c{clinicians}-p{parents}-s{seed}-m{migrations}-{today}"
    path = CACHE / f"{key}.db"
    meta_path = CACHE / f"{key}.json"
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".building")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    database = dbmod.connect(partial, migrate=True)
    made = demo.create_demo(
        database,
        seed=seed,
        teens=teens,
        days=days,
        clinicians=clinicians,
        parents=min(parents, teens),
        visits=True,
    )
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.execute("ANALYZE")
    database.close()
    partial.rename(path)
    meta = {
        "built_seconds": round(time.perf_counter() - started, 1),
        "passwords": {a.role: a.password for a in made.accounts},
        "patient_ids": made.patient_ids,
    }
    meta_path.write_text(json.dumps(meta))
    return path, meta


def people(database, meta: dict) -> dict:
    """Who opens each page: the teen with the longest history, the parent of the teen with
    the longest history among linked teens, and the first clinician with the longest-history
    patient on their care team."""
    clinician = accounts.find_user_by_username(database, "dr.rivera")
    on_team = patients.list_for_clinician(database, clinician.id)
    longest = min(on_team, key=lambda p: p.discharged_on)
    teen_patient = min(
        (patients.get_patient(database, pid) for pid in meta["patient_ids"]),
        key=lambda p: p.discharged_on,
    )
    parent_row = database.execute(
        "SELECT f.parent_id FROM family_links f JOIN episodes e ON e.patient_id = f.patient_id"
        " ORDER BY e.discharged_on LIMIT 1"
    ).fetchone()
    return {
        "teen": accounts.get_user(database, teen_patient.user_id),
        "parent": accounts.get_user(database, parent_row[0]),
        "clinician": clinician,
        "followup_patient": longest,
        "teen_patient": teen_patient,
    }


# --- SQL capture: every statement a page runs, replayed alone -----------------------------

_recording: list[str] | None = None


def _record(sql: str) -> None:
    """Given every statement (``db.watching_sql``); kept while a page's run is recorded."""
    if _recording is not None:
        _recording.append(sql)


def sql_time(path: Path, statements: list[str], repeats: int = 7) -> float:
    """Median ms to run the page's reads alone, on a warm connection."""
    reads = [s for s in statements if s.lstrip()[:6].upper() in ("SELECT", "WITH S")]
    if not reads:
        return 0.0
    conn = sqlite3.connect(str(path))
    try:
        for sql in reads:  # warm the page cache
            conn.execute(sql).fetchall()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            for sql in reads:
                conn.execute(sql).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)
    finally:
        conn.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- the measurements -----------------------------------------------------------------------


def time_page(database, who, script: str, runs: int, setup=None, **query) -> tuple:
    """Warm run times of ``script`` opened by ``who`` (after ``setup(at)``, if any), the SQL
    one cold run of it needs, and that cold run's time."""
    global _recording
    import streamlit as st

    from harness.apptest import app

    st.cache_data.clear()
    _recording = []
    at = app(who, database, page=script, **query)  # cold: record the SQL the page needs
    statements, _recording = _recording, None
    if at.exception:
        raise RuntimeError(f"{script} failed: {at.exception}")
    if setup is not None:
        setup(at)
        at.run()
        st.cache_data.clear()
        _recording = []
        at.run()
        statements, _recording = _recording, None
    times = warm_times(at, runs)
    st.cache_data.clear()
    start = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(f"{script} failed: {at.exception}")
    return times, statements, cold


def warm_times(at, runs: int) -> list[float]:
    """ms per script run after 3 warm-up runs."""
    for _ in range(3):
        at.run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_floor(database, runs: int) -> dict:
    """The cost of a script run with nearly nothing in it (the Help page, signed out): what
    AppTest and Streamlit spend on any page, before its own work."""
    from harness.apptest import app

    times = warm_times(app(None, database, page="pages/help.py"), runs)
    return {"median": statistics.median(times), "p95": p95(times)}


def time_export(database) -> dict | None:
    """The programme's common-measures export (``measures.export_csv``), timed 3 times, with
    what it held and what it coarsened; None when the programme is too small to export."""
    from companion.ops import measures

    today = programme.local_today(programme.get_settings(database))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        try:
            made = measures.export_csv(database, today=today)
        except measures.ExportError:
            return None
        times.append(time.perf_counter() - start)
    return {
        "median_s": statistics.median(times),
        "rows": made.rows,
        "teens": made.teens,
        "coarsened": made.coarsened,
        "csv": made.csv,
    }


def time_pool(export_csv: str, programmes: int, teens: int) -> dict:
    """``measures.pool`` over ``programmes`` files of about ``teens`` teens each, made from
    this programme's export: each file its code (P01, ...), its teens copies of this
    programme's under new pseudonyms. One timed run (the files are written first)."""
    import pandas as pd

    from companion.ops import measures

    base = pd.read_csv(io.StringIO(export_csv), dtype=str, keep_default_na=False)
    copies = max(1, round(teens / base["pseudonym"].nunique()))
    folder = Path(tempfile.mkdtemp(prefix="bench-pool-"))
    files = []
    for n in range(programmes):
        parts = [
            base.assign(
                programme=f"P{n + 1:02d}", pseudonym=base["pseudonym"].str[:12] + f"{c:04x}"
            )
            for c in range(copies)
        ]
        files.append(folder / f"P{n + 1:02d}.csv")
        pd.concat(parts).to_csv(files[-1], index=False)
    start = time.perf_counter()
    pooled = measures.pool(files, folder / "pooled")
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "programmes": len(pooled.programmes),
        "teens": pooled.teens,
        "rows": len(base) * copies * programmes,
    }


def time_report(database, clinician, patient, runs: int) -> tuple[list, list]:
    global _recording
    today = programme.local_today(programme.get_settings(database))
    times = []
    statements: list[str] = []
    for n in range(runs + 1):
        _recording = [] if n == 0 else None
        start = time.perf_counter()
        p = progress.load(
            database,
            patient,
            start=patient.discharged_on,
            end=today,
            today=today,
            pain=True,
            mood=True,
        )
        pdf = visits.followup_report(
            database, clinician, patient.id, p, programme_name="Bench", today=today
        )
        elapsed = (time.perf_counter() - start) * 1000
        if n == 0:
            statements = _recording or []
        else:
            times.append(elapsed)
        assert pdf.startswith(b"%PDF")
    _recording = None
    return times, statements


def time_save(database, teen, patient, runs: int) -> list[float]:
    today = programme.local_today(programme.get_settings(database))
    times = []
    for n in range(runs):
        start = time.perf_counter()
        checkins.save_checkin(
            database,
            teen,
            patient.id,
            day=today,
            today=today,
            values={"pain": n % 10, "school": "full", "note": f"bench {n}"},
        )
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_verify(runs: int) -> list[float]:
    hashed = passwords.hash_password("bench-orchid-lantern-quietly")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert passwords.verify_password("bench-orchid-lantern-quietly", hashed)
        times.append((time.perf_counter() - start) * 1000)
    return times


def server_memory(path: Path, meta: dict, sessions: int) -> dict:
    """Peak memory (VmHWM) of a real server serving ``sessions`` chromium tabs at once,
    each signed in as a different teen on their home page."""
    from playwright.sync_api import expect, sync_playwright

    from harness.chromium import ARGS, CHROMIUM, PHONE, sign_in
    from harness.server import start_server, stop_server

    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    copy = work / "companion.db"
    _copy(path, copy)
    server = start_server(copy, work / "server.log")
    try:
        database = dbmod.connect(copy)
        names = [
            patients.get_patient(database, pid).username for pid in meta["patient_ids"][:sessions]
        ]
        database.close()
        password = meta["passwords"]["teen"]
        started = time.perf_counter()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pages = []
            for name in names:
                page = browser.new_context(**PHONE).new_page()
                sign_in(page, server.url, name, password)
                pages.append(page)
            for page in pages:
                expect(page.get_by_role("heading", name="Hi", exact=False).first).to_be_visible(
                    timeout=60_000
                )
            status = Path(f"/proc/{server.process.pid}/status").read_text()
            browser.close()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return {
            "sessions": len(names),
            "peak_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
            "now_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
            "seconds": round(time.perf_counter() - started, 1),
        }
    finally:
        stop_server(server)


# --- main -------------------------------------------------------------------------------


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a database file (SQLite's backup, WAL included)."""
    with sqlite3.connect(str(source)) as a, sqlite3.connect(str(target)) as b:
        a.backup(b)
    a.close()
    b.close()


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() or "nogit"
    except OSError:
        return "nogit"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--teens", type=int, default=500)
    parser.add_argument("--days", type=int, default=730, help="discharges 10 to DAYS ago")
    parser.add_argument("--clinicians", type=int, default=3)
    parser.add_argument("--parents", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=40, help="warm runs per page (at least 20)")
    parser.add_argument("--sessions", type=int, default=20, help="browser tabs for memory")
    parser.add_argument("--no-browser", action="store_true", help="skip the memory figure")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results")
    parser.add_argument("--pool-programmes", type=int, default=50, help="files to pool")
    parser.add_argument("--pool-teens", type=int, default=2000, help="teens in each file")
    args = parser.parse_args(argv)

    path, meta = build(args.teens, args.days, args.clinicians, args.parents, args.seed)
    live = Path(tempfile.mkdtemp(prefix="bench-")) / "companion.db"
    _copy(path, live)  # pages write audit rows and check-ins: work on a copy
    os.environ["COMPANION_DB"] = str(live)  # the pages' connections (config.db_path)
    with dbmod.watching_sql(_record):  # each page's SQL, for sql_time
        database = dbmod.connect(live)
        who = people(database, meta)

        rows: list[Row] = []
        for label, script, role, target_ms, setup in PAGES:
            query = {"patient": who["followup_patient"].id} if role == "clinician" else {}
            times, statements, cold = time_page(
                database, who[role], script, args.runs, setup, **query
            )
            rows.append(
                Row(
                    label,
                    statistics.median(times),
                    p95(times),
                    sql_time(live, statements),
                    target_ms,
                    len(statements),
                    cold,
                )
            )
        times, statements = time_report(
            database, who["clinician"], who["followup_patient"], args.runs
        )
        rows.append(
            Row(
                "report PDF (since discharge)",
                statistics.median(times),
                p95(times),
                sql_time(live, statements),
                REPORT_TARGET_MS,
                len(statements),
            )
        )
    floor = time_floor(database, args.runs)
    save = time_save(database, who["teen"], who["teen_patient"], max(args.runs, 20))
    verify = time_verify(max(5, args.runs // 2))
    exported = time_export(database)
    pooled = (
        time_pool(exported.pop("csv"), args.pool_programmes, args.pool_teens) if exported else None
    )
    today = programme.local_today(programme.get_settings(database))
    teen_days = database.execute("SELECT COUNT(*) FROM checkins").fetchone()[0]
    # every day since each discharge counts, logged or not
    days_enrolled = database.execute(
        "SELECT SUM(julianday(?) - julianday(discharged_on) + 1) FROM episodes", [str(today)]
    ).fetchone()[0]
    database.close()
    size_mb = path.stat().st_size / 1e6
    teen_years = (days_enrolled or 0) / 365.25
    memory = None if args.no_browser else server_memory(path, meta, args.sessions)

    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "commit": commit(),
        "parameters": vars(args) | {"out": str(args.out)},
        "database": {
            "built_seconds": meta["built_seconds"],
            "size_mb": round(size_mb, 1),
            "checkins": teen_days,
            "teen_years": round(teen_years, 1),
            "mb_per_teen_year": round(size_mb / teen_years, 3) if teen_years else None,
        },
        "pages": [
            asdict(r) | {"ratio": r.ratio, "met": r.met, "ratio_met": r.ratio_met} for r in rows
        ],
        "floor_ms": floor,
        "checkin_save_ms": {"median": statistics.median(save), "p95": p95(save)},
        "argon2_verify_ms": {"median": statistics.median(verify), "p95": p95(verify)},
        "server_memory": memory,
        "common_measures": exported,
        "pool": pooled,
    }
    print_table(result)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"{date.today()}-{result['commit']}.json"
    out.write_text(json.dumps(result, indent=1))
    print(f"\nwritten to {out}")
    return result


def print_table(result: dict) -> None:
    print(
        f"\n{'page':<30} {'median ms':>10} {'p95 ms':>8} {'target':>7} {'met':>4} "
        f"{'SQL ms':>7} {'page÷SQL':>9} {'≤5×':>4} {'cold ms':>8}"
    )
    for r in result["pages"]:
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.1f}×"
        sql = "—" if r["sql_ms"] is None else f"{r['sql_ms']:.1f}"
        ratio_met = "—" if r["ratio_met"] is None else ("yes" if r["ratio_met"] else "NO")
        print(
            f"{r['page']:<30} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} "
            f"{r['target_ms']:>7.0f} {'yes' if r['met'] else 'NO':>4} {sql:>7} {ratio:>9} "
            f"{ratio_met:>4} {'—' if r['cold_ms'] is None else round(r['cold_ms']):>8}"
        )
    floor = result["floor_ms"]
    print(
        f"(an almost empty page costs {floor['median']:.1f} ms median, {floor['p95']:.1f} ms "
        "p95 in AppTest: the floor under every page's time)"
    )
    d = result["database"]
    save, verify = result["checkin_save_ms"], result["argon2_verify_ms"]
    print(
        f"\ndatabase: {d['size_mb']} MB, {d['checkins']} check-ins, {d['teen_years']} teen-years"
        f" → {d['mb_per_teen_year']} MB per teen-year (target ≤ {MB_PER_TEEN_YEAR_TARGET}:"
        f" {'yes' if (d['mb_per_teen_year'] or 0) <= MB_PER_TEEN_YEAR_TARGET else 'NO'});"
        f" built in {d['built_seconds']} s"
    )
    print(
        f"check-in save: median {save['median']:.1f} ms, p95 {save['p95']:.1f} ms"
        f" (target ≤ {SAVE_TARGET_MS}: {'yes' if save['p95'] <= SAVE_TARGET_MS else 'NO'})"
    )
    print(
        f"argon2 verify: median {verify['median']:.1f} ms"
        f" (target ≤ {VERIFY_TARGET_MS}: {'yes' if verify['median'] <= VERIFY_TARGET_MS else 'NO'})"
    )
    exported, pooled = result["common_measures"], result["pool"]
    if exported:
        steps = "; ".join(exported["coarsened"]) or "nothing"
        print(
            f"common-measures export: {exported['rows']} rows, {exported['teens']} teens in"
            f" {exported['median_s']:.2f} s; coarsened: {steps}"
        )
    else:
        print("common-measures export: not measured (fewer than 5 teens)")
    if pooled:
        print(
            f"pool: {pooled['programmes']} programmes, {pooled['teens']} teens,"
            f" {pooled['rows']} rows in {pooled['seconds']:.1f} s"
            f" (target ≤ {POOL_TARGET_S} s:"
            f" {'yes' if pooled['seconds'] <= POOL_TARGET_S else 'NO'})"
        )
    memory = result["server_memory"]
    if memory:
        print(
            f"server peak memory with {memory['sessions']} browser sessions: "
            f"{memory['peak_mb']} MB (now {memory['now_mb']} MB)"
        )


if __name__ == "__main__":
    main()
