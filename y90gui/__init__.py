"""y90gui: review and analysis of Y-90 radioembolization case series after PRRT."""

__version__ = "0.1.0"
#: Version of the case-series workbook format (shared spec/workbook.md) this app reads and writes.
WORKBOOK_FORMAT_VERSION = 1
CTCAE_VERSION = "4.03"
APP_NAME = "y90gui"
