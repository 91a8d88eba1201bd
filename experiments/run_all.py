"""Run every experiment, then write the charts and the report (same as `adkit run`).

    python experiments/run_all.py [--quick] [--out DIR] [--fresh]

--quick runs small grids (a few minutes on 2 cores). Results go to experiments/results/,
charts to experiments/figures/ and the report to experiments/REPORT.md.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
from adkit.study.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["run"] + sys.argv[1:]))
