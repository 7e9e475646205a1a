"""The main window's controllers, composed (not mixed in): each an object with its own state.

`FileController` (file commands, message boxes, title and read-only banner), `PatientController`
(the table's filter as a `CohortView`, the shown patient, debounced), `BackgroundController` (work
after the first paint: plot pages, the case series on a worker). Each gets the `Session` and the
widgets it drives; none imports `main_window`.
"""
