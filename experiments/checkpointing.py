"""checkpointing: see adkit/study/experiments/checkpointing.py. Usage:

    python experiments/checkpointing.py [--quick] [--out DIR] [--fresh]
"""
import _launch  # first: numpy on one thread, adkit from this checkout

if __name__ == "__main__":
    _launch.experiment("checkpointing")
