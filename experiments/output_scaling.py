"""output scaling: see adkit/study/experiments/output_scaling.py. Usage:

    python experiments/output_scaling.py [--quick] [--out DIR] [--fresh]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
from adkit.study.experiments import main  # noqa: E402

if __name__ == "__main__":
    main("output_scaling")
