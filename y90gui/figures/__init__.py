"""Publication figures: one description per figure (plain data), drawn by matplotlib for files."""
