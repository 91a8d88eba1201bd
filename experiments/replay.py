"""replay: see adkit/study/experiments/replay.py. Usage:

    python experiments/replay.py [--quick] [--out DIR] [--fresh]
"""
import _launch  # first: numpy on one thread, adkit from this checkout

if __name__ == "__main__":
    _launch.experiment("replay")
