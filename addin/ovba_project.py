"""Write ``vbaProject.bin`` record by record as Excel does ([MS-OVBA] 2.2–2.3).

What Excel stores, and what this writes (checked against the Excel-made add-ins in the xlwings
package by ``tests/test_addin_ovba.py``):

- ``PROJECT``: ``ID``, one ``Document=``/``Module=``/``Class=`` line per module, ``Name``,
  ``HelpContextID``, ``VersionCompatible32="393222000"``, ``CMG``/``DPB``/``GC`` (no protection,
  no password, visible), ``[Host Extender Info]`` and a ``[Workspace]`` section (one line per module);
- ``PROJECTwm``: every module name in MBCS and in UTF-16;
- ``VBA/dir`` (compressed): the information records, the references (stdole, Office), the modules
  (a MODULEPRIVATE record for a class with ``VB_Exposed = False``, the description in
  MODULEDOCSTRING), the terminator;
- ``VBA/<module>`` (compressed source, MODULEOFFSET 0) and ``VBA/_VBA_PROJECT``.

Deliberate differences from an Excel-made project:
- no p-code and no performance cache, ``_VBA_PROJECT`` Version 0xFFFF and Reserved3 0x0001:
  [MS-OVBA] 2.3.4.1 says Version "MUST be 0xFFFF on write" and the PerformanceCache "MUST NOT be
  present on write" (its example 3.1.1 has Reserved3 0x0001); Excel then compiles the source when
  it opens the file. xlwings ships its add-ins exactly so (Version 0xFFFF, Reserved3 0x0001);
- PROJECTCOOKIE and MODULECOOKIE 0xFFFF ([MS-OVBA] 2.3.4.2.3.2.7: "MUST be 0xFFFF on write");
  Excel writes other values there and ignores them on read;
- the ``[Workspace]`` window positions are all 0 (no code window open), as Excel writes for modules
  nobody opened.
"""

from __future__ import annotations

import binascii
import contextlib
import random
import re
import struct
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CODEPAGE = 1252
CODEC = "cp1252"
LCID = 0x0409
SYSKIND_WIN64 = 3
VERSION_COMPATIBLE32 = "393222000"
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"  # VB_Base of every class module Excel saves
VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)

TYPE_STD, TYPE_OTHER = 0x0021, 0x0022  # MODULETYPE: procedural / document or class


@dataclass(frozen=True)
class Reference:
    name: str
    libid: str  # e.g. *\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\...\stdole2.tlb#OLE Automation


@dataclass(frozen=True)
class VbaModule:
    """``kind``: ``std``, ``class`` or ``document``; ``source`` starts with ``Attribute VB_Name``."""

    name: str
    kind: str
    source: str

    @property
    def private(self) -> bool:
        return self.kind == "class" and _attribute(self.source, "VB_Exposed") == "False"

    @property
    def description(self) -> str:
        text = _attribute(self.source, "VB_Description")
        return text[1:-1].replace("\\r\\n", "\r\n") if text else ""


STDOLE = Reference(
    "stdole",
    "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation",
)
OFFICE = Reference(
    "Office",
    "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
    "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL"
    "#Microsoft Office 16.0 Object Library",
)


def _attribute(source: str, name: str) -> str | None:
    match = re.search(rf"^Attribute {name} = (.*)$", source, re.MULTILINE)
    return match.group(1).strip() if match else None


def with_excel_attributes(source: str, kind: str, base: str | None = None) -> str:
    """The attribute block as Excel saves it: ``VB_Name``, ``VB_Base``, the four exported
    attributes, then ``VB_TemplateDerived`` and ``VB_Customizable`` (True for documents)."""
    if kind == "std":
        return source
    lines = source.split("\n")
    end = 0
    while end < len(lines) and lines[end].startswith("Attribute VB_"):
        end += 1
    derived = ("Attribute VB_Base", "Attribute VB_TemplateDerived", "Attribute VB_Customizable")
    block = [line for line in lines[1:end] if not line.startswith(derived)]
    exported = [line for line in block if not line.startswith("Attribute VB_Description")]
    described = [line for line in block if line.startswith("Attribute VB_Description")]
    customizable = "True" if kind == "document" else "False"
    head = [lines[0], f'Attribute VB_Base = "{base or CLASS_BASE}"', *exported]
    tail = ["Attribute VB_TemplateDerived = False", f"Attribute VB_Customizable = {customizable}"]
    return "\n".join([*head, *tail, *described, *lines[end:]])


# --- the streams ---------------------------------------------------------------------------------


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _u32(rid: int, value: int) -> bytes:
    return _record(rid, struct.pack("<I", value))


def _text(rid: int, rid_unicode: int | None, text: str) -> bytes:
    out = _record(rid, text.encode(CODEC))
    if rid_unicode is not None:
        out += _record(rid_unicode, text.encode("utf-16-le"))
    return out


def _reference(ref: Reference) -> bytes:
    libid = ref.libid.encode(CODEC)
    registered = struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0)
    return _text(0x0016, 0x003E, ref.name) + _record(0x000D, registered)


def _module_records(module: VbaModule) -> bytes:
    out = _text(0x0019, 0x0047, module.name) + _text(0x001A, 0x0032, module.name)
    out += _text(0x001C, 0x0048, module.description)
    out += _u32(0x0031, 0) + _u32(0x001E, 0) + _record(0x002C, struct.pack("<H", 0xFFFF))
    out += _record(TYPE_STD if module.kind == "std" else TYPE_OTHER, b"")
    if module.private:
        out += _record(0x0028, b"")  # MODULEPRIVATE
    return out + _record(0x002B, b"")


def dir_stream(name: str, modules: list[VbaModule], references: Iterable[Reference]) -> bytes:
    """The uncompressed ``dir`` stream ([MS-OVBA] 2.3.4.2)."""
    out = _u32(0x0001, SYSKIND_WIN64) + _u32(0x0002, LCID) + _u32(0x0014, LCID)
    out += _record(0x0003, struct.pack("<H", CODEPAGE)) + _text(0x0004, None, name)
    out += _text(0x0005, 0x0040, "") + _text(0x0006, 0x003D, "")
    out += _u32(0x0007, 0) + _u32(0x0008, 0)
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION 1.0 (its Size field is Reserved=4)
    out += _text(0x000C, 0x003C, "")
    out += b"".join(_reference(ref) for ref in references)
    out += _record(0x000F, struct.pack("<H", len(modules))) + _record(0x0013, struct.pack("<H", 0xFFFF))
    out += b"".join(_module_records(m) for m in modules)
    return out + _record(0x0010, b"")


def _project_line(module: VbaModule) -> str:
    if module.kind == "document":
        return f"Document={module.name}/&H00000000"
    return ("Module=" if module.kind == "std" else "Class=") + module.name


NO_PROTECTION, NO_PASSWORD, VISIBLE = bytes(4), b"\x00", b"\xff"


def project_stream(name: str, project_id: str, modules: list[VbaModule]) -> bytes:
    """The ``PROJECT`` stream ([MS-OVBA] 2.3.1), CRLF lines in code page 1252."""
    cmg, dpb, gc = _encrypt(project_id, NO_PROTECTION, NO_PASSWORD, VISIBLE)
    lines = [f'ID="{project_id}"', *(_project_line(m) for m in modules)]
    lines += [f'Name="{name}"', 'HelpContextID="0"', f'VersionCompatible32="{VERSION_COMPATIBLE32}"']
    lines += [f'CMG="{cmg}"', f'DPB="{dpb}"', f'GC="{gc}"', "", "[Host Extender Info]", HOST_EXTENDER]
    lines += ["", "[Workspace]", *(f"{m.name}=0, 0, 0, 0, C" for m in modules), ""]
    return "\r\n".join(lines).encode(CODEC) + b"\r\n"


def _encrypt(project_id: str, *values: bytes) -> list[str]:
    """[MS-OVBA] 2.4.3 data encryption (ms-ovba-crypto draws its seed bytes from ``random``:
    seeded with the project id here, so the build is reproducible)."""
    from ms_ovba_crypto import MsOvbaCrypto

    state = random.getstate()
    random.seed(project_id)
    try:
        return [binascii.hexlify(MsOvbaCrypto.encrypt(project_id, v)).upper().decode("ascii") for v in values]
    finally:
        random.setstate(state)


def projectwm_stream(modules: list[VbaModule]) -> bytes:
    """``PROJECTwm`` ([MS-OVBA] 2.3.3): each name in MBCS and UTF-16, NUL-terminated."""
    out = b"".join(m.name.encode(CODEC) + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00" for m in modules)
    return out + b"\x00\x00"


def module_stream(module: VbaModule, compress: Callable[[bytes], bytes]) -> bytes:
    text = module.source.replace("\r\n", "\n").rstrip("\n") + "\n"
    return compress(text.replace("\n", "\r\n").encode(CODEC))


# --- the compound file ---------------------------------------------------------------------------


def write_project(
    dest: Path,
    name: str,
    project_id: str,
    modules: list[VbaModule],
    compress: Callable[[bytes], bytes],
    references: Iterable[Reference] = (STDOLE, OFFICE),
) -> None:
    """Write the whole ``vbaProject.bin`` (an OLE compound file written by ms-cfb)."""
    from ms_cfb.Models.Directories.root_directory import RootDirectory
    from ms_cfb.Models.Directories.storage_directory import StorageDirectory
    from ms_cfb.Models.Directories.stream_directory import StreamDirectory
    from ms_cfb.ole_file import OleFile

    uuid.UUID(project_id)  # a malformed id is a bug in the caller
    streams = {f"VBA/{m.name}": module_stream(m, compress) for m in modules}
    streams["VBA/dir"] = compress(dir_stream(name, modules, references))
    streams["VBA/_VBA_PROJECT"] = VBA_PROJECT_STREAM
    streams["PROJECTwm"] = projectwm_stream(modules)
    streams["PROJECT"] = project_stream(name, project_id, modules)
    with tempfile.TemporaryDirectory() as work:
        root, vba = RootDirectory(), StorageDirectory("VBA")
        for index, (path, data) in enumerate(streams.items()):
            file = Path(work) / f"{index}.bin"
            file.write_bytes(data)
            folder, _, stream = path.rpartition("/")
            if not folder and vba is not None:
                root.add_directory(vba)  # the VBA storage first, then PROJECTwm and PROJECT
                vba = None
            (vba if folder else root).add_directory(StreamDirectory(stream, str(file)))
        ole = OleFile()
        ole.root_directory = root
        out = Path(work) / "vbaProject.bin"
        with contextlib.chdir(work):  # ms-cfb writes a scratch file (fatChain.bin) into the cwd
            ole.create_file(str(out))
        dest.write_bytes(out.read_bytes())
