"""Validators: every y-1 line and the workbook checked against the expense standards.

``check(budget, grids=None) -> list[Finding]``; ``check_line(...)`` for one typed line (the UDF);
``catalogue(programme=None)`` lists the rules (``validators/rules/*.toml``).
"""

from validators.engine import check, check_line
from validators.finding import Finding, Rule
from validators.ruleset import RuleTableError, catalogue, rules_for

__all__ = ["Finding", "Rule", "RuleTableError", "catalogue", "check", "check_line", "rules_for"]
