"""Loading the data tables shipped in ``youzhi/data`` plus the user's own.

A user adds a table (a new tier list, a new rate table, a new minimum wage) by writing
a TOML file of the same shape and naming it in ``YOUZHI_TABLES``; no code changes.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")


def _user_files() -> list[Path]:
    raw = os.environ.get("YOUZHI_TABLES", "")
    return [Path(part) for part in raw.split(os.pathsep) if part.strip()]


@cache
def load(name: str) -> dict[str, Any]:
    """The shipped ``data/NAME.toml`` with every user file's arrays of tables appended."""
    with (DATA_DIR / f"{name}.toml").open("rb") as fh:
        merged: dict[str, Any] = tomllib.load(fh)
    for path in _user_files():
        with path.open("rb") as fh:
            extra = tomllib.load(fh)
        for key, value in extra.items():
            if isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key] = [*merged[key], *value]
            elif key not in merged:
                merged[key] = value
    return merged


def clear_cache() -> None:
    load.cache_clear()
