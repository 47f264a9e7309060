"""Payment tranches of an approved subsidy and whether the next one may be requested (pure, exact).

《教育部補(捐)助及委辦經費核撥結報作業要點》五(二):
* 2 (a school or other single executing unit): ≤ 4,000,000 元 once; above, up to 10,000,000 元:
  60 % / 40 %; above 10,000,000 元: 40 % / 30 % / 30 %. The next tranche may be requested once
  已撥經費執行率 (spent ÷ paid so far) reaches 70 % (2(4)).
* 3 (a local government): ≤ 1,000,000 元 once; above: 30 % / 40 % / 30 %; the second tranche at an
  執行進度 of 30 %, the third at 70 % (3(6)).

Amounts are integer 元: every tranche but the last is the share rounded half up, the last takes the
remainder so the schedule adds up to the subsidy exactly. Ratios are ``Fraction`` (70 % allowed,
69.99 % not).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

SCHOOL, LOCAL_GOVERNMENT = "school", "local-government"
RECIPIENTS = (SCHOOL, LOCAL_GOVERNMENT)
CLAUSE = "《教育部補(捐)助及委辦經費核撥結報作業要點》五(二)"

# (upper bound in 元 inclusive or None, shares in percent, threshold of the 2nd, 3rd… tranche in percent)
_TABLES: dict[str, list[tuple[int | None, tuple[int, ...], tuple[int, ...]]]] = {
    SCHOOL: [
        (4_000_000, (100,), ()),
        (10_000_000, (60, 40), (70,)),
        (None, (40, 30, 30), (70, 70)),
    ],
    LOCAL_GOVERNMENT: [
        (1_000_000, (100,), ()),
        (None, (30, 40, 30), (30, 70)),
    ],
}
_CLAUSES = {SCHOOL: "2", LOCAL_GOVERNMENT: "3"}


@dataclass(frozen=True)
class Schedule:
    subsidy: int  # 元
    recipient: str
    amounts: tuple[int, ...]  # 元 per tranche, adding up to ``subsidy``
    shares: tuple[int, ...]  # percent per tranche
    thresholds: tuple[int, ...]  # percent executed before tranche 2, 3, …

    @property
    def clause(self) -> str:
        return f"{CLAUSE}{_CLAUSES[self.recipient]}"

    def cumulative(self) -> list[int]:
        out, running = [], 0
        for amount in self.amounts:
            running += amount
            out.append(running)
        return out


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def schedule(subsidy: int, recipient: str = SCHOOL) -> Schedule:
    """The tranches of an approved subsidy (integer 元)."""
    if recipient not in _TABLES:
        raise ValueError(f"unknown recipient {recipient!r}")
    if subsidy < 0:
        raise ValueError("subsidy must not be negative")
    shares, thresholds = next(
        (shares, thresholds)
        for bound, shares, thresholds in _TABLES[recipient]
        if bound is None or subsidy <= bound
    )
    amounts = [_half_up(subsidy * share, 100) for share in shares[:-1]]
    amounts.append(subsidy - sum(amounts))
    return Schedule(subsidy, recipient, tuple(amounts), shares, thresholds)


def execution_rate(spent: int, paid: int) -> Fraction | None:
    """已撥經費執行率 = spent ÷ paid (None when nothing has been paid)."""
    return Fraction(spent, paid) if paid > 0 else None


@dataclass(frozen=True)
class NextTranche:
    number: int | None  # 1-based number of the next tranche, None when all are paid
    amount: int  # 元 still to be paid up to the end of that tranche
    threshold: Fraction | None  # rate needed (None: first tranche, nothing to wait for)
    rate: Fraction | None  # 已撥經費執行率 now
    allowed: bool

    def message(self) -> str:
        if self.number is None:
            return "各期款均已撥付"
        if self.threshold is None:
            if self.rate is not None:  # part of the first tranche is paid
                return f"第 1 期款尚未撥足，尚餘 {self.amount:,} 元"
            return f"可請撥第 1 期款 {self.amount:,} 元"
        needed = f"{float(self.threshold * 100):g}%"
        now = "—" if self.rate is None else f"{float(self.rate * 100):.2f}%"
        verdict = "可請撥" if self.allowed else "尚不可請撥"
        return f"已撥經費執行率 {now}（須達 {needed}）：{verdict}第 {self.number} 期款 {self.amount:,} 元"


def next_tranche(plan: Schedule, paid: int, spent: int) -> NextTranche:
    """Which tranche comes next after ``paid`` 元, and whether ``spent`` 元 allows requesting it."""
    rate = execution_rate(spent, paid)
    paid_count = sum(1 for c in plan.cumulative() if c <= paid)
    if paid_count >= len(plan.amounts):
        return NextTranche(None, 0, None, rate, False)
    amount = plan.cumulative()[paid_count] - max(paid, 0)  # the rest of the next tranche
    if paid_count == 0:
        return NextTranche(1, amount, None, rate, True)
    threshold = Fraction(plan.thresholds[paid_count - 1], 100)
    allowed = rate is not None and rate >= threshold
    return NextTranche(paid_count + 1, amount, threshold, rate, allowed)
