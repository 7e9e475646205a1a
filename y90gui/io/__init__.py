"""Excel round trips of the case-series workbook format (spec/workbook.md, version 1).

- `template.write_template` - the empty workbook a centre fills in;
- `exporter.write_workbook` / `export_store` - typed, formula-free, atomic export (optionally
  de-identified by `deidentify`);
- `importer.prepare_import` / `apply_import` - validate everything and preview, then write all
  or nothing; `guard` (file safety), `reader` (calamine), `parse` (cells -> values via
  `core.validate`) and `diff` (the change preview) do the steps;
- `layout` - sheets, README and `_meta` from `core.sheets`, written by `core.xlsxwrite`;
- `commands` - `y90gui template | import | export`.

Nothing here imports Qt. python-calamine reads and the package's own writer writes; openpyxl
is used only to read a sheet that calamine refuses as a whole (see `reader`).
"""
