"""cheap gradient: see adkit/study/experiments/cheap_gradient.py. Usage:

    python experiments/cheap_gradient.py [--quick] [--out DIR] [--fresh]
"""
import _launch  # first: numpy on one thread, adkit from this checkout

if __name__ == "__main__":
    _launch.experiment("cheap_gradient")
