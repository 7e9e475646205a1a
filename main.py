"""Start y90gui: `python main.py [FILE.y90]` opens the window, `python main.py COMMAND ...` runs a command."""

import sys

from y90gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
