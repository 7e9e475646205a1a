"""The `y90gui` command line: subcommands for data work, no subcommand for the window.

Arguments are parsed here; the work is done by functions in the core packages, imported only
when their command runs, so `y90gui info` does not pay for pandas and the window does not
pay for openpyxl. Errors a user can cause arrive as `Y90Error` and leave as one line on
stderr with exit code 1; usage errors exit 2 (argparse's convention).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from y90gui import __version__

Handler = str  # "module:function" taking argparse.Namespace, returning an exit code


def _add_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="the .y90 file to write (must not exist, or use --force)")
    p.add_argument("--force", action="store_true", help="replace an existing file")


def _add_info(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="the .y90 case series")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _add_backup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="the .y90 case series")
    p.add_argument("--out", required=True, help="the backup file to write")


def _add_template(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="the .xlsx template to write")


def _add_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("workbook", help="the .xlsx workbook to import")
    p.add_argument("--db", required=True, help="the .y90 case series (created when it does not exist)")
    p.add_argument("--dry-run", action="store_true", help="validate and show the change preview; write nothing")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")


def _add_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="the .y90 case series")
    p.add_argument("--out", required=True, help="the .xlsx workbook to write")
    p.add_argument("--patient", action="append", metavar="ID", help="export only this patient (repeatable)")
    p.add_argument("--deidentify", action="store_true",
                   help="random patient codes, no free text, dates shifted per patient (intervals kept)")
    p.add_argument("--birth-year", choices=("band", "shift", "keep"), default="band",
                   help="with --deidentify: birth year as the first year of its 5-year band (default), "
                        "shifted by a random -2..+2 years, or kept exact")


def _add_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="the .y90 case series")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--out", help="write the report workbook (.xlsx)")
    p.add_argument("--docx", help="write the report document as Word (.docx): Tables 1-4, Figures 1-4, methods")
    p.add_argument("--pdf", help="write the same report document as PDF")
    p.add_argument("--cohort", metavar="NAME", help="report on a named cohort saved in the file (its patients "
                   "when saved); the JSON gets a \"cohort\" key")
    p.add_argument("--ci-method", choices=("log-log", "log", "plain"), default="log-log",
                   help="confidence interval method of the survival figures (default log-log)")
    p.add_argument("--basis", choices=("procedures", "patients"), default="procedures",
                   help="denominator of the toxicity and complication rates (default procedures)")


def _add_analyse(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="analysis", metavar="ANALYSIS", required=True)
    cox = sub.add_parser("cox", help="Cox proportional hazards: univariable and multivariable hazard ratios",
                         description="Cox proportional hazards (Efron ties): a univariable model per covariate "
                                     "and the multivariable model of all of them.")
    cox.add_argument("--db", required=True, help="the .y90 case series")
    cox.add_argument("--covariates", required=True, metavar="NAME[,NAME...]",
                     help="sex, primary_site, who_grade, ki67_pct, functional_syndrome, extrahepatic_disease, "
                          "hepatic_tumour_burden_pct, age, extent_first, prrt_cycles, prrt_gbq, prrt_to_re_days, "
                          "response_3m")
    cox.add_argument("--endpoint", choices=("os", "pfs"), default="os", help="overall or progression-free survival")
    cox.add_argument("--json", action="store_true", help="print the y90gui-cox/1 JSON object")


def _add_figure(p: argparse.ArgumentParser) -> None:
    from y90gui.figures.commands import add_arguments  # standard library only at import

    add_arguments(p)


def _add_registry(p: argparse.ArgumentParser) -> None:
    from y90gui.registry.commands import add_registry_arguments

    add_registry_arguments(p)


def _add_snapshot(p: argparse.ArgumentParser) -> None:
    from y90gui.registry.commands import add_snapshot_arguments

    add_snapshot_arguments(p)


def _handler(args: argparse.Namespace) -> Handler:
    """The handler of the command: its registry form when --db is a registry URL."""
    from y90gui.registry.url import is_registry_url

    db = getattr(args, "db", None)
    if args.command in ("registry", "snapshot") or not is_registry_url(db):
        return COMMANDS[args.command][2]
    if args.command not in URL_COMMANDS:
        print(f"y90gui {args.command}: error: works on a .y90 file, not yet on a registry URL "
              "(y90gui snapshot gives a .y90 copy)", file=sys.stderr)
        return ""
    return URL_COMMANDS[args.command]


#: name -> (help, argument builder, handler)
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Handler]] = {
    "demo": ("write the synthetic demo cohort (44 patients) to a new file", _add_demo,
             "y90gui.demo.commands:cmd_demo"),
    "info": ("counts, schema version and integrity of a case series", _add_info,
             "y90gui.store.commands:cmd_info"),
    "backup": ("consistent copy of a case series (SQLite online backup)", _add_backup,
               "y90gui.store.commands:cmd_backup"),
    "template": ("write an empty workbook in the interchange format", _add_template,
                 "y90gui.io.commands:cmd_template"),
    "import": ("validate a workbook and import it (all or nothing)", _add_import,
               "y90gui.io.commands:cmd_import"),
    "export": ("write a case series as a workbook", _add_export, "y90gui.io.commands:cmd_export"),
    "report": ("compute the study report", _add_report, "y90gui.analysis.commands:cmd_report"),
    "analyse": ("further analyses (cox)", _add_analyse, "y90gui.analysis.commands:cmd_analyse"),
    "figure": ("write a publication figure (Kaplan-Meier, swimmer, waterfall, lab course, Cox forest)", _add_figure,
               "y90gui.figures.commands:cmd_figure"),
    "registry": ("set up a shared PostgreSQL registry: init, grant, revoke, users", _add_registry,
                 "y90gui.registry.commands:cmd_registry"),
    "snapshot": ("consistent copy of a registry as a .y90 file for offline review", _add_snapshot,
                 "y90gui.registry.commands:cmd_snapshot"),
}

#: The commands that take a registry URL as --db, and who does them then (spec/registry.md).
#: `registry.url.is_registry_url` is the one test of "URL or file"; other commands refuse a URL.
URL_COMMANDS: dict[str, Handler] = {
    "info": "y90gui.registry.commands:cmd_info",
    "report": "y90gui.registry.commands:cmd_report",
    "import": "y90gui.registry.commands:cmd_import",
    "registry": "y90gui.registry.commands:cmd_registry",
    "snapshot": "y90gui.registry.commands:cmd_snapshot",
    "backup": "y90gui.registry.commands:cmd_snapshot",  # spec: backup on a URL is a snapshot
    "export": "y90gui.registry.commands:cmd_export",
    "figure": "y90gui.registry.commands:cmd_figure",
    "analyse": "y90gui.registry.commands:cmd_analyse",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="y90gui",
        description="Case series of Y-90 radioembolization after PRRT. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"y90gui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="y90gui", description="Open the y90gui window.",
                                     epilog=f"Commands: {', '.join(COMMANDS)} (y90gui COMMAND --help).")
    parser.add_argument("file", nargs="?", help="a .y90 case series (default: a copy of the demo cohort)")
    parser.add_argument("--version", action="version", version=f"y90gui {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="open the demo cohort in the real window, exercise every panel, exit 0 if all passed")
    parser.add_argument("--exit-after-paint", action="store_true",
                        help="print the seconds from process start to the first painted window, then exit")
    return parser


def run_command(handler: Handler, args: argparse.Namespace) -> int:
    module_name, func_name = handler.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print(f"y90gui {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        # a user's mistake, folder or disk, or a damaged file, is one line (`core.errors.user_error`);
        # anything else is a bug and surfaces with its traceback
        from y90gui.core.errors import user_error

        db = getattr(args, "db", None)
        said = user_error(exc, Path(db).name if isinstance(db, str) and "://" not in db else None)
        if said is None:
            raise
        print(f"y90gui {args.command}: error: {said}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        args = build_parser().parse_args(argv)
        handler = _handler(args)
        return run_command(handler, args) if handler else 2
    if argv and argv[0] in ("-h", "--help"):
        build_parser().print_help()
        print("\nWithout a command:")
        build_gui_parser().print_help()
        return 0
    args = build_gui_parser().parse_args(argv)
    from y90gui.ui.app import run_gui  # Qt is imported only for the window

    return int(run_gui(args) or 0)
