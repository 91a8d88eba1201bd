"""Steady timings at big sizes: glibc's malloc thresholds pinned for the process.

glibc adapts its trim threshold to the biggest block freed so far (twice it, once such a
block was mmapped). A call that frees two or more big temporaries together then hands
their pages back to the system, and the next call page-faults on fresh memory: an
n = 10^5 elementwise gradient, numpy's by hand or adkit's, costs 1.5x or 6x its loss
depending on what ran before it. Pinned thresholds keep freed memory for reuse, for
numpy and adkit alike, so a timing measures arithmetic and overhead, not the allocator's
history. The benchmarks and `adkit run` pin them; the results' metadata says whether.

    export MALLOC_TRIM_THRESHOLD_=268435456 MALLOC_MMAP_THRESHOLD_=33554432

does the same for any Python process (glibc reads these at start-up).
"""
from __future__ import annotations

import ctypes
import functools
import os
import platform

TRIM_THRESHOLD = 256 << 20  # bytes of free memory kept at the heap's top
MMAP_THRESHOLD = 32 << 20  # glibc's largest: blocks below this come from the heap
ENV = {"MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD),
       "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD)}
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers
_pinned = False


def pin() -> bool:
    """Pin this process's thresholds (glibc's mallopt), and ask the same of the processes
    it starts (ENV, where not set already). False where there is no glibc.

    >>> allocator.ENV["MALLOC_MMAP_THRESHOLD_"]   # what pin() sets for child processes
    '33554432'
    """
    global _pinned
    for var, value in ENV.items():
        os.environ.setdefault(var, value)
    if not glibc():
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    _pinned = (mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
               and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
    return _pinned


def pinned() -> bool:
    """Whether this process runs with the thresholds pinned (by pin() or by ENV given
    at start-up)."""
    return _pinned or (glibc() and all(os.environ.get(var) == value
                                       for var, value in ENV.items()))


@functools.cache
def glibc() -> bool:
    """Whether this Python runs on glibc (the only C library these settings concern)."""
    return platform.libc_ver()[0] == "glibc"
