"""peers: see adkit/study/experiments/peers.py. Usage:

    python experiments/peers.py [--quick] [--out DIR] [--fresh]
"""
import os
import sys
from pathlib import Path

if __name__ == "__main__":  # one thread per library, set before numpy starts its pool
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
from adkit.study.experiments import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main("peers"))
