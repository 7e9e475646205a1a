from y90gui.cli import main

raise SystemExit(main())
