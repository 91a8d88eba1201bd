"""loss scaling: see adkit/study/experiments/loss_scaling.py. Usage:

    python experiments/loss_scaling.py [--quick] [--out DIR] [--fresh]
"""
import _launch  # first: numpy on one thread, adkit from this checkout

if __name__ == "__main__":
    _launch.experiment("loss_scaling")
