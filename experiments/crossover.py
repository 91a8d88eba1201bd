"""crossover: see adkit/study/experiments/crossover.py. Usage:

    python experiments/crossover.py [--quick] [--out DIR] [--fresh]
"""
import _launch  # first: numpy on one thread, adkit from this checkout

if __name__ == "__main__":
    _launch.experiment("crossover")
