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
