"""MS-OVBA 2.4.1 compression (the VBA source and ``dir`` streams of vbaProject.bin).

``ms-ovba-compression`` 1.0.1 corrupts inputs longer than a few kB (its copy tokens
point outside the chunk), so the add-in build uses this small, spec-following
compressor instead; ``tests/test_addin.py`` round-trips it through oletools'
independent decompressor.
"""

from __future__ import annotations

import struct

CHUNK = 4096
_MIN_MATCH = 3
_MAX_CANDIDATES = 64  # how many earlier positions to try for a match (speed vs ratio)


def _bit_count(difference: int) -> int:
    """Bits for the offset part of a CopyToken at ``difference`` bytes into the chunk (min 4)."""
    bits = 4
    while (1 << bits) < difference:
        bits += 1
    return bits


def _compress_chunk(data: bytes) -> bytes:
    """One chunk (≤ 4096 bytes) as CompressedChunk, raw when compression does not pay."""
    out = bytearray()
    positions: dict[bytes, list[int]] = {}
    pos = 0
    n = len(data)
    while pos < n:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            length, offset = _longest_match(data, pos, positions)
            if length >= _MIN_MATCH:
                bits = _bit_count(pos)
                token = ((offset - 1) << (16 - bits)) | (length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                for p in range(pos, pos + length):
                    _remember(data, p, positions)
                pos += length
            else:
                out.append(data[pos])
                _remember(data, pos, positions)
                pos += 1
        out[flag_index] = flags
    if len(out) > CHUNK:
        if n != CHUNK:
            raise ValueError("incompressible final chunk shorter than 4096 bytes")
        header = 0x3000 | (CHUNK - 1)  # flag 0: 4096 raw bytes follow
        return struct.pack("<H", header) + data
    header = 0x8000 | 0x3000 | (len(out) + 2 - 3)
    return struct.pack("<H", header) + bytes(out)


def _remember(data: bytes, pos: int, positions: dict[bytes, list[int]]) -> None:
    key = data[pos : pos + _MIN_MATCH]
    if len(key) == _MIN_MATCH:
        positions.setdefault(key, []).append(pos)


def _longest_match(data: bytes, pos: int, positions: dict[bytes, list[int]]) -> tuple[int, int]:
    candidates = positions.get(data[pos : pos + _MIN_MATCH])
    if not candidates:
        return 0, 0
    bits = _bit_count(pos)
    max_length = (0xFFFF >> bits) + 3
    max_offset = 1 << bits
    limit = min(max_length, len(data) - pos)
    best_length = best_offset = 0
    for start in reversed(candidates[-_MAX_CANDIDATES:]):
        offset = pos - start
        if offset > max_offset:
            break
        length = 0
        while length < limit and data[start + length] == data[pos + length]:
            length += 1
        if length > best_length:
            best_length, best_offset = length, offset
            if length == limit:
                break
    return best_length, best_offset


def compress(data: bytes) -> bytes:
    """CompressedContainer: signature byte 0x01, then one CompressedChunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start : start + CHUNK])
    return bytes(out)
