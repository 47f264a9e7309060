"""LibreOffice as the independent engine: recalculate workbooks headless and read the results.

LibreOffice keeps a file's cached values unless its profile says to recalculate on load
(OOXMLRecalcMode = 0, "always"); each call gets a fresh profile folder so parallel runs
never share one (architecture.md).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

ERROR_VALUES = ("#REF!", "#DIV/0!", "#NAME?", "#VALUE!", "#N/A", "#NUM!", "#NULL!", "Err:")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile(root: Path) -> str:
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
    return root.as_uri()


def convert(paths: list[Path], outdir: Path, fmt: str = "xlsx", timeout: int = 600) -> dict[Path, Path]:
    """Open every file in one LibreOffice call, recalculate it, and save it as ``fmt`` in ``outdir``.

    Input names must be unique by stem. Returns {input: output}.
    """
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yz-lo-profile-") as prof:
        cmd = [
            exe,
            f"-env:UserInstallation={_profile(Path(prof))}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt if fmt != "xlsx" else "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(outdir),
            *[str(p) for p in paths],
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    result = {}
    for p in paths:
        out = outdir / f"{Path(p).stem}.{fmt}"
        if not out.exists():
            raise RuntimeError(f"LibreOffice did not write {out}")
        result[Path(p)] = out
    return result


def recalc(paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Recalculated .xlsx copies of ``paths`` (LibreOffice's own numbers)."""
    return convert(paths, outdir, "xlsx")


def values(path: Path) -> dict[str, dict[str, object]]:
    """{sheet: {A1: value}} of a recalculated workbook (cached values, as LibreOffice wrote them)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    out: dict[str, dict[str, object]] = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    cells[cell.coordinate] = cell.value
        out[ws.title] = cells
    return out


def error_cells(path: Path) -> list[tuple[str, str, object]]:
    """Every cell holding an error value after LibreOffice's recalculation."""
    found = []
    for sheet, cells in values(path).items():
        for ref, value in cells.items():
            if isinstance(value, str) and value.startswith(ERROR_VALUES):
                found.append((sheet, ref, value))
    return found
