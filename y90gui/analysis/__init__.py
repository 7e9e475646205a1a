"""The study report, GUI-free: CTCAE grading, RECIST, toxicity windows, survival, report files.

Modules (heavy libraries are imported inside the functions that need them):
`ctcae` (grading engine over the criteria table in data/), `units` (conversion factors),
`frames` (CaseData or SQL -> pandas frames), `toxicity`, `recist`, `survival` (KM with R's rules,
log-rank), `strata`, `report` (the JSON object of spec/report.md), `report_workbook` and
`km_figure` (the report file), `commands` (`y90gui report`).
"""
