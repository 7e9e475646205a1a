"""`y90gui figure km|swimmer|waterfall|labs|forest`: one publication figure to a file.

Every setting is checked before the case series is read, and a bad one is a usage error: one
line naming the option on stderr, exit 2, no file written (spec/publication.md). The numbers
are parsed here rather than by argparse so that even "--dpi abc" gives that one line instead
of argparse's usage block.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from y90gui.figures.settings import FigureSettingsError, RenderSettings, format_of

KINDS = ("km", "swimmer", "waterfall", "labs", "forest")
ENDPOINTS = ("os", "pfs")
CI_METHODS = ("log-log", "log", "plain")
TIME_UNITS = ("years", "months")
LAB_SCALES = ("auto", "uln", "value")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=KINDS, help="which figure")
    p.add_argument("--db", required=True, help="the .y90 case series")
    p.add_argument("--out", required=True, help="the file to write: .png, .tiff, .svg or .pdf")
    p.add_argument("--width-mm", default="170", help="width in mm, 40-400 (default 170: two columns; 85: one)")
    p.add_argument("--height-mm", default="120", help="height in mm, 30-400 (default 120)")
    p.add_argument("--dpi", default="300", help="resolution of PNG/TIFF, 72-1200 (default 300)")
    p.add_argument("--font-pt", default="8", help="font size in points, 5-24 (default 8; nothing is drawn below 6)")
    p.add_argument("--grey", action="store_true", help="greyscale (strata told apart by line style)")
    p.add_argument("--strata", help="km: a categorical field to stratify by (e.g. center, extent, who_grade)")
    p.add_argument("--test", help="labs: the laboratory test (e.g. alt, bilirubin, platelets)")
    p.add_argument("--time-unit", default="years", help="km, swimmer: years (default) or months")
    p.add_argument("--ci-method", default="log-log", help="km: log-log (default), log or plain")
    p.add_argument("--lab-scale", default="auto", help="labs: auto (x ULN where CTCAE grades by the ULN), uln or value")
    p.add_argument("--covariates", help="forest: the Cox model's covariates, NAME[,NAME...] (as analyse cox)")
    p.add_argument("--endpoint", default="os", help="forest: os (default) or pfs")


def _number(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FigureSettingsError(option, f"{text!r} is not a number") from None
    return value


def _choice(value: str, option: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise FigureSettingsError(option, f"{value!r} is not one of {', '.join(choices)}")
    return value


def check_arguments(args: argparse.Namespace) -> RenderSettings:
    """Every option checked against its range or list; raises FigureSettingsError naming it."""
    from y90gui.analysis.strata import STRATA_FIELDS
    from y90gui.core.codes import LAB_TEST

    settings = RenderSettings(width_mm=_number(args.width_mm, "--width-mm"),
                              height_mm=_number(args.height_mm, "--height-mm"),
                              dpi=_number(args.dpi, "--dpi"), font_pt=_number(args.font_pt, "--font-pt"),
                              grey=bool(args.grey)).check()
    format_of(args.out)
    out = Path(args.out)
    if out.is_dir() or not out.parent.exists():
        raise FigureSettingsError("--out", f"{out}: give a file name in an existing folder")
    _choice(args.time_unit, "--time-unit", TIME_UNITS)
    _choice(args.ci_method, "--ci-method", CI_METHODS)
    _choice(args.lab_scale, "--lab-scale", LAB_SCALES)
    if args.strata is not None and args.strata not in STRATA_FIELDS:
        raise FigureSettingsError("--strata",
                                  f"unknown field {args.strata!r}; fields: {', '.join(sorted(STRATA_FIELDS))}")
    if args.kind == "forest":
        from y90gui.analysis.cox import CoxError, parse_covariates

        _choice(args.endpoint, "--endpoint", ENDPOINTS)
        try:
            parse_covariates(args.covariates or "")
        except CoxError as exc:
            raise FigureSettingsError("--covariates", str(exc)) from None
    if args.kind == "labs":
        if args.test is None:
            raise FigureSettingsError("--test", f"the labs figure needs a test: {', '.join(LAB_TEST)}")
        if args.test not in LAB_TEST:
            raise FigureSettingsError("--test", f"unknown test {args.test!r}; tests: {', '.join(LAB_TEST)}")
    return settings


def describe(kind: str, fr: Any, args: argparse.Namespace) -> Any:
    """The description(s) of `kind` from the frames (a list for the swimmer's pages)."""
    if kind == "km":
        from y90gui.figures.km import km_description

        return km_description(fr, strata=args.strata, ci_method=args.ci_method, time_unit=args.time_unit)
    if kind == "swimmer":
        from y90gui.figures.swimmer import swimmer_descriptions

        return swimmer_descriptions(fr, time_unit=args.time_unit)
    if kind == "waterfall":
        from y90gui.figures.waterfall import waterfall_description

        return waterfall_description(fr)
    if kind == "forest":
        from y90gui.analysis.cox import cox_analysis
        from y90gui.figures.forest import forest_description

        return forest_description(cox_analysis(fr, args.covariates, args.endpoint))
    from y90gui.figures.labcourse import labs_description

    return labs_description(fr, args.test, scale=args.lab_scale)


def figure_command(args: argparse.Namespace, read: Callable[[], tuple[Any, str]]) -> int:
    """`figure` on any back end (a file here, a registry in `registry.commands.cmd_figure`): every
    setting and the target checked first, a bad one one line and exit 2 with nothing read or
    written; then `read()` gives the frames and the database's name for the figure's metadata."""
    try:
        settings = check_arguments(args)
    except FigureSettingsError as exc:
        print(f"y90gui figure: error: {exc}", file=sys.stderr)
        return 2
    fr, database = read()
    return write_figure_of(fr, args, settings, database)


def cmd_figure(args: argparse.Namespace) -> int:
    from y90gui.analysis.frames import from_store
    from y90gui.store.store import Store

    def read() -> tuple[Any, str]:
        with Store.open(args.db, read_only=True) as store:
            return from_store(store), Path(args.db).name

    return figure_command(args, read)


def write_figure_of(fr: Any, args: argparse.Namespace, settings: Any, database: str) -> int:
    """The figure of these frames (a file's or a registry's: `registry.commands.cmd_figure`)."""
    from y90gui.figures.render import write_figure

    desc = describe(args.kind, fr, args)
    extra = {"database": database, "strata": args.strata, "test": args.test,
             "time_unit": args.time_unit, "ci_method": args.ci_method}
    if args.kind == "forest":
        extra.update(covariates=args.covariates, endpoint=args.endpoint)
    for path in write_figure(desc, args.out, settings, extra=extra):
        print(f"wrote {path}")
    return 0
