"""crossover: see adkit/study/experiments/crossover.py. Usage:

    python experiments/crossover.py [--quick] [--out DIR] [--fresh]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
from adkit.study.experiments import main  # noqa: E402

if __name__ == "__main__":
    main("crossover")
