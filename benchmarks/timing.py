"""Shared timing helper of the benchmark scripts."""

from __future__ import annotations

import statistics
import time


def median_ms(fn, repeat: int) -> tuple[float, object]:
    """Median wall time of ``fn()`` over ``repeat`` runs, in ms, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result
