"""The documents rule citations name, and the expansion of their ``{key}`` abbreviations.

``validators/rules/documents.toml`` lists each document once (key, full title, short form). A
citation in a rule table writes ``{手冊}高中優質化計畫經費編列注意事項表 講座鐘點費 三``; the first
``{key}`` of a citation becomes the full title, every later one the short form (``同手冊``), so every
finding and catalogue row names the document by its title at least once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DOCUMENTS = Path(__file__).with_name("rules") / "documents.toml"
_KEY = re.compile(r"\{([^{}]+)\}")


class UnknownDocument(ValueError):
    """A citation names a document key that documents.toml does not define (message in zh-TW)."""


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    again: str
    note: str = ""


@cache
def documents() -> dict[str, Document]:
    with DOCUMENTS.open("rb") as fh:
        raw = tomllib.load(fh)
    docs = [
        Document(d["key"], d["title"], d.get("again", d["title"]), d.get("note", "")) for d in raw["document"]
    ]
    return {d.key: d for d in docs}


def expand(citation: str) -> str:
    """``{key}`` → the document's full title the first time in ``citation``, its short form after."""
    known = documents()
    seen: set[str] = set()

    def title(match: re.Match) -> str:
        key = match.group(1)
        doc = known.get(key)
        if doc is None:
            where = "validators/rules/documents.toml"
            raise UnknownDocument(f"依據中的文件代號「{{{key}}}」未定義（見 {where}）")
        if key in seen:
            return doc.again
        seen.add(key)
        return doc.title

    return _KEY.sub(title, citation)
