"""Time to check one workbook (`validators.check`), the target being ≤ 100 ms for 12 sheets × 40 lines.

    .venv/bin/python benchmarks/check.py [--repeat 100] [--engine calamine|openpyxl]

Writes an official-style workbook (tests/officialish.py) with 12 y-1 sheets (A, A-1, B, B-1, C, D ×
two semesters) of 40 lines each — every line rule represented, a share of them breaking a rule —
plus y-2/y-3/y-4, and prints the median time of: loading the grids, reading the Budget, checking
the budget alone, checking with the grids (summary cells located), and the whole `youzhi check`
path (load + read + check), with the number of findings.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from officialish import official_workbook
from test_rule_lines import SENIOR_BAD, SENIOR_CLEAN_FIRST
from timing import median_ms  # benchmarks/timing.py (this folder is on sys.path)

import validators
from youzhi.calendar import Semester
from youzhi.model import School
from youzhi.reader import read_grids
from youzhi.sheets import load_grids

CODES = ("A", "A-1", "B", "B-1", "C", "D")
LINES_PER_SHEET = 40


def blocks() -> dict:
    pool = [dict(line) for line in SENIOR_CLEAN_FIRST] + [dict(line) for line, _, _ in SENIOR_BAD]
    out = {}
    for i, code in enumerate(CODES):
        for semester in Semester:
            start = (i * 2 + semester) * 7
            out[(code, semester)] = [dict(pool[(start + k) % len(pool)]) for k in range(LINES_PER_SHEET)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--engine", choices=("calamine", "openpyxl"), default="calamine")
    args = parser.parse_args()
    school = School("臺北市立○○高級中學", "直轄市立", "臺北市")
    with tempfile.TemporaryDirectory() as folder:
        path = official_workbook(Path(folder) / "bench.xlsx", academic_year=112, blocks=blocks())
        load_ms, grids = median_ms(lambda: load_grids(path, args.engine), args.repeat)
        read_ms, budget = median_ms(lambda: read_grids(grids, school=school), args.repeat)
        validators.check(budget, grids=grids)  # warm the rule-table and name caches once
        bare_ms, _ = median_ms(lambda: validators.check(budget), args.repeat)
        check_ms, findings = median_ms(lambda: validators.check(budget, grids=grids), args.repeat)

        def whole():
            g = load_grids(path, args.engine)
            return validators.check(read_grids(g, school=school), grids=g)

        whole_ms, _ = median_ms(whole, args.repeat)
    y1 = len(budget.sheets)
    print(f"engine={args.engine} repeat={args.repeat} (median ms)")
    print(f"workbook: {y1} y-1 sheets, {len(budget.lines)} lines, {len(findings)} findings")
    print(f"load grids            {load_ms:8.2f}")
    print(f"read budget           {read_ms:8.2f}")
    print(f"check (budget only)   {bare_ms:8.2f}")
    print(f"check (with grids)    {check_ms:8.2f}   target ≤ 100")
    print(f"load + read + check   {whole_ms:8.2f}")


if __name__ == "__main__":
    main()
