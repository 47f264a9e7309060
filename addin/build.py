"""Build ``addin/youzhi.xlam`` on any OS from the text sources in ``addin/``.

    .venv/bin/python addin/build.py [--out DIR]

What goes in:
- ``vba/*.bas`` / ``vba/*.cls``: our ribbon callbacks, the application-level
  ``WorkbookBeforeSave`` handler and ``ThisWorkbook`` (starts the handler on open);
- the xlwings VBA module for custom add-ins (``xlwings_custom_addin.bas`` shipped with
  the installed xlwings, so its version always equals the pinned Python package) with
  ``PROJECT_NAME = "youzhi"``, and xlwings' ``Dictionary`` class (needed on macOS);
- ``xlwings_udfs``: the VBA wrappers of the ``@xw.func`` UDFs in ``macros.py``,
  generated here by xlwings' own generator (so Excel needs no "Import Functions");
- ``xlwings.conf``: settings written into the add-in's ``youzhi.conf`` sheet;
- ``customUI14.xml``: the 優質化 ribbon tab.

The VBA project (``xl/vbaProject.bin``) is written record by record as Excel writes it by
``ovba_project.py`` (source only, no p-code, so Excel compiles the source when it loads the
add-in; see that module for the deliberate differences); the workbook part is written by XlsxWriter and
then turned into an add-in package (content type, ribbon part and relationship).
Check the result with ``olevba addin/youzhi.xlam``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import sys
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

ADDIN_DIR = Path(__file__).resolve().parent
REPO = ADDIN_DIR.parent
VBA_DIR = ADDIN_DIR / "vba"
CUSTOM_UI = ADDIN_DIR / "customUI14.xml"
CONF = ADDIN_DIR / "xlwings.conf"
OUTPUT_NAME = "youzhi.xlam"
PROJECT_NAME = "youzhi"  # xlwings reads its settings from the sheet/file named PROJECT_NAME.conf
CONF_SHEET = f"{PROJECT_NAME}.conf"

ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
XLSM_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CUSTOM_UI_PART = "customUI/customUI14.xml"
CUSTOM_UI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"

WORKBOOK_GUID = uuid.UUID("00020819-0000-0000-C000-000000000046")
WORKSHEET_GUID = uuid.UUID("00020820-0000-0000-C000-000000000046")
# A fixed project id keeps the build reproducible.
PROJECT_ID = "{6B3F4C1E-59A2-4D0B-9C7E-2F1A8D5E4B30}"


@dataclass(frozen=True)
class Module:
    """One VBA module: ``kind`` is ``std`` (.bas), ``class`` (.cls) or ``document``."""

    name: str
    kind: str
    source: str  # the stored source: starts with ``Attribute VB_Name``, no VERSION/BEGIN header


def strip_class_header(text: str) -> str:
    """Drop the ``VERSION 1.0 CLASS`` / ``BEGIN`` … ``END`` header of an exported .cls file."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Attribute VB_Name"))
    return "\n".join(lines[start:])


_VBA_LINE_LIMIT = 1023


def vba_ascii(source: str) -> str:
    """Every non-ASCII string literal as ASCII VBA: ``"學年度"`` → ``(ChrW(&H5B78) & …)``.

    The VBA project is stored in code page 1252, so zh-TW text can only live in the source as
    ChrW calls; the sources in addin/vba stay readable. Comments must be ASCII.
    """
    out = []
    for number, line in enumerate(source.split("\n"), start=1):
        converted = _ascii_line(line)
        if not converted.isascii():
            raise ValueError(f"VBA line {number}: non-ASCII text outside a string literal: {line!r}")
        if len(converted) > _VBA_LINE_LIMIT:
            raise ValueError(f"VBA line {number} is longer than {_VBA_LINE_LIMIT} characters after escaping")
        out.append(converted)
    return "\n".join(out)


def _ascii_line(line: str) -> str:
    result, i = [], 0
    while i < len(line):
        char = line[i]
        if char == "'":  # a comment runs to the end of the line
            result.append(line[i:])
            break
        if char != '"':
            result.append(char)
            i += 1
            continue
        end = i + 1
        while end < len(line):
            if line[end] == '"' and line[end + 1 : end + 2] == '"':
                end += 2
            elif line[end] == '"':
                break
            else:
                end += 1
        literal = line[i + 1 : end]
        result.append(_literal(literal) if literal else '""')
        i = end + 1
    return "".join(result)


def _literal(text: str) -> str:
    if text.isascii():
        return f'"{text}"'
    parts, run = [], ""
    for char in text:
        if char.isascii():
            run += char
            continue
        if run:
            parts.append(f'"{run}"')
            run = ""
        parts.append(f"ChrW(&H{ord(char):04X}&)")
    if run:
        parts.append(f'"{run}"')
    return "(" + " & ".join(parts) + ")"


def module_name(source: str) -> str:
    match = re.search(r'^Attribute VB_Name = "([^"]+)"', source, re.MULTILINE)
    if not match:
        raise ValueError("VBA source without Attribute VB_Name")
    return match.group(1)


def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent


def xlwings_module() -> Module:
    """xlwings' VBA module for custom add-ins, pointed at our own settings."""
    import xlwings

    text = (xlwings_dir() / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    text = text.replace("\r\n", "\n")
    text, count = re.subn(
        r'^Public Const PROJECT_NAME As String = "[^"]*"',
        f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"',
        text,
        flags=re.MULTILINE,
    )
    if count != 1:
        raise RuntimeError("xlwings_custom_addin.bas: PROJECT_NAME not found")
    version = re.search(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', text, re.MULTILINE)
    if not version or version.group(1) != xlwings.__version__:
        raise RuntimeError("xlwings VBA module and Python package differ in version")
    return Module("xlwings", "std", text)


def dictionary_module() -> Module:
    text = (xlwings_dir() / "addin" / "Dictionary.cls").read_text(encoding="ascii")
    return Module("Dictionary", "class", strip_class_header(text))


def udf_names(module) -> list[str]:
    """The UDFs of macros.py: its public functions named ``YZ_*``."""
    return sorted(name for name in dir(module) if name.startswith("YZ_") and callable(getattr(module, name)))


def udf_wrapper(name: str, func) -> str:
    """The VBA wrapper xlwings' "Import Functions" would write for an add-in (ActiveWorkbook)."""
    import inspect

    params = list(inspect.signature(func).parameters.values())
    signature = ", ".join(
        ("Optional " if p.default is not inspect.Parameter.empty else "") + p.name for p in params
    )
    args = "Array(" + ", ".join(p.name for p in params) + ")"
    call = f'XLPy.CallUDF("macros", "{name}", {args}'
    return "\n".join(
        [
            f"Function {name}({signature})",
            '    #If App = "Microsoft Excel" Then',
            "        If TypeOf Application.Caller Is Range Then On Error GoTo failed",
            f"        {name} = {call}, ActiveWorkbook, Application.Caller)",
            "        Exit Function",
            "    #Else",
            f"        {name} = {call})",
            "        Exit Function",
            "    #End If",
            "failed:",
            f"    {name} = Err.Description",
            "End Function",
            "",
        ]
    )


def udf_module() -> Module:
    """VBA wrappers for every UDF in macros.py, so Excel needs no "Import Functions".

    (xlwings' own generator imports pywin32 and only runs on Windows; this writes the same
    wrapper shape.)"""
    sys.path.insert(0, str(REPO))
    try:
        import macros
    finally:
        sys.path.pop(0)
    parts = [
        'Attribute VB_Name = "xlwings_udfs"',
        "' Generated by addin/build.py from macros.py - changes will be lost with the next build!",
        '#Const App = "Microsoft Excel" \'Adjust when using outside of Excel',
        "",
    ]
    parts += [udf_wrapper(name, getattr(macros, name)) for name in udf_names(macros)]
    return Module("xlwings_udfs", "std", "\n".join(parts))


def own_modules() -> list[Module]:
    modules = []
    for path in sorted(VBA_DIR.iterdir()):
        if path.suffix not in (".bas", ".cls"):
            continue
        text = vba_ascii(path.read_text(encoding="utf-8").replace("\r\n", "\n"))
        if path.suffix == ".bas":
            modules.append(Module(module_name(text), "std", text.replace("\r\n", "\n")))
        else:
            source = strip_class_header(text)
            name = module_name(source)
            modules.append(Module(name, "document" if name == "ThisWorkbook" else "class", source))
    return modules


def sheet_module() -> Module:
    source = "\n".join(
        [
            'Attribute VB_Name = "Sheet1"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True",
            "Attribute VB_Exposed = True",
            "",
        ]
    )
    return Module("Sheet1", "document", source)


def all_modules() -> list[Module]:
    own = own_modules()
    names = {m.name for m in own}
    if "ThisWorkbook" not in names:
        raise RuntimeError("addin/vba/ThisWorkbook.cls is missing")
    return [*own, sheet_module(), xlwings_module(), dictionary_module(), udf_module()]


def read_conf(path: Path = CONF) -> list[tuple[str, str]]:
    """``"KEY","VALUE"`` lines, as in xlwings.conf."""
    rows = []
    for row in csv.reader(path.read_text(encoding="utf-8").splitlines()):
        if not row:
            continue
        if len(row) != 2:
            raise ValueError(f'{path.name}: expected "KEY","VALUE" but got {row!r}')
        rows.append((row[0], row[1]))
    return rows


# --- vbaProject.bin ----------------------------------------------------------------------------


def _addin_module(name: str):
    """A sibling module of this script (addin/ is not a package)."""
    import importlib

    sys.path.insert(0, str(ADDIN_DIR))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


def stored_modules(modules: list[Module]) -> list:
    """The modules as the VBA project stores them: Excel's attribute block (VB_Base, …)."""
    ovba = _addin_module("ovba_project")
    stored = []
    for module in modules:
        base = None
        if module.kind == "document":
            guid = WORKBOOK_GUID if module.name == "ThisWorkbook" else WORKSHEET_GUID
            base = f"0{{{str(guid).upper()}}}"
        source = ovba.with_excel_attributes(module.source, module.kind, base)
        stored.append(ovba.VbaModule(module.name, module.kind, source))
    return stored


def write_vba_project(modules: list[Module], dest: Path) -> None:
    """Write ``vbaProject.bin`` for ``modules`` (addin/ovba_project.py, MS-OVBA compression)."""
    ovba = _addin_module("ovba_project")
    compress = _addin_module("ovba_compress").compress
    ovba.write_project(dest, PROJECT_NAME, PROJECT_ID, stored_modules(modules), compress)


# --- the package ------------------------------------------------------------------------------


def write_workbook(vba_bin: Path, conf: list[tuple[str, str]], dest: Path) -> None:
    """An .xlsm with the ``youzhi.conf`` sheet and our VBA project (XlsxWriter)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(dest))
    workbook.set_properties(
        {"title": "youzhi 優質化增益集", "author": "youzhi", "created": dt.datetime(2024, 1, 1)}
    )
    sheet = workbook.add_worksheet(CONF_SHEET)
    for row, (key, value) in enumerate(conf):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 40)
    workbook.add_vba_project(str(vba_bin))
    workbook.set_vba_name("ThisWorkbook")
    sheet.set_vba_name("Sheet1")
    workbook.close()


def to_addin(xlsm: Path, custom_ui: bytes, dest: Path) -> None:
    """Rewrite an .xlsm package (or an .xlam Excel saved) as an .xlam with the ribbon part."""
    with zipfile.ZipFile(xlsm) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                text = data.decode("utf-8")
                if XLSM_CONTENT_TYPE not in text and ADDIN_CONTENT_TYPE not in text:
                    raise RuntimeError("unexpected [Content_Types].xml (neither .xlsm nor .xlam)")
                text = text.replace(XLSM_CONTENT_TYPE, ADDIN_CONTENT_TYPE)  # Excel's own .xlam has it
                override = f'<Override PartName="/{CUSTOM_UI_PART}" ContentType="application/xml"/>'
                data = text.replace("</Types>", override + "</Types>").encode("utf-8")
            elif info.filename == "_rels/.rels":
                rel = (
                    f'<Relationship Id="rIdYouzhiRibbon" Type="{CUSTOM_UI_REL_TYPE}" '
                    f'Target="{CUSTOM_UI_PART}"/>'
                )
                data = data.decode("utf-8").replace("</Relationships>", rel + "</Relationships>").encode()
            out.writestr(_fixed_time(info.filename), data)
        out.writestr(_fixed_time(CUSTOM_UI_PART), custom_ui)


def _fixed_time(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def build(out_dir: Path = ADDIN_DIR) -> Path:
    """Build the add-in into ``out_dir`` (atomically) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    dest = out_dir / OUTPUT_NAME
    modules = all_modules()
    custom_ui = CUSTOM_UI.read_bytes()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        write_vba_project(modules, folder / "vbaProject.bin")
        write_workbook(folder / "vbaProject.bin", read_conf(), folder / "youzhi.xlsm")
        fd, tmp = tempfile.mkstemp(prefix=".youzhi-", suffix=".xlam", dir=out_dir)
        os.close(fd)
        try:
            to_addin(folder / "youzhi.xlsm", custom_ui, Path(tmp))
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build addin/youzhi.xlam from the sources in addin/.")
    parser.add_argument("--out", type=Path, default=ADDIN_DIR, help="output folder (default: addin/)")
    args = parser.parse_args(argv)
    print(build(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
