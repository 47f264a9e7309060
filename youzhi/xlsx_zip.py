"""The zip around a streamed .xlsx (``youzhi.xlsx_stream``): members deflated as they are written,
then copied into a plain zip as they are (sizes known up front, no data descriptors, no ZIP64)."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import tempfile
import zlib

LEVEL = 1  # deflate level: the report is written once and read by people, not archived
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


def in_memory(text: str) -> Member:
    member = Member(spool=False)
    member.write(text.encode("utf-8"))
    member.finish()
    return member


def _dos_time(now: dt.datetime) -> tuple[int, int]:
    clock = (now.hour << 11) | (now.minute << 5) | (now.second // 2)
    return clock, ((now.year - 1980) << 9) | (now.month << 5) | now.day


def write_zip(out, members: list[tuple[str, Member]]) -> None:
    """A plain zip (deflated members, sizes known up front: no data descriptors); each member's
    compressed bytes are copied as they are. Parts past 4 GB (no budget report) are refused."""
    clock, day = _dos_time(dt.datetime.now())
    central = []
    offset = 0
    for name, member in members:
        if max(member.size, member.compressed, offset) >= 0xFFFFFFFF:
            raise ValueError("report too large for a zip without ZIP64")
        raw = name.encode("ascii")
        sizes = (member.crc, member.compressed, member.size, len(raw))
        out.write(_LOCAL.pack(0x04034B50, 20, 0, 8, clock, day, *sizes, 0))
        out.write(raw)
        member.copy_to(out)
        central.append(
            _CENTRAL.pack(
                0x02014B50, 20, 20, 0, 8, clock, day, member.crc, member.compressed, member.size,
                len(raw), 0, 0, 0, 0, 0o644 << 16, offset,
            ) + raw
        )  # fmt: skip
        offset += _LOCAL.size + len(raw) + member.compressed
    directory = b"".join(central)
    out.write(directory)
    out.write(_END.pack(0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0))


class Member:
    """One zip member deflated as it is written (to a temporary file, or kept in memory when small):
    the temporary disk a report needs is its compressed size, and nothing is compressed twice."""

    def __init__(self, *, spool: bool, folder: str | None = None):
        self._file = tempfile.TemporaryFile("w+b", dir=folder) if spool else None  # noqa: SIM115
        self._parts: list[bytes] = []
        self._deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        self.crc = self.size = self.compressed = 0

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self._put(self._deflate.compress(data))

    def finish(self) -> None:
        self._put(self._deflate.flush())

    def _put(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.compressed += len(chunk)
        if self._file is None:
            self._parts.append(chunk)
        else:
            self._file.write(chunk)

    def copy_to(self, out) -> None:
        if self._file is None:
            out.write(b"".join(self._parts))
            return
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, 1 << 20)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
