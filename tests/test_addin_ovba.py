"""The built VBA project, record by record, against the Excel-made add-in in the xlwings package.

``xlwings/addin/xlwings.xlam`` was saved by Excel (and shipped without p-code, as ours). Every
stream, every PROJECT line and every ``dir`` record is compared; the only differences allowed are
the ones listed in ``DELIBERATE`` (and in addin/ovba_project.py) with their reasons.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from oletools.olevba import decompress_stream
from test_addin import build  # addin/build.py, loaded once

EXCEL_MADE = Path(xlwings.__file__).parent / "addin" / "xlwings.xlam"

DELIBERATE = {
    "_VBA_PROJECT": "no performance cache, Version 0xFFFF ([MS-OVBA] 2.3.4.1): Excel compiles the source",
    "MODULEOFFSET": "0: the module streams hold the compressed source only (no p-code)",
    "PROJECTCOOKIE/MODULECOOKIE": "0xFFFF, as [MS-OVBA] 2.3.4.2.3.2.7 requires on write (Excel ignores them)",
    "PROJECTVERSION": "1.0 (Excel stores a build counter)",
    "Workspace positions": "0, 0, 0, 0 (no code window was ever open)",
}


class Project:
    """A vbaProject.bin read with olefile and oletools' decompressor (independent of our writer)."""

    def __init__(self, data: bytes) -> None:
        self.ole = olefile.OleFileIO(io.BytesIO(data))
        self.streams = {"/".join(entry) for entry in self.ole.listdir()}
        self.project = self.ole.openstream("PROJECT").read().decode("cp1252")
        self.records = _records(bytes(decompress_stream(bytearray(self.ole.openstream("VBA/dir").read()))))

    def stream(self, name: str) -> bytes:
        return self.ole.openstream(name).read()

    def info(self) -> list[int]:
        """Record ids up to the first module (information and references)."""
        ids = [rid for rid, _ in self.records]
        return ids[: ids.index(0x0019)]

    def modules(self) -> dict[str, list[tuple[int, bytes]]]:
        out, current = {}, None
        for rid, value in self.records:
            if rid == 0x0019:
                current = value.decode("cp1252")
                out[current] = []
            if current is not None:
                out[current].append((rid, value))
            if rid == 0x002B:
                current = None
        return out

    def source(self, name: str) -> str:
        offset = struct.unpack("<I", dict(self.modules()[name])[0x0031])[0]
        raw = self.stream(f"VBA/{name}")[offset:]
        return bytes(decompress_stream(bytearray(raw))).decode("cp1252")

    def lines(self) -> list[str]:
        return self.project.split("\r\n")


def _records(data: bytes) -> list[tuple[int, bytes]]:
    out, i = [], 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == 0x0009:  # PROJECTVERSION: its Size field is Reserved (4), 6 bytes follow
            size = 6
        out.append((rid, data[i + 6 : i + 6 + size]))
        i += 6 + size
    return out


def _vba(xlam: Path) -> Project:
    with zipfile.ZipFile(xlam) as package:
        return Project(package.read("xl/vbaProject.bin"))


@pytest.fixture(scope="module")
def ours(tmp_path_factory) -> Project:
    pytest.importorskip("ms_cfb", reason="the add-in build needs ms-cfb (dev extras)")
    return _vba(build.build(tmp_path_factory.mktemp("addin")))


@pytest.fixture(scope="module")
def excel() -> Project:
    return _vba(EXCEL_MADE)


def test_same_streams_as_excel(ours, excel):
    def kinds(project: Project) -> set[str]:
        names = {m for m in project.modules()}
        return {s if s.rpartition("/")[2] not in names else "VBA/<module>" for s in project.streams}

    expected = {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", "VBA/<module>"}
    assert kinds(ours) == kinds(excel) == expected
    assert {f"VBA/{m}" for m in ours.modules()} <= ours.streams


def test_vba_project_stream_is_excels_source_only_header(ours, excel):
    # Reserved1 0x61CC, Version 0xFFFF (compile the source), Reserved2 0x00, Reserved3 0x0001
    header = bytes.fromhex("cc61ffff000100")
    assert ours.stream("VBA/_VBA_PROJECT") == excel.stream("VBA/_VBA_PROJECT") == header


def _shape(project: Project) -> list[str]:
    """The PROJECT stream's line keys up to ``[Workspace]``, the module lines as one ``<modules>``."""
    keys: list[str] = []
    for line in project.lines()[: project.lines().index("[Workspace]") + 1]:
        key = line.split("=")[0]
        key = "<modules>" if key in ("Document", "Module", "Class") else key
        if not (keys and keys[-1] == key == "<modules>"):
            keys.append(key)
    return keys


def test_project_stream_lines_in_excels_order(ours, excel):
    assert _shape(ours) == _shape(excel)
    assert _shape(ours)[:5] == ["ID", "<modules>", "Name", "HelpContextID", "VersionCompatible32"]
    assert 'VersionCompatible32="393222000"' in ours.lines()
    assert ours.project.endswith("\r\n\r\n") and excel.project.endswith("\r\n\r\n")
    workspace = ours.lines()[ours.lines().index("[Workspace]") + 1 : -2]
    assert [line.split("=")[0] for line in workspace] == list(ours.modules())
    assert all(re.fullmatch(r"\w+=0, 0, 0, 0, C", line) for line in workspace)


def test_project_stream_kinds_match_the_dir_module_types(ours):
    kinds = {name: kind for kind, name in re.findall(r"^(Document|Module|Class)=(\w+)", ours.project, re.M)}
    assert list(kinds) == list(ours.modules())
    for name, records in ours.modules().items():
        assert (0x0021 in [rid for rid, _ in records]) == (kinds[name] == "Module"), name


def test_projectwm_lists_every_module_twice(ours, excel):
    for project in (ours, excel):
        expected = b"".join(
            n.encode("cp1252") + b"\0" + n.encode("utf-16-le") + b"\0\0" for n in project.modules()
        )
        assert project.stream("PROJECTwm") == expected + b"\0\0"


def test_dir_information_and_references_as_excel(ours, excel):
    assert ours.info() == excel.info()
    refs = [v for rid, v in ours.records if rid == 0x0016]
    assert refs == [b"stdole", b"Office"] == [v for rid, v in excel.records if rid == 0x0016]
    assert [rid for rid, _ in ours.records][-1] == 0x0010


MODULE_SHAPE = [0x0019, 0x0047, 0x001A, 0x0032, 0x001C, 0x0048, 0x0031, 0x001E, 0x002C]


def test_dir_module_records_as_excel(ours, excel):
    for project in (ours, excel):
        for name, records in project.modules().items():
            rids = [rid for rid, _ in records]
            assert rids[:9] == MODULE_SHAPE, name
            assert rids[9] in (0x0021, 0x0022) and rids[-1] == 0x002B, name
            assert set(rids[10:-1]) <= {0x0025, 0x0028}, name
    # the class xlwings ships appears in both, with the same records and description
    ours_dict, excel_dict = ours.modules()["Dictionary"], excel.modules()["Dictionary"]
    assert [r for r, _ in ours_dict] == [r for r, _ in excel_dict]
    assert dict(ours_dict)[0x001C] == dict(excel_dict)[0x001C]


def test_private_class_carries_moduleprivate(ours):
    events = [rid for rid, _ in ours.modules()["YouzhiEvents"]]
    assert 0x0028 in events  # VB_Exposed = False
    assert "Attribute VB_Exposed = False" in ours.source("YouzhiEvents")
    assert 0x0028 not in [rid for rid, _ in ours.modules()["Dictionary"]]  # VB_Exposed = True


def _attributes(source: str) -> list[str]:
    lines = source.split("\r\n")
    out = []
    for line in lines:
        if not line.startswith("Attribute VB_") or line.startswith("Attribute VB_Description"):
            if not line.startswith("Attribute VB_Description"):
                break
            continue
        out.append(re.sub(r" = .*", "", line) if "VB_Name" in line else line)
    return out


@pytest.mark.parametrize(
    ("ours_name", "excel_name"),
    [
        ("YouzhiEvents", "WebClient"),
        ("Dictionary", "Dictionary"),
        ("ThisWorkbook", "ThisWorkbook"),
        ("Sheet1", "Sheet1"),
    ],
)
def test_attribute_block_as_excel_saves_it(ours, excel, ours_name, excel_name):
    got, want = _attributes(ours.source(ours_name)), _attributes(excel.source(excel_name))
    if ours_name == "YouzhiEvents":  # the one deliberate attribute: a private class
        want = [line.replace("VB_Exposed = True", "VB_Exposed = False") for line in want]
    assert got == want
    assert len(got) == 8


def test_standard_modules_have_only_their_name(ours):
    for name in ("YouzhiRibbon", "xlwings", "xlwings_udfs"):
        assert _attributes(ours.source(name)) == ["Attribute VB_Name"]


def test_every_deliberate_difference_is_real(ours, excel):
    """The list above is not stale: each difference is still there."""
    assert ours.stream("VBA/_VBA_PROJECT")[2:4] == b"\xff\xff" and len(ours.stream("VBA/_VBA_PROJECT")) == 7
    assert all(dict(r)[0x0031] == bytes(4) for r in ours.modules().values())
    assert any(dict(r)[0x0031] != bytes(4) for r in excel.modules().values())
    assert dict(ours.records)[0x0013] == b"\xff\xff" != dict(excel.records)[0x0013]
    assert len(DELIBERATE) == 5
