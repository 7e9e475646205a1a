"""The shared registry: a case series in PostgreSQL for several centres (spec/registry.md).

Nothing here is imported when a `.y90` file is opened; psycopg is imported only inside the
functions that connect (`registry.connect`), so the file path keeps its start-up budget.
"""
