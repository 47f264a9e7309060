"""Build ``youzhi.xlam`` through Excel itself (Windows), without our VBA project writer.

    python addin/build_in_excel.py [--out DIR]      (or: youzhi addin build --in-excel)

Needs Excel for Windows with "Trust access to the VBA project object model" switched on
(File > Options > Trust Center > Trust Center Settings > Macro Settings). Excel imports the same
.bas/.cls files that addin/build.py stores, writes the youzhi.conf sheet and saves the workbook as
an add-in (xlOpenXMLAddIn); the ribbon part is then added to the package as build.py does.
This path cannot run on Linux and is not exercised by the test suite: it is the fallback when the
add-in written by build.py does not load, and the selftest points to it.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

ADDIN_DIR = Path(__file__).resolve().parent
XL_OPENXML_ADDIN = 55  # XlFileFormat.xlOpenXMLAddIn
CLASS_HEADER = "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"


def _build_module():
    spec = importlib.util.spec_from_file_location("youzhi_addin_build", ADDIN_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def export_text(module) -> tuple[str, bytes]:
    """The file VBE's Import expects: ``Name.bas`` or ``Name.cls`` (with its VERSION header), cp1252."""
    body = module.source.replace("\r\n", "\n").rstrip("\n").replace("\n", "\r\n") + "\r\n"
    if module.kind == "class":
        return f"{module.name}.cls", (CLASS_HEADER + body).encode("cp1252")
    return f"{module.name}.bas", body.encode("cp1252")


def code_only(source: str) -> str:
    """A document module's code without its attribute lines (what CodeModule.AddFromString takes)."""
    lines = source.replace("\r\n", "\n").split("\n")
    return "\r\n".join(line for line in lines if not line.startswith("Attribute VB_"))


def build_in_excel(out_dir: Path = ADDIN_DIR) -> Path:  # pragma: no cover - needs Excel on Windows
    import xlwings as xw

    build = _build_module()
    dest = out_dir / build.OUTPUT_NAME
    modules = [m for m in build.all_modules() if m.name != "Sheet1"]
    app = xw.App(visible=False, add_book=False)
    try:
        book = app.books.add()
        project = book.api.VBProject  # raises when access to the VBA project is not trusted
        with tempfile.TemporaryDirectory() as work:
            for module in modules:
                if module.kind == "document":  # ThisWorkbook: its code name differs in some languages
                    component = project.VBComponents(book.api.CodeName)
                    component.CodeModule.AddFromString(code_only(module.source))
                    continue
                name, data = export_text(module)
                path = Path(work) / name
                path.write_bytes(data)
                project.VBComponents.Import(str(path))
            sheet = book.sheets[0]
            sheet.name = build.CONF_SHEET
            sheet.range("A1").value = [list(row) for row in build.read_conf()]
            book.api.IsAddin = True
            xlam = Path(work) / "plain.xlam"
            book.api.SaveAs(str(xlam), FileFormat=XL_OPENXML_ADDIN)
            book.close()
            build.to_addin(xlam, build.CUSTOM_UI.read_bytes(), dest)
    finally:
        app.quit()
    return dest


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - needs Excel on Windows
    parser = argparse.ArgumentParser(description="Build youzhi.xlam through Excel (Windows).")
    parser.add_argument("--out", type=Path, default=ADDIN_DIR)
    args = parser.parse_args(argv)
    print(build_in_excel(args.out))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
