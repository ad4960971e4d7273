"""`python -m pyhh` is the `pyhh` command line."""

from .cli import main

raise SystemExit(main())
