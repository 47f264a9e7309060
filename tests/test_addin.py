"""The Excel add-in: ribbon ↔ VBA callbacks ↔ macros.py, and the .xlam built on Linux.

The built package is read back with oletools (what ``olevba`` runs): every module and its source
must come back exactly. Whether Excel itself loads the project and runs the callbacks can only be
checked in Windows or macOS Excel (see the README).
"""

from __future__ import annotations

import importlib.util
import inspect
import random
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xlwings
from oletools.olevba import VBA_Parser, decompress_stream

import macros

REPO = Path(__file__).resolve().parents[1]
ADDIN = REPO / "addin"
CUSTOM_UI_NS = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
EXPECTED_MODULES = {
    *("ThisWorkbook", "Sheet1", "YouzhiRibbon", "YouzhiEvents"),
    *("xlwings", "Dictionary", "xlwings_udfs"),
}
RIBBON_LABELS = {"檢核", "彙總/修復", "新年度範本", "批次檢核", "清除標示", "比較版本", "執行進度", "結算表"}


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build = _load("youzhi_addin_build", ADDIN / "build.py")
ovba = _load("youzhi_ovba_compress", ADDIN / "ovba_compress.py")


def _subs(source: str) -> dict[str, str]:
    """``{name: body}`` of every Sub in a VBA source."""
    pattern = re.compile(r"^(?:Public |Private )?Sub (\w+)\(([^)]*)\)\n(.*?)^End Sub", re.M | re.S)
    return {m.group(1): (m.group(2), m.group(3)) for m in pattern.finditer(source.replace("\r\n", "\n"))}


def _ribbon():
    return ElementTree.parse(ADDIN / "customUI14.xml").getroot()


def test_every_ribbon_button_has_a_callback_that_calls_an_existing_macro():
    ribbon_source = (ADDIN / "vba" / "YouzhiRibbon.bas").read_text(encoding="utf-8")
    subs = _subs(ribbon_source)
    buttons = _ribbon().findall(".//ui:button", CUSTOM_UI_NS)
    assert {b.get("label") for b in buttons} == RIBBON_LABELS
    for button in buttons:
        module, _, sub = button.get("onAction").partition(".")
        assert module == "YouzhiRibbon", button.get("id")
        assert button.get("imageMso"), button.get("id")
        params, body = subs[sub]
        assert params == "control As IRibbonControl"
        called = re.findall(r'RunPython "import macros; macros\.(\w+)\(', body)
        assert len(called) == 1, f"{sub} must call exactly one macro through RunPython"
        assert callable(getattr(macros, called[0], None)), f"macros.{called[0]} does not exist"
    assert _ribbon().get("onLoad") == "YouzhiRibbon.OnRibbonLoad"
    assert subs["OnRibbonLoad"][0] == "ribbon As IRibbonUI"


def test_before_save_handler_calls_on_save_and_never_cancels():
    source = (ADDIN / "vba" / "YouzhiEvents.cls").read_text(encoding="utf-8")
    assert "Public WithEvents App As Application" in source
    params, body = _subs(source)["App_WorkbookBeforeSave"]
    assert "Cancel As Boolean" in params
    assert 'RunPython "import macros; macros.on_save()"' in body
    assert "Cancel =" not in body and "Cancel=" not in body
    assert callable(macros.on_save)
    this_workbook = (ADDIN / "vba" / "ThisWorkbook.cls").read_text(encoding="utf-8")
    assert "YouzhiRibbon.StartEvents" in _subs(this_workbook)["Workbook_Open"][1]


def test_prompted_text_reaches_python_intact():
    """VBA's PyText sends UTF-16 code units as hex; macros.from_hex must give the text back."""

    def py_text(text: str) -> str:  # the VBA function, step by step
        return "".join(f"{unit:04X}" for unit in _utf16_units(text))

    for text in ("114", "C:\\經費表\\100%&'\"", "臺北市 𠀀"):
        assert macros.from_hex(py_text(text)) == text


def _utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def test_vba_ascii_escapes_string_literals_only():
    line = 'x = InputBox("請輸入 114 學年度", "範本") \' ASCII comment'
    escaped = build.vba_ascii(line)
    assert escaped.isascii()
    chrw = r"ChrW\(&H[0-9A-F]{4}&\)"
    literals = re.findall(rf"\(({chrw}(?: & (?:{chrw}|\"[^\"]*\"))*)\)", escaped)
    decoded = [
        "".join(
            chr(int(code, 16)) if code else text
            for code, text in re.findall(r'ChrW\(&H([0-9A-F]{4})&\)|"([^"]*)"', literal)
        )
        for literal in literals
    ]
    assert decoded == ["請輸入 114 學年度", "範本"]
    assert escaped.endswith("' ASCII comment")
    assert build.vba_ascii('y = "a""b" & ""') == 'y = "a""b" & ""'
    with pytest.raises(ValueError):
        build.vba_ascii("' 中文註解")


@pytest.mark.parametrize("size", [0, 1, 3, 100, 4095, 4096, 4097, 12_000])
def test_ovba_compression_round_trips_through_oletools(size):
    rng = random.Random(size)
    data = bytes(rng.choice(b"ab \r\nSub End") for _ in range(size))
    assert bytes(decompress_stream(bytearray(ovba.compress(data)))) == data


def test_ovba_compression_of_real_vba_and_random_bytes():
    source = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_bytes()
    packed = ovba.compress(source)
    assert len(packed) < len(source) * 0.6
    assert bytes(decompress_stream(bytearray(packed))) == source
    noise = random.Random(7).randbytes(3 * 4096)  # incompressible: raw chunks
    assert bytes(decompress_stream(bytearray(ovba.compress(noise)))) == noise


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    pytest.importorskip("ms_cfb", reason="the add-in build needs ms-cfb (dev extras)")
    return build.build(tmp_path_factory.mktemp("addin"))


def _modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_built_addin_holds_every_module_with_its_source(built):
    modules = _modules(built)
    assert set(modules) == EXPECTED_MODULES
    for module in build.all_modules():
        got = modules[module.name].rstrip("\n")
        assert got.startswith(f'Attribute VB_Name = "{module.name}"')
        if module.kind == "document":
            assert "Attribute VB_Base" in got
        # The stored code is the source (documents gain their VB_Base/Customizable attributes).
        assert _code(got) == _code(module.source.rstrip("\n"))
    ribbon = modules["YouzhiRibbon"]
    for button in _ribbon().findall(".//ui:button", CUSTOM_UI_NS):
        assert f"Sub {button.get('onAction').partition('.')[2]}(control As IRibbonControl)" in ribbon


def _code(source: str) -> list[str]:
    return [line for line in source.split("\n") if not line.startswith("Attribute VB_")]


def test_olevba_command_lists_our_modules(built):
    olevba = [str(Path(sys.executable).with_name("olevba")), str(built)]
    result = subprocess.run(olevba, capture_output=True, text=True, check=True, timeout=120)
    listed = set(re.findall(r"^VBA MACRO (\w+)\.(?:bas|cls)", result.stdout, re.M))
    assert listed == EXPECTED_MODULES
    assert not re.search(r"^ERROR|Error in _extract_vba|struct\.error", result.stdout + result.stderr, re.M)


VBA_KEYWORDS = set(
    """
    and as boolean byref byval call case const currency date dim do double each else end enum erase
    error exit false for function get global gosub goto if in integer is let like long loop me mod new
    next not nothing object on option optional or paramarray preserve private property public redim
    resume return select set single static step stop string sub then to true type until variant wend
    while with xor
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def test_udf_parameters_are_legal_vba_names():
    for name in build.udf_names(macros):
        for param in inspect.signature(getattr(macros, name)).parameters:
            assert re.fullmatch(r"[A-Za-z]\w{0,254}", param), (name, param)
            assert param.lower() not in VBA_KEYWORDS, (name, param)


def test_udf_wrappers_match_macros(built):
    wrappers = _modules(built)["xlwings_udfs"]
    names = build.udf_names(macros)
    assert {"YZ_CAP", "YZ_TIER", "YZ_MATCH", "YZ_RATIO", "YZ_CHECK_LINE"} <= set(names)
    for name in names:
        params = inspect.signature(getattr(macros, name)).parameters.values()
        signature = ", ".join(("Optional " if p.default is not p.empty else "") + p.name for p in params)
        assert f"Function {name}({signature})" in wrappers
        assert f'XLPy.CallUDF("macros", "{name}", Array(' in wrappers


def test_package_is_an_addin_with_the_ribbon(built):
    with zipfile.ZipFile(built) as package:
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("_rels/.rels").decode()
        assert build.ADDIN_CONTENT_TYPE in types and build.XLSM_CONTENT_TYPE not in types
        assert f'Type="{build.CUSTOM_UI_REL_TYPE}" Target="customUI/customUI14.xml"' in rels
        assert package.read("customUI/customUI14.xml") == (ADDIN / "customUI14.xml").read_bytes()
        workbook = package.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in workbook and 'name="youzhi.conf"' in workbook
        settings = package.read("xl/sharedStrings.xml").decode()
        for key, value in build.read_conf():
            assert f">{key}<" in settings and f">{value}<" in settings


def test_committed_addin_is_built_from_the_current_sources(built):
    assert (ADDIN / "youzhi.xlam").read_bytes() == built.read_bytes(), "run: python addin/build.py"


def test_one_xlwings_version_everywhere(built):
    pinned = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert f"xlwings=={xlwings.__version__}" in pinned
    vba = _modules(built)["xlwings"]
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in vba
    assert 'Public Const PROJECT_NAME As String = "youzhi"' in vba


@pytest.mark.libreoffice
def test_libreoffice_reads_the_vba_project_independently(tmp_path):
    """LibreOffice's own MS-OVBA importer (not oletools) recovers every module with its type.

    LibreOffice cannot open an .xlam, so the same vbaProject.bin goes into an .xlsm; LibreOffice
    converts it to .ods and stores each imported module as Basic/<project name>/<name>.xml.
    """
    pytest.importorskip("ms_cfb", reason="the add-in build needs ms-cfb (dev extras)")
    import html

    import lo

    modules = build.all_modules()
    build.write_vba_project(modules, tmp_path / "vbaProject.bin")
    xlsm = tmp_path / "project.xlsm"
    build.write_workbook(tmp_path / "vbaProject.bin", build.read_conf(), xlsm)
    ods = lo.convert([xlsm], tmp_path / "lo", "ods")[xlsm]
    kinds = {"std": "normal", "class": "class", "document": "document"}
    with zipfile.ZipFile(ods) as package:
        for module in modules:
            xml = package.read(f"Basic/{build.PROJECT_NAME}/{module.name}.xml").decode("utf-8")
            assert f'script:moduleType="{kinds[module.kind]}"' in xml, module.name
            text = html.unescape(re.sub(r"<[^>]+>", "", xml))
            for line in module.source.split("\n"):
                if not line.startswith("Attribute "):  # LibreOffice drops attribute lines
                    assert line.rstrip() in text, (module.name, line)
