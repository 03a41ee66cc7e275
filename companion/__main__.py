"""Command line: python -m companion {migrate,create-admin,demo} [--help]."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from . import account_care, config, db, demo, programme
from .errors import InvalidInput


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
            from .accounts import create_user

            create_user(
                database,
                username=args.username,
                role="admin",
                display_name=args.name,
                password=password,
            )
        else:
            account_care.first_run(
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
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
