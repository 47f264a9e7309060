"""Form definitions as data: programmes, sub-plans, item lists, sources, y-1…y-4 layout labels.

Both the template writer and the reader use these, so a label changes in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from youzhi import tables

PROGRAMMES = ("senior-high", "vocational")

# Funding sources (y-1 經費來源). A blank cell counts as the ministry's subsidy; how written forms
# map to these is youzhi.items.source_of (data/items.toml [sources]).
MINISTRY, MATCH, SELF_FUNDED, OTHER = "教育部補助款", "配合款", "自籌款", "其他補助款"
SOURCES = (MINISTRY, MATCH, SELF_FUNDED, OTHER)

# 一級用途別. 經常門 = 業務費 + 獎補助費; 資本門 = 設備及投資.
OPERATING, GRANTS, CAPITAL = "業務費", "獎補助費", "設備及投資"
CATEGORIES = (OPERATING, GRANTS, CAPITAL)
RECURRENT_CATEGORIES = (OPERATING, GRANTS)

# y-1 labels (seed 002 表y-1-1).
Y1_HEADER = ("名稱(下拉式選單)", "", "單位", "數量", "單價", "總價", "說明用途", "經費來源")
Y1_RECURRENT_SECTION = "(一)經常門"
Y1_CAPITAL_SECTION = "(二)資本門"
Y1_SUBTOTAL = "小計"
Y1_RECURRENT_SUBTOTAL = "經常門小計"
Y1_CAPITAL_SUBTOTAL = "資本門小計"
Y1_SIGNATURE = ("承辦人", "承辦主任", "主計主任", "校長")
Y1_NOTES = (
    "1. 子計畫表單可自行增加。",
    "2. 說明用途欄請勿空白，請簡略描述。",
    "3. 計畫書PDF檔的經費表需核章。",
    "4. 年度經費概算表排版編列請依上下學期放一起，以利審查。(Ex：A-1 8-12月，接A-1 1-7月)",
    "5. 經費來源欄由學校視需求填列",
)


@dataclass(frozen=True)
class SubPlan:
    code: str
    name: str
    required: bool


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    short: str
    subplans: tuple[SubPlan, ...]
    source: str

    def subplan(self, code: str) -> SubPlan | None:
        """The sub-plan of a code such as ``A`` or a branch such as ``A-1``."""
        base = base_code(code)
        return next((s for s in self.subplans if s.code == base), None)


def base_code(code: str) -> str:
    """``A-1`` → ``A``; ``一-2`` → ``一``."""
    return str(code).split("-", 1)[0].strip()


def _pick(blocks: list[dict], academic_year: int) -> dict:
    ordered = sorted(blocks, key=lambda b: b["valid_from"])
    chosen = [b for b in ordered if b["valid_from"] <= academic_year] or ordered[:1]
    return chosen[-1]


def programme(programme_id: str, academic_year: int) -> Programme:
    data = tables.load("forms")
    blocks = [p for p in data["programme"] if p["id"] == programme_id]
    if not blocks:
        raise ValueError(f"未知的方案「{programme_id}」（可用：{'、'.join(PROGRAMMES)}）")
    raw = _pick(blocks, academic_year)
    return Programme(
        id=raw["id"],
        name=raw["name"],
        short=raw["short"],
        subplans=tuple(SubPlan(s["code"], s["name"], bool(s.get("required", True))) for s in raw["subplans"]),
        source=raw["source"],
    )


def _items_block(programme_id: str, academic_year: int) -> dict:
    data = tables.load("forms")
    blocks = [b for b in data["items"] if programme_id in b["programmes"]]
    return _pick(blocks, academic_year)


def items(programme_id: str, academic_year: int, category: str) -> tuple[str, ...]:
    """The item names of one 一級用途別, exactly as in the standards, in y-4 order."""
    return tuple(_items_block(programme_id, academic_year).get(category, {}).keys())


def recurrent_items(programme_id: str, academic_year: int) -> tuple[str, ...]:
    """The rows of y-4: 業務費 items then 獎補助費 items."""
    return items(programme_id, academic_year, OPERATING) + items(programme_id, academic_year, GRANTS)


def standard_unit(programme_id: str, academic_year: int, item: str) -> str:
    """The unit the standard counts an item in (節, 人次, 小時, 臺), or '' when it names none."""
    block = _items_block(programme_id, academic_year)
    for category in CATEGORIES:
        if item in block.get(category, {}):
            return block[category][item]
    return ""


def category_of(programme_id: str, academic_year: int, item: str) -> str | None:
    block = _items_block(programme_id, academic_year)
    return next((c for c in (OPERATING, GRANTS) if item in block.get(c, {})), None)


def source_labels() -> tuple[str, ...]:
    return tuple(tables.load("forms")["source_labels"])
