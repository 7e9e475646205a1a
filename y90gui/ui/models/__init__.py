"""Qt item models: thin adapters over store query results (raw value in SORT_ROLE, text for display)."""
