"""How text typed by people is compared: two meanings, one place.

- ``compact``: NFKC (full-width digits and letters to ASCII) and no whitespace at all: cell labels
  (``學 校 名 稱`` = ``學校名稱``);
- ``name_key``: ``compact`` and 台 → 臺: names of counties, authorities and schools (``台北市`` =
  ``臺北市``), as the standards and the tier tables write them.

(Numbers keep their own reading, ``youzhi.money.normalise_text``: NFKC with inner spaces kept.)
"""

from __future__ import annotations

import unicodedata


def compact(value: object) -> str:
    """NFKC, no whitespace; ``None`` and ``""`` give ``""``."""
    if value is None or value == "":
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def name_key(value: object) -> str:
    """``compact`` with 台 written 臺: the key names are compared by."""
    return compact(value).replace("台", "臺")
