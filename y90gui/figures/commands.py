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
#: The Cox model's endpoints (`analysis.cox.ENDPOINTS`), the forest plot's choices.
ENDPOINTS = ("os", "pfs")
#: The Kaplan-Meier figure's: the registered endpoints and the landmark OS by 3-month response
#: (spec/analysis.md's `"os_landmark_3m"`), the choices of the window's KM view.
KM_ENDPOINTS = ("os", "pfs", "os_landmark_3m")
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
    p.add_argument("--strata", help="km: a categorical field to stratify by (e.g. center, extent, who_grade, "
                   "recist_3m)")
    p.add_argument("--test", help="labs: the laboratory test (e.g. alt, bilirubin, platelets)")
    p.add_argument("--time-unit", default="years", help="km, swimmer: years (default) or months")
    p.add_argument("--ci-method", default="log-log", help="km: log-log (default), log or plain")
    p.add_argument("--lab-scale", default="auto", help="labs: auto (x ULN where CTCAE grades by the ULN), uln or value")
    p.add_argument("--covariates", help="forest: the Cox model's covariates, NAME[,NAME...] (as analyse cox)")
    p.add_argument("--endpoint", default="os", help="km: os (default), pfs or os_landmark_3m (OS from day 90 by "
                   "3-month response); forest: os or pfs")
    p.add_argument("--cohort", metavar="NAME", help="draw a named cohort saved in the file (its patients when "
                   "saved); the file's metadata and caption name it")


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
    from y90gui.analysis.strata import DERIVED_FIELDS, STRATA_FIELDS
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
    fields = sorted({*STRATA_FIELDS, *DERIVED_FIELDS})  # the window's KM view offers recist_3m too
    if args.strata is not None and args.strata not in fields:
        raise FigureSettingsError("--strata", f"unknown field {args.strata!r}; fields: {', '.join(fields)}")
    if args.kind == "km":
        from y90gui.figures.km import LANDMARK

        _choice(args.endpoint, "--endpoint", KM_ENDPOINTS)
        if args.endpoint == LANDMARK and args.strata is not None:
            raise FigureSettingsError("--strata", f"{LANDMARK} is stratified by the 3-month response already")
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

        return km_description(fr, strata=args.strata, ci_method=args.ci_method, time_unit=args.time_unit,
                              endpoint=args.endpoint)
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


def figure_command(args: argparse.Namespace,
                   read: Callable[[], tuple[Any, str, str | None]]) -> int:
    """`figure` on any back end (a file here, a registry in `registry.commands.cmd_figure`): every
    setting and the target checked first, a bad one one line and exit 2 with nothing read or
    written; then `read()` gives the frames, the database's name for the figure's metadata and
    the named cohort's sentence (None: every patient the frames hold)."""
    try:
        settings = check_arguments(args)
    except FigureSettingsError as exc:
        print(f"y90gui figure: error: {exc}", file=sys.stderr)
        return 2
    fr, database, cohort = read()
    return write_figure_of(fr, args, settings, database, cohort=cohort)


def read_cohort_frames(store: Any, args: argparse.Namespace) -> tuple[Any, str | None]:
    """The frames of `--cohort NAME`'s patients (all without it) and the cohort's sentence, by the
    report's rule and errors (`analysis.commands._saved_cohort`), on a file or a registry."""
    from y90gui.analysis.cohort_label import cohort_label
    from y90gui.analysis.commands import _saved_cohort
    from y90gui.analysis.frames import from_store

    ids, key = _saved_cohort(store, getattr(args, "cohort", None))
    return from_store(store, ids), None if key is None else cohort_label(key)


def cmd_figure(args: argparse.Namespace) -> int:
    from y90gui.store.store import Store

    def read() -> tuple[Any, str, str | None]:
        with Store.open(args.db, read_only=True) as store:
            fr, cohort = read_cohort_frames(store, args)
        return fr, Path(args.db).name, cohort

    return figure_command(args, read)


def write_figure_of(fr: Any, args: argparse.Namespace, settings: Any, database: str, *,
                    cohort: str | None = None) -> int:
    """The figure of these frames (a file's or a registry's: `registry.commands.cmd_figure`).
    `cohort`: the named cohort's sentence; None: every patient the frames hold."""
    from y90gui.analysis.cohort_label import cohort_key, cohort_label
    from y90gui.figures.render import write_figure

    if cohort is None:
        n = len(fr.patients)
        cohort = cohort_label(cohort_key(None, "all patients", n, n))
    desc = describe(args.kind, fr, args)
    extra = {"database": database, "strata": args.strata, "test": args.test,
             "time_unit": args.time_unit, "ci_method": args.ci_method}
    if args.kind in ("km", "forest"):
        extra["endpoint"] = args.endpoint
    if args.kind == "forest":
        extra["covariates"] = args.covariates
    for path in write_figure(desc, args.out, settings, extra=extra, cohort=cohort):
        print(f"wrote {path}")
    return 0
