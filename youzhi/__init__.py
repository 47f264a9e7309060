"""youzhi: budget workbooks of the 優質化輔助方案 (templates, roll-up, repair, validation)."""

__version__ = "0.1.0"
