"""`python -m adkit ...`: the same as the `adkit` command."""
import sys

from .cli import main

sys.exit(main())
