"""Application services: what the review window does, without Qt (between analysis/io/store and ui).

The window's work that needs no widget lives here, under mypy --strict and the no-Qt test: the
case series in memory with its analysis frames derived once per load (`cohort`), the filter as
data (`cohort_view`), the checks an edit goes through (`edit_rules`) and the report as HTML
(`report_html`). `y90gui.ui` only runs these on workers and draws their results.
"""
