"""How long ``youzhi template`` takes to write a workbook (target: ≤ 0.3 s per workbook).

Run: ``.venv/bin/python benchmarks/template.py [repeats]``. Prints the median and worst wall time per
workbook for the committed templates, a template with many branch sub-plans, and the filled example.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import make_example

from youzhi.model import School
from youzhi.template import write_template

CASES = {
    "senior-high 114 (A–D, 8 y-1 sheets)": dict(programme_id="senior-high", academic_year=114),
    "vocational 115 (一–五, 10 y-1 sheets)": dict(programme_id="vocational", academic_year=115),
    "senior-high 115, 12 codes (24 y-1 sheets)": dict(
        programme_id="senior-high",
        academic_year=115,
        codes=[f"{b}-{i}" for b in "ABCD" for i in (1, 2, 3)],
        school=School("示範高中", "縣市立", "新竹縣"),
    ),
    "example 示範高中 114, 60 lines filled": dict(
        programme_id="senior-high",
        academic_year=114,
        codes=["A-1", "A-2", "B", "C", "D"],
        school=School("示範高中", "縣市立", "新竹縣"),
        fill=make_example.fill(),
    ),
}


def main(repeats: int = 10) -> int:
    worst_median = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for label, kwargs in CASES.items():
            times = []
            for i in range(repeats):
                started = time.perf_counter()
                write_template(Path(tmp) / f"b{i}.xlsx", **kwargs)
                times.append(time.perf_counter() - started)
            median = statistics.median(times)
            worst_median = max(worst_median, median)
            size = (Path(tmp) / "b0.xlsx").stat().st_size
            print(
                f"{label:45s} median {median:.3f} s  max {max(times):.3f} s  ({size // 1024} KB, n={repeats})"
            )
    verdict = "OK" if worst_median <= 0.3 else "SLOWER THAN TARGET"
    print(f"worst median {worst_median:.3f} s per workbook; target 0.300 s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
