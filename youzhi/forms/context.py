"""The state of one read, handed to each form's ``read``: the workbook's sheets by form, the problems
collected so far, the programme and 學年度 (options, else the fingerprint or 基本資料, else what the y-1
blocks say) and the ``Budget`` being filled."""

from __future__ import annotations

from dataclasses import dataclass, field

from youzhi.forms import registry, school
from youzhi.forms.cells import Reading
from youzhi.model import Budget, School
from youzhi.sheets import WorkbookGrids


@dataclass
class ReadContext:
    grids: WorkbookGrids
    found: dict[str, list] = field(default_factory=dict)  # form key → [(grid, recogniser's answer)]
    reading: Reading = field(default_factory=Reading)
    programme: str | None = None
    academic_year: int | None = None
    school: School | None = None  # the command's --school options (override the workbook)
    facts: dict[str, object] = field(default_factory=dict)  # 基本資料: label → value
    titles: list[str] = field(default_factory=list)  # the y-1 titles (the school's name when no 基本資料)
    budget: Budget | None = None

    @classmethod
    def start(cls, grids: WorkbookGrids, programme=None, academic_year=None, school_option=None):
        """Sheets classified; programme and 學年度 from the options, the fingerprint, 基本資料."""
        ctx = cls(grids, registry.classify(grids), programme=programme, academic_year=academic_year)
        ctx.school = school_option
        fingerprint = school.key_values(grids.sheet(school.FINGERPRINT_SHEET))
        ctx.facts = school.key_values(grids.sheet(school.SCHOOL_SHEET))
        if ctx.programme is None:
            ctx.programme = school.programme_of(
                fingerprint.get("programme") or grids.names.get("youzhi_programme", "")
            )
        if ctx.programme is None and ctx.facts.get("方案"):
            ctx.programme = school.programme_of(ctx.facts["方案"])
        if ctx.academic_year is None:
            ctx.academic_year = school.year_of(
                fingerprint.get("academic_year") or grids.names.get("youzhi_year") or None
            )
        if ctx.academic_year is None and ctx.facts.get("學年度") not in (None, ""):
            ctx.academic_year = school.year_of(ctx.facts["學年度"])
        return ctx

    def sheets(self, key: str) -> list:
        """The (grid, recogniser's answer) pairs of a form, in sheet order."""
        return self.found.get(key, [])

    def first(self, key: str):
        """The sheet of a one-sheet form (see ``registry.first``), or None."""
        return registry.first(self.found, key)
