"""Command line: python -m companion
{migrate,create-admin,demo,backup,restore,measures,fhir,library} [--help]."""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

from companion import config, db, programme
from companion.errors import InvalidInput
from companion.ops import backup, demo, fhir, measures
from companion.people import account_admin


def _library_export(args: argparse.Namespace) -> int:
    from companion.library import articles, site

    settings = programme.get_settings(db.connect(args.db, migrate=True))
    library = articles.load_library(settings.get("articles_folder") or None)
    written = site.export(library, settings, Path(args.dir))
    size = sum(p.stat().st_size for p in written)
    pages = sum(1 for p in written if p.suffix == ".html")
    print(f"Wrote {pages} pages ({len(written) - pages} stylesheet) to {args.dir}: {size:,} bytes.")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    database = db.connect(args.db)
    pending = db.pending_migrations(database)
    db.migrations.apply(database)
    print(f"Database {args.db or config.db_path()}: applied {len(pending)} migration(s).")
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    database = db.connect(args.db, migrate=True)
    password = os.environ.get("COMPANION_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    try:
        if programme.is_set_up(database):
            from companion.auth.accounts import create_user

            create_user(
                database,
                username=args.username,
                role="admin",
                display_name=args.name,
                password=password,
            )
        else:
            account_admin.first_run(
                database,
                programme_name=args.programme,
                crisis_line="988",
                emergency_number="911",
                help_text="",
                timezone=args.timezone,
                admin_username=args.username,
                admin_display_name=args.name,
                admin_password=password,
            )
    except InvalidInput as problem:
        print(f"{problem.field}: {problem.message}", file=sys.stderr)
        return 2
    print(f"Admin account {args.username} created.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    database = db.connect(args.db, migrate=True)
    try:
        made = demo.create_demo(database, seed=args.seed, teens=args.teens, days=args.days)
    except InvalidInput as problem:
        print(problem.message, file=sys.stderr)
        return 2
    print(f"Demo programme: {made.programme_name}")
    print(f"{'role':<10} {'username':<16} password")
    for account in made.accounts:
        print(f"{account.role:<10} {account.username:<16} {account.password}")
    return 0


def _backup(args: argparse.Namespace) -> int:
    source = Path(args.db) if args.db else config.db_path()
    try:
        made = backup.create_backup(source, Path(args.path), keep=args.keep)
    except backup.BackupError as problem:
        print(problem, file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as problem:
        print(f"Backup failed: {problem}", file=sys.stderr)
        return 1
    print(f"Backup written: {made.path} ({made.size:,} bytes, integrity ok)")
    for old in made.removed:
        print(f"Removed old backup: {old}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    target = Path(args.db) if args.db else config.db_path()
    try:
        done = backup.restore_backup(Path(args.path), target, force=args.force)
    except backup.BackupError as problem:
        print(problem, file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as problem:
        print(f"Restore failed: {problem}", file=sys.stderr)
        return 1
    if done.previous is not None:
        print(f"The database that was replaced is kept at {done.previous}")
    print(f"Restored {args.path} into {target}: applied {done.migrations} migration(s).")
    return 0


def _measures_export(args: argparse.Namespace) -> int:
    database = db.connect(args.db, migrate=True)
    today = programme.local_today(programme.get_settings(database))
    try:
        made = measures.export(database, Path(args.path), today=today)
    except measures.ExportError as problem:
        print(problem, file=sys.stderr)
        return 2
    except OSError as problem:
        print(f"Export failed: {problem}", file=sys.stderr)
        return 1
    print(
        f"Common measures written: {args.path} ({made.rows} rows, {made.teens} teens), with"
        f" {args.path}.dictionary.json and {args.path}.redcap-dictionary.csv"
    )
    if made.coarsened:
        print(f"So that every combination holds {measures.K} teens, coarsened:")
        for step in made.coarsened:
            print(f"  - {step}")
    else:
        print("Nothing coarsened: every combination already holds 5 teens.")
    return 0


def _measures_pool(args: argparse.Namespace) -> int:
    try:
        pooled = measures.pool([Path(f) for f in args.files], Path(args.out))
    except measures.PoolError as problem:
        print(f"Refused: {problem}", file=sys.stderr)
        return 2
    print(
        f"Pooled {len(pooled.programmes)} programmes ({', '.join(pooled.programmes)}),"
        f" {pooled.teens} teens:"
    )
    for file in pooled.files:
        print(f"  {file}")
    return 0


def _fhir_export(args: argparse.Namespace) -> int:
    database = db.connect(args.db, migrate=True)
    today = programme.local_today(programme.get_settings(database))
    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        print("--since takes a date such as 2026-01-31", file=sys.stderr)
        return 2
    started = time.perf_counter()
    counts = fhir.bulk_export(database, Path(args.dir), since=since, today=today)
    seconds = time.perf_counter() - started
    total = sum(counts.values())
    print(f"FHIR NDJSON written to {args.dir}: {total} resources in {seconds:.1f} s")
    for kind, n in sorted(counts.items()):
        print(f"  {kind}.ndjson: {n}")
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m companion", description=__doc__)
    parser.add_argument("--db", help="SQLite file (default: $COMPANION_DB or data/companion.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(run=_migrate)
    admin = sub.add_parser(
        "create-admin",
        help="create an admin (and the programme, if new)",
        description="Reads the password from $COMPANION_ADMIN_PASSWORD or asks.",
    )
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", default="Programme admin", help="display name")
    admin.add_argument("--programme", default="Pain Rehabilitation Programme")
    admin.add_argument("--timezone", default=programme.DEFAULTS["timezone"])
    admin.set_defaults(run=_create_admin)
    demo_cmd = sub.add_parser("demo", help="fill an empty database with demo data")
    demo_cmd.add_argument("--seed", type=int, default=7)
    demo_cmd.add_argument("--teens", type=int, default=4)
    demo_cmd.add_argument(
        "--days", type=int, default=120, help="the longest history: discharges 10 to DAYS ago"
    )
    demo_cmd.set_defaults(run=_demo)
    backup_cmd = sub.add_parser(
        "backup",
        help="copy the live database safely, even while the app is in use",
        description="Takes a consistent copy with SQLite's online backup API, checks it with"
        " PRAGMA integrity_check and prints its path and size. PATH is a file, or a directory"
        " to hold companion-YYYYMMDD-HHMMSS.db (UTC).",
    )
    backup_cmd.add_argument("path", metavar="PATH", help="backup file or directory")
    backup_cmd.add_argument(
        "--keep",
        type=_positive,
        metavar="N",
        help="PATH is a directory: keep only the newest N companion-*.db backups in it",
    )
    backup_cmd.set_defaults(run=_backup)
    restore_cmd = sub.add_parser(
        "restore",
        help="put a backup back as the database, then migrate it",
        description="Checks the backup's integrity, copies it into the database with SQLite's"
        " backup API and runs the migrations. Stop the app first. A database that already"
        " holds data is replaced only with --force, and a copy of it is kept beside it.",
    )
    restore_cmd.add_argument("path", metavar="PATH", help="the backup file")
    restore_cmd.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )
    restore_cmd.set_defaults(run=_restore)
    common = sub.add_parser(
        "measures",
        help="the de-identified common-measures export, and pooling several programmes'",
        description="export PATH: one row per teen-episode and time point, no names, dates or"
        " notes, with its data dictionary (JSON and REDCap). pool FILE... --out DIR: the"
        " outcome tables by programme and pooled, counts under 11 hidden.",
    )
    what = common.add_subparsers(dest="what", required=True)
    export_cmd = what.add_parser("export", help="write this programme's common measures")
    export_cmd.add_argument("path", metavar="PATH", help="the CSV file to write")
    export_cmd.set_defaults(run=_measures_export)
    pool_cmd = what.add_parser("pool", help="outcome tables from several programmes' exports")
    pool_cmd.add_argument("files", metavar="FILE", nargs="+", help="exports to pool")
    pool_cmd.add_argument("--out", required=True, metavar="DIR", help="folder for the tables")
    pool_cmd.set_defaults(run=_measures_pool)
    fhir_cmd = sub.add_parser(
        "fhir",
        help="FHIR R4 Bulk Data NDJSON of every teen's record",
        description="export DIR [--since DATE]: one <ResourceType>.ndjson per type, one"
        " resource per line, each validated (docs/fhir.md).",
    )
    fhir_what = fhir_cmd.add_subparsers(dest="what", required=True)
    fhir_export = fhir_what.add_parser("export", help="write the NDJSON files")
    fhir_export.add_argument("dir", metavar="DIR", help="folder for the files")
    fhir_export.add_argument("--since", metavar="DATE", help="only data from this day on")
    fhir_export.set_defaults(run=_fhir_export)
    library_cmd = sub.add_parser(
        "library",
        help="the public articles as a static website",
        description="export DIR: index.html, one page per article marked public, style.css;"
        " no JavaScript, for a programme's own website.",
    )
    library_what = library_cmd.add_subparsers(dest="what", required=True)
    library_export = library_what.add_parser("export", help="write the website")
    library_export.add_argument("dir", metavar="DIR", help="folder for the pages")
    library_export.set_defaults(run=_library_export)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
