"""Loading rule folders: schema errors name file and rule; user folders add rules and override weights."""

from __future__ import annotations

from pathlib import Path

import pytest

from fanzha.screen.engine import Engine
from fanzha.screen.rules import RuleLoadError, RuleSet, default_ruleset, parse_expr
from fanzha.text import normalize


def _write(d: Path, name: str, text: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text(text, encoding="utf-8")
    return p


def test_user_folder_adds_a_rule_and_reuses_packaged_concepts(tmp_path: Path) -> None:
    _write(
        tmp_path / "mine",
        "local.yaml",
        """
typology: 其他
concepts:
  LOCAL_BRAND: [幸福养老服务中心]
rules:
  - id: LOCAL_PENSION_BRAND
    subtype: 养老
    weight: 6
    why: 本地通报过的养老诈骗机构
    all: ["@LOCAL_BRAND", "@TRANSFER"]
    examples: {positive: [幸福养老服务中心请您先转账预订床位]}
""",
    )
    rs = RuleSet.load([tmp_path / "mine"])
    hits = {h.rule_id for h in rs.match(normalize("幸福养老服务中心请您先转账预订床位"))}
    assert "LOCAL_PENSION_BRAND" in hits
    v = Engine(rs, None, None, max_chars=1000).screen("幸福养老服务中心请您先转账预订床位")
    assert v.fraud and v.type == "其他" and v.subtype == "养老"
    # the packaged set does not know it
    assert "LOCAL_PENSION_BRAND" not in {h.rule_id for h in RuleSet.load().match(normalize("幸福养老服务中心转账"))}


def test_settings_rules_dirs_string(tmp_path: Path) -> None:
    _write(
        tmp_path / "a",
        "x.yaml",
        "rules:\n  - {id: ZZ_TEST_RULE, weight: 3, why: test rule, any: [斑马线测试词], examples: {positive: [斑马线测试词]}}\n",
    )
    rs = default_ruleset(str(tmp_path / "a"))
    assert "ZZ_TEST_RULE" in rs.by_id and rs.by_id["ZZ_TEST_RULE"].group == "generic"


def test_overrides_weights_thresholds_groups_disable(tmp_path: Path) -> None:
    _write(
        tmp_path / "ov",
        "overrides.yaml",
        """
overrides:
  weights: {SHUADAN_KEYWORD: 0.5}
  disable: [SAFE_ACCOUNT_MENTION]
  groups: {刷单返利类: 3}
  thresholds: {high: 0.95}
  combiner: {rule: 0.5}
""",
    )
    rs = RuleSet.load([tmp_path / "ov"])
    assert rs.by_id["SHUADAN_KEYWORD"].weight == 0.5
    assert "SAFE_ACCOUNT_MENTION" not in rs.by_id
    assert rs.config.groups["刷单返利类"] == 3
    assert rs.config.thresholds.high == 0.95 and rs.config.combiner.rule == 0.5
    base = RuleSet.load()
    assert base.by_id["SHUADAN_KEYWORD"].weight == 4 and base.config.thresholds.high < 0.95


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("rules:\n  - {id: bad id, weight: 1, why: x y, any: [a], examples: {positive: [a]}}\n", "bad id"),
        ("rules:\n  - {id: NO_EXAMPLES, weight: 1, why: x y, any: [甲乙]}\n", "NO_EXAMPLES"),
        ("rules:\n  - {id: NO_PATTERN, weight: 1, why: x y, examples: {positive: [a]}}\n", "NO_PATTERN"),
        (
            "rules:\n  - {id: BAD_TYPO, typology: 诈骗类, weight: 1, why: x y, any: [甲], examples: {positive: [甲]}}\n",
            "BAD_TYPO",
        ),
        (
            "rules:\n  - {id: BAD_REGEX, weight: 1, why: x y, any: [甲], regex: '(', examples: {positive: [甲]}}\n",
            "BAD_REGEX",
        ),
        ("rules:\n  - {id: BAD_REF, weight: 1, why: x y, any: ['@NOPE'], examples: {positive: [甲]}}\n", "@NOPE"),
        (
            "rules:\n  - {id: EXTRA_KEY, weight: 1, why: x y, any: [甲], colour: red, examples: {positive: [甲]}}\n",
            "colour",
        ),
        ("composites:\n  - {id: BAD_COMP, expr: 'NOT_A_RULE & SHUADAN_KEYWORD', weight: 1, why: x y}\n", "NOT_A_RULE"),
        ("composites:\n  - {id: BAD_EXPR, expr: 'SHUADAN_KEYWORD &', weight: 1, why: x y}\n", "BAD_EXPR"),
        ("overrides:\n  weights: {NO_SUCH_RULE: 2}\n", "NO_SUCH_RULE"),
        ("overrides:\n  thresholds: {high: 0.1}\n", "thresholds"),
        ("- just a list\n", "mapping"),
        ("rules: [\n", "YAML"),
    ],
)
def test_schema_errors_name_file_and_rule(tmp_path: Path, body: str, needle: str) -> None:
    p = _write(tmp_path / "bad", "broken.yaml", body)
    with pytest.raises(RuleLoadError) as exc:
        RuleSet.load([tmp_path / "bad"])
    msg = str(exc.value)
    assert str(p) in msg and needle in msg, msg


def test_duplicate_id_in_same_folder_is_an_error(tmp_path: Path) -> None:
    rule = "rules:\n  - {id: DUP_RULE, weight: 1, why: x y, any: [甲乙], examples: {positive: [甲乙]}}\n"
    _write(tmp_path / "d", "a.yaml", rule)
    _write(tmp_path / "d", "b.yaml", rule)
    with pytest.raises(RuleLoadError, match="duplicate id"):
        RuleSet.load([tmp_path / "d"])


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError, match="does not exist"):
        RuleSet.load([tmp_path / "nope"])


def test_expression_parser() -> None:
    assert parse_expr("A_B & (C_D | !E_F)") == ("&", ("id", "A_B"), ("|", ("id", "C_D"), ("!", ("id", "E_F"))))
    with pytest.raises(ValueError):
        parse_expr("A_B &| C_D")


def test_keywords_match_through_evasions(ruleset: RuleSet) -> None:
    for text in [
        "转到安全账户",
        "转到 安 全 账 户",
        "转到安💰全💰账💰户",
        "轉到安全帳戶",
        "转到ａｎ安全账户"[:2] + "安全账户",
    ]:
        hits = {h.rule_id for h in ruleset.match(normalize(text))}
        assert "SAFE_ACCOUNT_TRANSFER" in hits, text


def test_ascii_keywords_need_word_boundaries(ruleset: RuleSet) -> None:
    # "etc" inside "sketch" is not the ETC toll card
    assert "ETC_INVALID" not in {h.rule_id for h in ruleset.match(normalize("my sketch has expired 过期"))}
    assert "ETC_INVALID" in {h.rule_id for h in ruleset.match(normalize("您的ETC已过期"))}
