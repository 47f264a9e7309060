"""Finding messages are templates next to the rule rows: checked when the rules load, filled by the kinds."""

from __future__ import annotations

import pytest

import validators

ROW = (
    'code = "YZ101"\ntitle = "說明用途空白"\nkind = "purpose_required"\nseverity = "error"\ncitation = "c"\n'
)


def _user_table(tmp_path, monkeypatch, extra: str) -> None:
    table = tmp_path / "mine.toml"
    table.write_text(f"[[rule]]\n{ROW}{extra}", encoding="utf-8")
    monkeypatch.setenv("YOUZHI_RULES", str(table))


def test_a_row_overriding_its_message_changes_what_check_line_says(tmp_path, monkeypatch):
    _user_table(tmp_path, monkeypatch, 'message = "{label}：請填說明用途。"\n')
    found = validators.check_line("senior-high", 114, "印刷費", "份", 200, 50, "")
    assert [f.message for f in found if f.rule == "YZ101"] == ["「印刷費」：請填說明用途。"]


def test_the_shipped_message_is_quiet_about_templates():
    found = validators.check_line("senior-high", 114, "印刷費", "份", 200, 50, "")
    assert [f.message for f in found if f.rule == "YZ101"] == ["「印刷費」的說明用途空白，請簡略描述用途。"]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('message = "{lable}空白"\n', "不明的欄位 lable"),
        ('message_low = "{label}"\n', "message_low 不是 purpose_required 的範本"),
    ],
)
def test_a_template_naming_an_unknown_field_or_template_stops_the_load(tmp_path, monkeypatch, extra, words):
    _user_table(tmp_path, monkeypatch, extra)
    with pytest.raises(validators.RuleTableError, match=words):
        validators.rules_for("senior-high", 114)


def test_every_shipped_row_has_the_templates_its_kind_fills():
    from validators.schema import KIND_MESSAGES

    for programme in ("senior-high", "vocational"):
        for rule in validators.rules_for(programme, 114):
            assert set(rule.messages) == set(KIND_MESSAGES.get(rule.kind, {})), rule.code
