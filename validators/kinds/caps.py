"""Per-unit caps: a price per 節 / 人次 / 臺 / 小時 / 件, by case, range, wage, equipment."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from validators import names, wages
from validators.finding import finding
from validators.kinds import cell, label, plain, yuan_text

HOUR_UNITS = {"小時", "時", "hr", "hrs", "h", ""}


def _purpose(line) -> str:
    return str(line.purpose or "")


def unit_cap(rule, line, env):
    """The price may not exceed the limit of the first case whose words the purpose has (else ``limit``)."""
    if env.item not in rule.items:
        return
    price = env.price
    text = f"{line.item} {_purpose(line)}"
    if price is None or names.contains_any(text, rule.params.get("unless", ())):
        return
    limit, case = rule.limit, ""
    for option in rule.params.get("cases", ()):
        if names.contains_any(text, option["keywords"]):
            limit, case = option["limit"], option.get("label", "")
            break
    if limit is None or price <= limit:
        return
    where = f"（{case}）" if case else ""
    msg = f"{label(line)}單價 {yuan_text(price)}，超過{where}上限 {limit:,} 元。"
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price), limit=limit)


def purpose_silent(rule, line, env):
    """The purpose does not say which case applies: the higher limit was assumed (info)."""
    if env.item not in rule.items or not line.filled:
        return
    if names.contains_any(_purpose(line), rule.params.get("keywords", ())):
        return
    assumed = rule.params.get("assumed", "")
    msg = f"{label(line)}說明用途未註明內聘、外聘或從屬關係，已以{assumed}上限檢核；請於說明用途補註。"
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg)


def unit_range(rule, line, env):
    if env.item not in rule.items:
        return
    price = env.price
    if price is None:
        return
    low = rule.params.get("minimum", 0)
    band = f"（基準 {low:,}～{rule.limit:,} 元）"
    if price > rule.limit:
        msg = f"{label(line)}每人次 {yuan_text(price)}，超過上限 {rule.limit:,} 元{band}。"
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price))
    elif 0 < price < low:
        msg = f"{label(line)}每人次 {yuan_text(price)}，低於下限 {low:,} 元{band}。"
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price), limit=low)


def hourly_wage(rule, line, env):
    """工讀費: minimum wage ≤ hourly pay ≤ factor × minimum wage of the semester it is paid in."""
    if env.item not in rule.items or names.normalise(line.unit).lower() not in HOUR_UNITS:
        return
    price = env.price
    if price is None or env.fiscal_year is None:
        return
    wage = wages.minimum_wage(env.fiscal_year, env.semester)
    cap = Fraction(Decimal(rule.params.get("factor", "1.2"))) * wage.hourly
    period = f"{wage.on.year}年{wage.on.month}月起適用之最低時薪 {wage.hourly} 元"
    if wage.beyond_table:
        period += "（尚無該年資料，暫用最新公告）"
    if price > cap:
        msg = f"{label(line)}時薪 {yuan_text(price)}，超過{period}的 1.2 倍（{yuan_text(cap)}）。"
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price), limit=plain(cap))
    elif 0 < price < wage.hourly:
        msg = f"{label(line)}時薪 {yuan_text(price)}，低於{period}。"
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price), limit=wage.hourly)


def equipment_cap(rule, line, env):
    """Recognised equipment (PC, laptop, tablet, camera, laser printer) above its cap per unit."""
    price = env.price
    if price is None or price <= rule.limit:
        return
    if not names.matches(rule.params, env.item_text, env.purpose_text):
        return
    msg = f"{label(line)}單價 {yuan_text(price)}：{rule.title}（以不超過為原則，超過請說明理由）。"
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price))
