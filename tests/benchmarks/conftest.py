"""The benchmarks run with glibc's malloc thresholds pinned, so every path is timed by
its own arithmetic and overhead, not by the allocator's history.

glibc adapts its trim threshold to the biggest block freed so far (twice it, once such
a block was mmapped): a call that frees two or more big temporaries together then hands
their pages back, and the next call page-faults on fresh memory. Whether a path lands in
that regime depends on what ran before it, so a hand-written numpy gradient can cost 1.6x
or 6x its loss from one run to the next. Pinned thresholds (what MALLOC_TRIM_THRESHOLD_
and MALLOC_MMAP_THRESHOLD_ set from the environment) keep freed memory for reuse for
numpy and adkit alike. Elsewhere (not glibc) nothing changes; the machine info of a
--benchmark-json file records which.
"""
import ctypes
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


def pin_allocator() -> bool:
    """Set glibc's mmap threshold to its maximum (32 MiB) and trim threshold to 256 MiB;
    False where there is no glibc mallopt."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 and mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1


PINNED = pin_allocator()


def pytest_benchmark_update_machine_info(config, machine_info):
    machine_info["glibc_malloc_pinned"] = PINNED
