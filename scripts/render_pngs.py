"""Pictures for the README's zh-TW guide, rendered by LibreOffice (PDF) and pdftoppm (PNG).

    .venv/bin/python scripts/render_pngs.py [--out docs/images] [--dpi 60]

Renders the first page of: the 115 senior-high template's first y-1 sheet and its y-2, the
example's y-1 after ``youzhi check --annotate`` (fills; notes are not printed), and the 總覽 sheet
of a batch report over the example and the template. Each picture comes from a copy in which every
other sheet is hidden (LibreOffice prints visible sheets only), recalculated on load.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import lo  # noqa: E402 - tests/lo.py: LibreOffice with a recalculate-on-load profile

from youzhi import cli  # noqa: E402

TEMPLATE = REPO / "xlsx_templates" / "senior-high_115.xlsx"
EXAMPLE = REPO / "examples" / "示範高中_114.xlsx"
CROP = {"batch_overview": (3, 42, 40)}  # picture: (resolution × dpi, top and height in pixels at 60 dpi)


def only_sheet(src: Path, sheet: str, dest: Path) -> Path:
    """A copy of ``src`` that prints only ``sheet``."""
    wb = openpyxl.load_workbook(src)
    target = wb[sheet]
    wb.active = wb.worksheets.index(target)
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws is target else "hidden"
        ws.sheet_view.tabSelected = ws is target
    wb.save(dest)
    return dest


def first_y1(path: Path) -> str:
    """The first y-1 sheet: the one after 基本資料 in the tool's workbooks."""
    return openpyxl.load_workbook(path, read_only=True).sheetnames[1]


def marked_y1(annotated: Path) -> str:
    """The first y-1 sheet the 檢核結果 sheet points to (else the first y-1 sheet)."""
    wb = openpyxl.load_workbook(annotated, read_only=True)
    for row in wb["檢核結果"].iter_rows(min_row=2, values_only=True):
        if row[2] in wb.sheetnames and not str(row[2]).startswith("y-"):
            return row[2]
    return wb.sheetnames[1]


def inputs(work: Path) -> dict[str, tuple[Path, str]]:
    annotated = work / "annotated.xlsx"
    cli.main(["check", str(EXAMPLE), "--annotate", str(annotated)])
    schools = work / "schools"
    schools.mkdir()
    shutil.copyfile(EXAMPLE, schools / EXAMPLE.name)
    shutil.copyfile(TEMPLATE, schools / "範本_115.xlsx")
    report = work / "report.xlsx"
    with contextlib.chdir(work):  # the report lists the files as schools/…, not a temporary path
        cli.main(["batch", "schools", "-o", str(report), "--no-progress"])
    return {
        "template_y1": (TEMPLATE, first_y1(TEMPLATE)),
        "template_y2": (TEMPLATE, "y-2"),
        "annotated_y1": (annotated, marked_y1(annotated)),
        "batch_overview": (report, "總覽"),
    }


def render(out: Path, dpi: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yz-render-") as tmp:
        work = Path(tmp)
        sources = inputs(work)
        copies = [only_sheet(src, sheet, work / f"{name}.xlsx") for name, (src, sheet) in sources.items()]
        pdfs = lo.convert(copies, work / "pdf", "pdf")
        written = []
        for copy, pdf in pdfs.items():
            prefix = work / copy.stem
            command = ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf)]
            if copy.stem in CROP:  # a wide report fitted to the page: its top rows, larger
                scale, top, height = CROP[copy.stem]
                pixels = dpi * scale // 60
                command[3:4] = [str(dpi * scale), "-y", str(top * pixels), "-H", str(height * pixels)]
            subprocess.run([*command, str(prefix)], check=True, capture_output=True, timeout=120)
            dest = out / f"{copy.stem}.png"
            shutil.copyfile(prefix.with_suffix(".png"), dest)
            written.append(dest)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args(argv)
    for path in render(args.out, args.dpi):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
