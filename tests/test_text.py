"""The one bilingual text catalogue (:mod:`repayplan.text`).

* Every entry has an English and a Chinese text, neither empty (one English text is empty
  on purpose: the corner cell of the sheet's English table).
* One English text has one Chinese text wherever it appears, but for four pairs of
  different terms, named here with the reason (and one typed word).
* Both languages of an entry take the same ``str.format`` fields, so filling one never
  fails where the other works.
* The tables the modules had before the catalogue (``report.LABELS``, ``sheet.SHEET_LABELS``,
  ``compare.ROW_LABELS``, ``notebook.labels.TEXT`` ...) are views of it: the oracle is the
  catalogue itself read independently here, table by table.
"""

from __future__ import annotations

import importlib
import string
from collections import defaultdict

import pytest

from repayplan import text
from repayplan.errors import InputError

# the one English text left empty: the corner cell above the row labels of the English sheet
EMPTY_ON_PURPOSE = {("sheet", "row", "en")}

# the same English, different Chinese, because Chinese has two terms for two things
DIFFERENT_TERMS = {
    # the annex's 协议要素 sheet vs. the minutes' column of a term's description
    "Terms": {"annex.sheet_terms", "dashboard.min_description"},
    # the annex's totals line vs. the comparison's metric
    "Total waived": {
        "annex.waived_total",
        "compare.rows.total_waived",
        "dashboard.min_total_waived",
    },
    # the contract term (实现债权的费用) vs. the creditor's enforcement costs in the dashboard
    "Enforcement costs": {"annex.enforcement_costs", "dashboard.cr_costs"},
    # the item vs. the clause heading quoting 第七十条(一) 欠款余额、结构、币种
    "Balance owed": {"annex.balance_owed", "annex.clause_balance"},
    # a length in the sheet (36个月) vs. a plan's name (36个月方案: "the 36-month plan")
    "{n} months": {"sheet.months", "plans.names.months"},
    # the typed word of a shock's probability period (per=month: 每月) vs. the month column
    # of an uploaded cash-flow CSV (月份)
    "month": {"session.words.month", "session.csv.month"},
}

# entries whose two languages take different format fields on purpose
# (the dashboard's Chinese title names the borrower where the English repeats the title)
DIFFERENT_FIELDS = {("dashboard", "title_zh")}


def entries():
    for table, rows in text.CATALOGUE.items():
        for key, pair in rows.items():
            yield table, key, pair


def test_every_entry_has_both_languages_and_no_empty_text():
    assert set(text.CATALOGUE) >= {
        "annex",
        "sheet",
        "cli",
        "compare.rows",
        "compare.reasons",
        "metric_words",
        "negotiate.objective",
        "negotiate.reasons",
        "negotiate.explain",
        "negotiate.concessions",
        "negotiate.costs",
        "negotiate.constraints",
        "plans.describe",
        "plans.months",
        "dashboard",
        "comparison.definitions",
        "comparison.words",
        "followup",
        "persist",
        "session.keys",
        "session.words",
        "session.csv",
    }
    empty = set()
    for table, key, pair in entries():
        assert isinstance(pair, tuple) and len(pair) == len(text.LANGUAGES), (table, key)
        for lang, t in zip(text.LANGUAGES, pair, strict=True):
            assert isinstance(t, str), (table, key, lang)
            if not t.strip():
                empty.add((table, key, lang))
    assert empty == EMPTY_ON_PURPOSE


def test_one_english_text_has_one_chinese_text_but_for_the_named_terms():
    seen = defaultdict(dict)
    for table, key, (en, zh) in entries():
        if en.strip():
            seen[en][f"{table}.{key}"] = zh
    clashes = {en: set(where) for en, where in seen.items() if len(set(where.values())) > 1}
    assert clashes == DIFFERENT_TERMS


def test_both_languages_take_the_same_format_fields():
    def fields(t):
        return {name for _, name, _, _ in string.Formatter().parse(t) if name is not None}

    differ = {(table, key) for table, key, (en, zh) in entries() if fields(en) != fields(zh)}
    assert differ == DIFFERENT_FIELDS


@pytest.mark.parametrize(
    ("module", "name", "table"),
    [
        ("repayplan.sheet", "SHEET_LABELS", "sheet"),
        ("repayplan.compare", "ROW_LABELS", "compare.rows"),
        ("repayplan.notebook.followup", "_LABELS", "followup"),
        ("repayplan.notebook.persist", "_TEXT", "persist"),
        ("repayplan.compare", "_WORDS", "comparison.words"),
        ("repayplan.cli", "_SIDES", "cli.sides"),
        ("repayplan.compare", "_SIDE_NAMES", "comparison.sides"),
        ("repayplan.negotiate", "_OBJECTIVE_TEXT", "negotiate.objective"),
        ("repayplan.negotiate", "_EXPLAIN", "negotiate.explain"),
        ("repayplan.negotiate", "_CONCESSION_NAMES", "negotiate.concessions"),
        ("repayplan.negotiate", "_CONCESSION_TEXT", "negotiate.costs"),
        ("repayplan.negotiate", "_CONSTRAINT_TEXT", "negotiate.constraints"),
    ],
)
def test_tables_by_language_are_views_of_the_catalogue(module, name, table):
    view = getattr(importlib.import_module(module), name)
    rows = text.CATALOGUE[table]
    assert set(view) == {"en", "zh"}
    for i, lang in enumerate(text.LANGUAGES):
        assert dict(view[lang]) == {k: v[i] for k, v in rows.items()}


def test_the_other_public_and_private_tables_are_views_of_the_catalogue():
    from repayplan import cli, report, sheet
    from repayplan.notebook import comparison, labels

    # the modules, not the functions of the same name that ``repayplan`` exports
    compare, evaluate, negotiate = (
        importlib.import_module(f"repayplan.{m}") for m in ("compare", "evaluate", "negotiate")
    )

    assert report.LABELS["zh"]["col_period"] == text.CATALOGUE["annex"]["col_period"][1] == "期数"
    assert {k: dict(v) for k, v in report.LABELS.items()} == text.by_language("annex")
    assert sheet._TEXT == dict(text.CATALOGUE["sheet"])
    assert report.METHOD_NAMES == dict(text.CATALOGUE["annex.methods"])
    assert report.labels.CYCLES == {int(k): v for k, v in text.CATALOGUE["annex.cycles"].items()}
    assert report.labels.CYCLES[12] == ("monthly", "按月")
    assert labels.TEXT == dict(text.CATALOGUE["dashboard"])
    assert cli._TEXT == dict(text.CATALOGUE["cli"])
    assert compare._REASONS_ZH["rule"] == text.CATALOGUE["compare.reasons"]["rule"][1]
    assert evaluate._METRIC_WORDS_ZH == {k: v[1] for k, v in text.CATALOGUE["metric_words"].items()}
    assert negotiate._REASON_TEXT == {
        "en": {},
        "zh": {en: zh for en, zh in text.CATALOGUE["negotiate.reasons"].values()},
    }
    plans = importlib.import_module("repayplan.plans")
    for i, lang in enumerate(text.LANGUAGES):
        words = {k: v for k, v in plans._DESCRIBE[lang].items() if k != "months"}
        assert words == {k: v[i] for k, v in text.CATALOGUE["plans.describe"].items()}
        months = text.CATALOGUE["plans.months"]
        assert plans._DESCRIBE[lang]["months"] == tuple(months[str(m)][i] for m in range(1, 13))
    assert plans._DESCRIBE["en"]["months"][0] == "January"
    assert plans._DESCRIBE["zh"]["months"][11] == "12月"
    assert comparison.DEFINITIONS_ZH == {
        k: v[1] for k, v in text.CATALOGUE["comparison.definitions"].items()
    }


def test_metric_words_english_is_the_key_and_definitions_are_the_metrics_own():
    from repayplan.evaluate import ALL_METRICS

    for key, (en, _) in text.CATALOGUE["metric_words"].items():
        assert en == key
    for key, (en, _) in text.CATALOGUE["comparison.definitions"].items():
        assert en == ALL_METRICS[key][3], key  # one English definition: ALL_METRICS's


def test_the_catalogue_is_read_only_and_views_are_copies():
    with pytest.raises(TypeError):
        text.CATALOGUE["annex"]["title"] = ("x", "y")  # type: ignore[index]
    mine = text.pairs("cli")
    mine["totals"] = ("x", "y")
    assert text.pairs("cli")["totals"] == ("Total", "合计")
    mine2 = text.by_language("cli")
    mine2["en"]["totals"] = "x"
    assert text.lookup("cli", "totals") == "Total"


def test_bad_tables_keys_and_languages_are_input_errors():
    with pytest.raises(InputError, match="table"):
        text.pairs("nope")
    with pytest.raises(InputError, match="table"):
        text.by_language(3)
    with pytest.raises(InputError, match="key"):
        text.lookup("cli", "nope")
    with pytest.raises(InputError, match="lang"):
        text.lookup("cli", "totals", "fr")


def test_the_moved_tables_print_what_the_modules_printed_before():
    """The texts as the modules wrote them by hand before their tables moved here (the
    expected strings are the previous release's output, figures formatted by f-strings)."""
    from repayplan.negotiate import Constraints, explain_concession
    from repayplan.plans import Plan

    plan = Plan(term=36, step_up=-0.03, balloon=0.2, haircut=0.1, penalty_waiver=1.0)
    assert plan.describe() == (
        "level instalments over 36 months, 20% balloon at the end, payments -3% a year, "
        "waives 100% of penalty interest, waives 10% of principal"
    )
    assert plan.describe("zh") == (
        "等额本息，分36个月，期末一次偿还20%（气球贷），还款额每年递增-3%，减免罚息100%，减免本金10%"
    )
    seasonal = Plan(term=12, seasonal=[1] * 5 + [2] + [1] * 5 + [0], down_payment="5000")
    assert seasonal.describe() == (
        "level instalments over 12 months, seasonal payments (peak in June), down payment 5,000"
    )
    assert seasonal.describe("zh") == "等额本息，分12个月，季节性还款（6月最高），首付5,000"
    assert Plan(settlement_discount=0.3, settlement_by=6).describe("zh") == (
        "一次性结清，折让30%，6个月内付清"
    )
    cost = {
        "creditor_cost": -41234.5,
        "borrower_saving": 52000.4,
        "default_probability_change": 0.0123,
        "transfer": True,
    }
    assert explain_concession("rate_cut", cost) == (
        "the rate cut: the bank gains 41,234 of expected value by it, the borrower saves "
        "52,000; it lowers the probability of default by 1.23 points — a transfer that buys nothing"
    )
    assert explain_concession("grace", cost, "zh") == (
        "宽限期：银行因此多得预期价值41,234，借款人节省52,000；违约概率降低1.23个百分点——纯属利益转移"
    )
    c = Constraints(min_rate=0.0325, min_margin=12345.678)
    assert c.describe("min_rate") == "a rate of at least 3.250%"
    assert c.describe("min_margin", "zh") == "债权人预期净现值不低于强制执行净现值加 12,345.68"
    assert Constraints().explain("min_rate", {"rate": 0.0312345}) == (
        "a rate of at least the creditor's cost of funds (at most the contract rate) "
        "(it offers 3.123%)"
    )
