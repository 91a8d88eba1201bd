"""replay: see adkit/study/experiments/replay.py. Usage:

    python experiments/replay.py [--quick] [--out DIR] [--fresh]
"""
import os
import sys
from pathlib import Path

if __name__ == "__main__":  # numpy on one thread (as peers.py): set before it starts its pool
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
from adkit.study.experiments import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main("replay"))
