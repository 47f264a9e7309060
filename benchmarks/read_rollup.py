"""Time to read one workbook and roll it up (`youzhi.reader` + `youzhi.rollup`), per file and phase.

    .venv/bin/python benchmarks/read_rollup.py [--repeat 200] [--engine calamine|openpyxl]

Writes the official-style fixture and every school-style variant of ``tests/officialish.py`` (8–12
y-1 sheets plus y-2/y-3/y-4) to a temporary folder, then for each file times, as the median of
``--repeat`` runs: loading the grids (file safety check included), finding the blocks and building the
Budget, and the roll-up (``rollup.summary``: y-2, y-3, y-4, match, JSON object).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from officialish import VARIANTS, variant_workbook
from timing import median_ms  # benchmarks/timing.py (this folder is on sys.path)

from youzhi import rollup
from youzhi.reader import read_grids
from youzhi.sheets import load_grids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--engine", choices=("calamine", "openpyxl"), default="calamine")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files = {name: variant_workbook(name, folder) for name in VARIANTS}
        print(f"engine={args.engine} repeat={args.repeat} (median ms per workbook)")
        print(
            f"{'workbook':28} {'sheets':>6} {'lines':>5} {'load':>7} {'read':>7} {'rollup':>7} {'total':>7}"
        )
        totals = []
        for name, path in files.items():
            load_ms, grids = median_ms(lambda p=path: load_grids(p, args.engine), args.repeat)
            read_ms, budget = median_ms(lambda g=grids: read_grids(g), args.repeat)
            roll_ms, _ = median_ms(lambda b=budget: rollup.summary(b), args.repeat)
            total = load_ms + read_ms + roll_ms
            totals.append(total)
            print(
                f"{name:28} {len(grids.sheets):>6} {len(budget.lines):>5} "
                f"{load_ms:7.2f} {read_ms:7.2f} {roll_ms:7.2f} {total:7.2f}"
            )
        mean = statistics.mean(totals)
        print(
            f"mean read + roll-up: {mean:.2f} ms per workbook (≈ {1000 / mean:.0f} workbooks/s on one core)"
        )


if __name__ == "__main__":
    main()
