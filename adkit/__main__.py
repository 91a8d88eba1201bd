"""`python -m adkit ...`: the same as the `adkit` command (adkit.study.cli)."""
import sys

if __name__ == "__main__":
    from adkit.study.cli import main

    sys.exit(main())
