"""How text typed by people is compared: two meanings, one place.

- ``compact``: NFKC (full-width digits and letters to ASCII) and no whitespace at all: cell labels
  (``學 校 名 稱`` = ``學校名稱``);
- ``name_key``: ``compact`` and 台 → 臺: names of counties, authorities and schools (``台北市`` =
  ``臺北市``), as the standards and the tier tables write them.

(Numbers keep their own reading, ``youzhi.money.normalise_text``: NFKC with inner spaces kept.)
``display_path`` shows a file name as people read it.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache


def compact(value: object) -> str:
    """NFKC, no whitespace; ``None`` and ``""`` give ``""``: how labels and codes are compared."""
    if value is None or value == "":
        return ""
    return _compact(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=4096)  # the same labels, codes and names come back in every workbook
def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def name_key(value: object) -> str:
    """``compact`` with 台 written 臺: the key names (items, units, counties) are compared by."""
    if value is None or value == "":
        return ""
    return _name_key(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=4096)
def _name_key(text: str) -> str:
    return _compact(text).replace("台", "臺")


def display_path(path: str) -> str:
    """The path as people read it: a file name in Big5 (from a Windows zip or share) that the system
    could not decode as UTF-8 is shown decoded as Big5, never as undecodable escapes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        raw = os.fsencode(path)
    for encoding in ("utf-8", "cp950"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")
