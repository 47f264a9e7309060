"""What the validators return: ``Finding``s, and the ``Rule``s they come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")  # most severe first: the one order everywhere
SEVERITY_LABELS = {"error": "錯誤", "warning": "警告", "info": "提示"}  # zh-TW, one wording everywhere
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # unknown severities sort last (rank 3)


@dataclass(frozen=True)
class Rule:
    """One row of a rule table (``validators/rules/*.toml``).

    ``limit`` is integer 元, a share written as a string (``"0.30"``), or None; ``params`` holds the
    kind-specific figures and words (caps by case, keywords …).
    """

    code: str
    title: str  # zh-TW
    kind: str
    severity: str
    citation: str
    rationale: str = ""
    items: tuple[str, ...] = ()
    limit: int | str | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    programmes: tuple[str, ...] = ()
    example: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)  # fire / quiet
    messages: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # zh-TW templates


@dataclass(frozen=True)
class Finding:
    """A rule that fired, pointing at one cell (``sheet`` ``""`` when no cell applies)."""

    rule: str
    severity: str  # "error" | "warning" | "info"
    sheet: str
    cell: str
    message: str  # zh-TW
    value: int | str | None = None
    limit: int | str | None = None
    citation: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "value": self.value,
            "limit": self.limit,
            "citation": self.citation,
        }


def say(rule: Rule, name: str = "message", **values: Any) -> str:
    """The rule's message template ``name`` (``validators/rules/*.toml``) filled with ``values``."""
    return rule.messages[name].format(**values)


def finding(rule: Rule, sheet: str, cell: str, message: str, value=None, limit=None, severity=None):
    """A Finding of ``rule`` (its severity, limit and citation unless given)."""
    return Finding(
        rule=rule.code,
        severity=severity or rule.severity,
        sheet=sheet,
        cell=cell,
        message=message,
        value=value,
        limit=rule.limit if limit is None else limit,
        citation=rule.citation,
    )
