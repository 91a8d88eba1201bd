"""peers: see adkit/study/experiments/peers.py. Usage:

    python experiments/peers.py [--quick] [--out DIR] [--fresh]
"""
import _launch  # first: numpy on one thread, adkit from this checkout

if __name__ == "__main__":
    _launch.experiment("peers")
