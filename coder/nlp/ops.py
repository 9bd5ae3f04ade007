"""Thinc CPU ops whose matrix products go through numpy's BLAS instead of bundled BLIS.

The BLIS wheel falls back to its portable 'generic' kernels on some CPUs (seen on AMD
EPYC VMs: ~5 GFLOP/s against ~25 for OpenBLAS), which makes the CNN encoder several
times slower. Everything else is inherited from thinc's NumpyOps.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy
from thinc.api import NumpyOps, get_current_ops, set_current_ops


class NumpyBlasOps(NumpyOps):
    """NumpyOps with ``gemm`` done by ``numpy.matmul`` (OpenBLAS/MKL, multi-arch)."""

    name = "coder_numpy_blas"

    def gemm(
        self,
        x: Any,
        y: Any,
        out: Any | None = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> Any:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        numpy.matmul(a, b, out=out)
        return out


@contextmanager
def fast_cpu_ops() -> Iterator[None]:
    """Build thinc models inside this block with NumpyBlasOps (CPU only; GPU untouched)."""
    previous = get_current_ops()
    if type(previous) is not NumpyOps:
        yield
        return
    set_current_ops(NumpyBlasOps())
    try:
        yield
    finally:
        set_current_ops(previous)


_M_TRIM_THRESHOLD = -1  # glibc <malloc.h>
_M_MMAP_THRESHOLD = -3
_TUNED: list[bool] = []


def tune_allocator(mmap_threshold: int = 64 << 20, trim_threshold: int = 256 << 20) -> bool:
    """Keep the network's scratch arrays on the heap (glibc only; once per process).

    By default glibc serves allocations above a moving threshold with fresh mmap()s and
    returns freed memory to the system, so every batch of the CNN page-faults its arrays in
    again; when the tagger's own work runs between batches this made parsing up to a third
    slower (bench/bench_tagging.py). Fixed thresholds let freed arrays be reused. The cost is
    that the process keeps its peak heap. Returns whether the setting was applied.
    """
    if _TUNED:
        return _TUNED[0]
    ok = False
    import sys

    if sys.platform.startswith("linux"):
        import ctypes
        import ctypes.util

        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            mallopt = libc.mallopt
        except (OSError, AttributeError):
            mallopt = None  # not glibc (musl has no mallopt)
        if mallopt is not None:
            ok = bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
                mallopt(_M_TRIM_THRESHOLD, trim_threshold)
            )
    _TUNED.append(ok)
    return ok
