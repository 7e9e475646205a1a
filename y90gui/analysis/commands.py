"""`y90gui report`: the study report as JSON on stdout and/or as a workbook; `y90gui analyse cox`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.core.errors import Y90Error

if TYPE_CHECKING:
    from y90gui.store.backend import CaseSeries


def cmd_report(args: argparse.Namespace) -> int:
    from y90gui.store.store import Store

    out, documents = report_targets(args)
    with Store.open(args.db, read_only=True) as store:
        return report_on(store, args, out, documents)


def report_targets(args: argparse.Namespace) -> tuple[Path | None, dict[str, Path]]:
    """The workbook and documents asked for, each checked before anything is read."""
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.is_dir():
            raise Y90Error(f"{out} is a folder: give the name of the .xlsx file to write")
        if not out.parent.exists():
            raise Y90Error(f"folder {out.parent} does not exist")
        if out.suffix.lower() != ".xlsx":
            raise Y90Error(f"{out.name}: the report file must end in .xlsx")
    return out, _document_targets(args)


def report_on(store: CaseSeries, args: argparse.Namespace, out: Path | None, documents: dict[str, Path]) -> int:
    """`report` on an open case series, file or registry (the registry's command calls this too).

    The store is read once (`frames.from_store`): the report, the workbook and the documents are
    all computed from those frames, so a document costs its drawing, not a second read."""
    from y90gui.analysis.frames import from_store
    from y90gui.analysis.prepared_report import lab_tables_once
    from y90gui.analysis.recist import judged_once
    from y90gui.analysis.report import compute_from_frames

    ids, cohort = _saved_cohort(store, getattr(args, "cohort", None))
    frames = from_store(store, ids)
    # the report's lab grades and judged assessments are the workbook's: computed once
    with lab_tables_once(), judged_once():
        report = compute_from_frames(frames, ci_method=args.ci_method, basis=args.basis)
        if cohort is not None:
            report["cohort"] = cohort  # extension key (docs/FORMAT-EXTENSIONS.md)
        if out is not None:
            from y90gui.analysis.report_workbook import write_report_workbook

            write_report_workbook(report, frames, out)
        written = _write_documents(documents, store, report, frames)
    for path in written:
        print(f"wrote the report document to {path}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        json.dump(report, sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    elif out is None and not documents:
        _print_summary(report)
    if out is not None:
        print(f"wrote the report to {out}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _print_summary(r: dict[str, Any]) -> None:
    def f(x: dict[str, Any]) -> str:
        return f"{x['n']}/{x['N']} ({'-' if x['pct'] is None else x['pct']} %)"

    rc, os_ = r["recist_3m"], r["os"]
    lo, hi = os_["ci95_years"]

    def fmt(v: float | None) -> str:
        return "NR" if v is None else f"{v:.1f}"

    lines = [
        f"patients {r['patients']}, procedures {r['procedures']}, whole liver {f(r['whole_liver'])}",
        f"PRRT -> RE median {r['prrt_to_re_days']['median']} days (N {r['prrt_to_re_days']['N']})",
        f"RECIST 3 m: CR {rc['CR']}, PR {rc['PR']}, SD {rc['SD']}, PD {rc['PD']}, NE {rc['NE']}, "
        f"not assessed {rc['not_assessed']}; ORR {f(rc['orr'])}, DCR {f(rc['dcr'])}",
        f"clinical response 3 m {f(r['clinical_response_3m'])}",
        f"clinical toxicity 3 m {f(r['clinical_toxicity_3m'])} {r['clinical_toxicity_3m']['basis']}",
        f"complications {f(r['complications'])}; REILD {f(r['reild']['any'])}, fatal {f(r['reild']['fatal'])}",
        "lab grade 3-4: " + ", ".join(f"{t} {f(v['grade3_4'])}" for t, v in r["lab_toxicity"]["tests"].items()),
        f"OS: {os_['N']} patients, {os_['events']} deaths, median {fmt(os_['median_years'])} years "
        f"(95% CI {fmt(lo)}-{fmt(hi)}, {os_['ci_method']})",
        *_endpoint_lines(r, fmt),
    ]
    print("\n".join(lines))


def _endpoint_lines(r: dict[str, Any], fmt: Any) -> list[str]:
    """PFS, SPSS's medians and the landmark for the text summary."""
    pfs, lm = r["pfs"], r["os_landmark_3m"]

    def spss(block: dict[str, Any]) -> str:
        sp = block["spss_median"]
        return f"SPSS median {fmt(sp['median_years'])} ({fmt(sp['ci95_years'][0])}-{fmt(sp['ci95_years'][1])})"

    lo, hi = pfs["ci95_years"]
    groups = "; ".join(f"{name.replace('_', '-')} {g['N']} (median {fmt(g['median_years'])} years)"
                       for name, g in lm["groups"].items())
    p = lm["logrank"]["p"]
    return [
        f"OS {spss(r['os'])}",
        f"PFS: {pfs['events']} progressions or deaths of {pfs['N']}, median {fmt(pfs['median_years'])} years "
        f"(95% CI {fmt(lo)}-{fmt(hi)}); {spss(pfs)}",
        f"OS from day {lm['landmark_days']} by 3-month response: {groups}; log-rank p "
        f"{'-' if p is None else f'{p:.3f}'}; left out {lm['excluded']['not_alive_at_landmark']} not alive at the "
        f"landmark, {lm['excluded']['not_evaluable']} not evaluable",
    ]


def cmd_analyse(args: argparse.Namespace) -> int:
    """`y90gui analyse cox`: the y90gui-cox/1 JSON, or a table to read."""
    from y90gui.analysis.cox import cox_for_store, parse_covariates
    from y90gui.store.store import Store

    names = parse_covariates(args.covariates)  # before opening the file: a typo is named first
    with Store.open(args.db, read_only=True) as store:
        result = cox_for_store(store, names, args.endpoint)
    return print_cox(result, args)


def print_cox(result: Any, args: argparse.Namespace) -> int:
    """The Cox result as JSON or text (a file's or a registry's: `registry.commands.cmd_analyse`)."""
    if args.json:
        json.dump(result.to_json(), sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(cox_text(result.to_json()))
    return 0


def cox_text(res: dict[str, Any]) -> str:
    """The univariable and multivariable tables as aligned text (HR, 95 % CI, p, N, events)."""
    from y90gui.analysis.cox import term_label

    models = [*res["univariable"], res["multivariable"]]
    width = max([40] + [len(term_label(t["covariate"], t["level"], t["reference"]))
                        for m in models for t in m["terms"]])

    def rows(model: dict[str, Any]) -> list[str]:
        out = []
        for t in model["terms"]:
            name = term_label(t["covariate"], t["level"], t["reference"])
            lo, hi = t["ci95"]
            out.append(f"  {name:<{width}} {t['hr']:>8.3f}  {lo:>8.3f}-{hi:<8.3f} {_p(t['p']):>8}")
        lr = model["lr_test"]
        out.append(f"  N {model['N']}, events {model['events']}, excluded for missing {model['excluded_missing']}; "
                   f"LR test chi2 {lr['chi2']:.3f} (df {lr['df']}), p {_p(lr['p'])}; "
                   f"concordance {model['concordance']:.3f}")
        return out

    header = f"  {'term':<{width}} {'HR':>8}  {'95% CI':^17} {'p':>8}"
    endpoint = {"os": "overall survival", "pfs": "progression-free survival"}[res["endpoint"]]
    lines = [f"Cox proportional hazards, {endpoint} (Efron ties)", "", "Univariable", header]
    for m in res["univariable"]:
        lines += rows(m)
    lines += ["", "Multivariable", header, *rows(res["multivariable"])]
    return "\n".join(lines)


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"

def _document_targets(args: argparse.Namespace) -> dict[str, Path]:
    """{"docx": path, "pdf": path} asked for, each checked before any work is done."""
    targets = {}
    for kind in ("docx", "pdf"):
        name = getattr(args, kind, None)
        if not name:
            continue
        path = Path(name)
        if path.is_dir():
            raise Y90Error(f"{path} is a folder: give the name of the .{kind} file to write")
        if not path.parent.exists():
            raise Y90Error(f"folder {path.parent} does not exist")
        if path.suffix.lower() != f".{kind}":
            raise Y90Error(f"{path.name}: the --{kind} file must end in .{kind}")
        targets[kind] = path
    return targets


def _saved_cohort(store: Any, name: str | None) -> tuple[list[str] | None, dict[str, Any] | None]:
    """`--cohort NAME`: the patients saved with that named cohort (None: all) and the report's
    `cohort` key; a name the file does not hold is one line naming the saved ones."""
    if not name:
        return None, None
    from y90gui.analysis.cohort_label import cohort_key

    if getattr(store, "path", None) is not None and store.schema_version < 3:
        raise Y90Error(f"{Path(store.path).name} has no saved cohorts (file format {store.schema_version})")
    cohorts = store.saved_cohorts()  # a file's or a registry's (its patients as this login sees them)
    wanted = " ".join(str(name).split()).casefold()
    found = next((c for c in cohorts if c.name.casefold() == wanted), None)
    if found is None:
        names = ", ".join(f"“{c.name}”" for c in cohorts) or "none"
        raise Y90Error(f"no cohort named “{name}” in {store.name} (saved: {names})")
    total = int(store.counts()["patients"])
    ids = None if found.patient_ids is None else list(found.patient_ids)
    return ids, cohort_key(found.name, found.description, total if ids is None else len(ids), total)


def _write_documents(targets: dict[str, Path], store: Any, report: dict[str, Any], frames: Any) -> list[Path]:
    """The report document (one content model) as .docx and/or .pdf, from the frames the report
    was computed from."""
    if not targets:
        return []
    from y90gui.analysis.cohort_label import cohort_label
    from y90gui.documents.model import document_for_store

    cohort = cohort_label(report["cohort"]) if isinstance(report.get("cohort"), dict) else "all patients"
    document = document_for_store(store, report, frames=frames, cohort=cohort)
    written = []
    if "docx" in targets:
        from y90gui.documents.docx import write_docx

        written.append(write_docx(document, targets["docx"]))
    if "pdf" in targets:
        from y90gui.documents.pdf import write_pdf

        written.append(write_pdf(document, targets["pdf"]))
    return written
