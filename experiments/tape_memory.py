"""tape memory: see adkit/study/experiments/tape_memory.py. Usage:

    python experiments/tape_memory.py [--quick] [--out DIR] [--fresh]
"""
import _launch  # first: numpy on one thread, adkit from this checkout

if __name__ == "__main__":
    _launch.experiment("tape_memory")
