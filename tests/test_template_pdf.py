"""Printed by LibreOffice, every visible sheet (y-1 blocks, y-2, y-3, y-4, 基本資料) is one A4 landscape page.

One page per sheet means nothing spills onto a second page across or down. The PNG look at the pages
(``pdftoppm -png -r 50``) is described in the template engineer's report; this test keeps the geometry.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lo
import openpyxl
import pytest

ROOT = Path(__file__).parents[1]
A4_LANDSCAPE = (841.89, 595.30)  # points


def _pages(pdf: Path) -> list[tuple[float, float]]:
    data = pdf.read_bytes()
    count = len(re.findall(rb"/Type\s*/Page\b", data))
    boxes = [tuple(float(x) for x in m.split()) for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)]
    sizes = {(round(b[2] - b[0], 2), round(b[3] - b[1], 2)) for b in boxes}
    assert len(sizes) == 1, sizes
    return [next(iter(sizes))] * count


@pytest.mark.libreoffice
def test_every_sheet_prints_on_one_a4_landscape_page(tmp_path):
    sources = [ROOT / "examples" / "示範高中_114.xlsx", ROOT / "xlsx_templates" / "vocational_115.xlsx"]
    copies = [Path(shutil.copy(p, tmp_path / f"p{i}.xlsx")) for i, p in enumerate(sources)]
    pdfs = lo.convert(copies, tmp_path / "pdf", "pdf")
    for src in copies:
        visible = [ws.title for ws in openpyxl.load_workbook(src).worksheets if ws.sheet_state == "visible"]
        pages = _pages(pdfs[src])
        assert len(pages) == len(visible), (src.name, len(pages), visible)
        width, height = pages[0]
        assert (width, height) == pytest.approx(A4_LANDSCAPE, abs=0.5)
