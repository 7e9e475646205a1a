"""The command-line side of the registry: `registry init|grant|revoke|users`, `snapshot`, and the
URL forms of `info`, `report` and `import` (cli.py sends a `--db postgresql://...` here)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_registry_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="registry_command", metavar="SUBCOMMAND", required=True)
    url_help = "the registry, postgresql://USER@HOST[:PORT]/DBNAME (password: PGPASSWORD or ~/.pgpass)"
    init = sub.add_parser("init", help="create or upgrade the schema, constraints, audit and roles (idempotent)")
    init.add_argument("--db", required=True, help=url_help)
    grant = sub.add_parser("grant", help="give a database login a role (creating the login without a password)")
    grant.add_argument("--db", required=True, help=url_help)
    grant.add_argument("--user", required=True, help="the database login")
    grant.add_argument("--role", required=True, choices=("coordinator", "editor", "reviewer"))
    grant.add_argument("--center", help="the centre (required for an editor, optional for a reviewer)")
    revoke = sub.add_parser("revoke", help="take a login's role in this registry away (the login stays)")
    revoke.add_argument("--db", required=True, help=url_help)
    revoke.add_argument("--user", required=True, help="the database login")
    users = sub.add_parser("users", help="who has which role for which centre")
    users.add_argument("--db", required=True, help=url_help)
    users.add_argument("--json", action="store_true", help="print one JSON array")


def add_snapshot_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="the registry URL, postgresql://USER@HOST[:PORT]/DBNAME")
    p.add_argument("--out", required=True, help="the .y90 file to write (must not exist)")


def _url(args: argparse.Namespace) -> str:
    from y90gui.registry.url import parse_registry_url

    return parse_registry_url(args.db).url


def cmd_registry(args: argparse.Namespace) -> int:
    from y90gui.registry import setup

    url = _url(args)
    label = url.split("://", 1)[1]
    if args.registry_command == "init":
        print(setup.init(url).describe(label))
    elif args.registry_command == "grant":
        if args.role == "editor" and not args.center:
            return _usage("an editor is an editor of a centre: give --center")
        if args.role == "coordinator" and args.center:
            return _usage("a coordinator covers every centre: drop --center")
        setup.grant(url, args.user, args.role, args.center)
        print(f"{args.user} is now {args.role}" + (f" of {args.center}" if args.center else ""))
    elif args.registry_command == "revoke":
        had = setup.revoke(url, args.user)
        print(f"{args.user} has no role in {label} now" + ("" if had else " (had none)"))
    else:
        rows = setup.users(url)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        else:
            for r in rows:
                where = ", ".join(r["centers"]) or "every centre"
                login = "" if r["can_login"] else "  (cannot log in)"
                print(f"{r['user']:<20} {r['role']:<12} {where}{login}")
    return 0


def _usage(message: str) -> int:
    """A wrong combination of options: exit 2, as argparse's own usage errors."""
    print(f"y90gui registry: error: {message}", file=sys.stderr)
    return 2


def info(url: str) -> dict[str, Any]:
    """`info` on a registry: the file's fields (counts as this login sees them) plus who is asking."""
    from y90gui.registry.database import Registry
    from y90gui.store.commands import info_counts

    with Registry.open(url) as reg:
        with reg.snapshot():
            counts = reg.counts()
        me = reg.membership()
        return {
            "registry": reg.url.label,
            **info_counts(counts),
            "schema_version": reg.schema_version,
            "integrity": reg.integrity(),
            "user": me.login,
            "role": me.role or ("owner" if me.admin else None),
            "centers": list(me.centres),
        }


def cmd_info(args: argparse.Namespace) -> int:
    data = info(_url(args))
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        width = max(len(k) for k in data)
        for key, value in data.items():
            shown = ", ".join(value) if isinstance(value, list) else value
            print(f"{key:<{width}}  {shown}")
    return 0 if data["integrity"] == "ok" else 1


def cmd_report(args: argparse.Namespace) -> int:
    """`report --db URL`: the file's report (JSON, --out workbook, --docx/--pdf) on what this
    login may see, by the same code (`analysis.commands.report_on`)."""
    from y90gui.analysis.commands import report_on, report_targets
    from y90gui.registry.database import Registry

    out, documents = report_targets(args)
    with Registry.open(_url(args)) as reg:
        return report_on(reg, args, out, documents)


def cmd_snapshot(args: argparse.Namespace) -> int:
    from y90gui.registry.database import Registry
    from y90gui.registry.snapshot import snapshot

    with Registry.open(_url(args)) as reg:
        out, n = snapshot(reg, Path(args.out))
    print(f"wrote a snapshot of {n} patient(s) to {out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Validate, preview and write in one go; the registry refuses rows of another centre."""
    from y90gui.io.commands import _report
    from y90gui.registry.database import Registry
    from y90gui.registry.imports import import_workbook

    with Registry.open(_url(args)) as reg:
        plan, applied = import_workbook(reg, Path(args.workbook), dry_run=args.dry_run)
    return _report(args, plan, applied=applied)


def cmd_export(args: argparse.Namespace) -> int:
    """`export --db URL`: what this login may see, as a workbook, by the file's exporter
    (`io.exporter.export_store`); `--deidentify` too, its mapping not kept on the registry."""
    from y90gui.io.exporter import export_store
    from y90gui.registry.database import Registry

    deidentify = bool(getattr(args, "deidentify", False))
    with Registry.open(_url(args)) as reg, reg.snapshot():  # one consistent state for every sheet
        out = export_store(reg, args.out, patient_ids=args.patient or None, deidentify=deidentify,
                           birth_year=getattr(args, "birth_year", "band"))
        n = len(args.patient) if args.patient else reg.counts()["patients"]
    if deidentify:
        print("note: the code-to-patient mapping of a registry export is not kept (keep the workbook's "
              "source data in the registry)", file=sys.stderr)
    print(f"exported {n} patient(s) to {out}" + (" (de-identified)" if deidentify else ""))
    return 0


def cmd_figure(args: argparse.Namespace) -> int:
    """`figure --db URL`: the file's figure code on what this login may see."""
    from y90gui.figures.commands import figure_command, read_cohort_frames
    from y90gui.registry.database import Registry

    def read() -> tuple[Any, str, str | None]:
        with Registry.open(_url(args)) as reg:
            fr, cohort = read_cohort_frames(reg, args)
            return fr, reg.name, cohort

    return figure_command(args, read)


def cmd_analyse(args: argparse.Namespace) -> int:
    """`analyse cox --db URL`: the file's Cox analysis on what this login may see."""
    from y90gui.analysis.commands import print_cox
    from y90gui.analysis.cox import cox_for_store, parse_covariates
    from y90gui.registry.database import Registry

    names = parse_covariates(args.covariates)
    with Registry.open(_url(args)) as reg:
        result = cox_for_store(reg, names, args.endpoint)
    return print_cox(result, args)
