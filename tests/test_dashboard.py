"""The negotiation dashboard's logic in plain Python (layer 1 of the front-end tests).

Controls are set as the browser sets them (``widget.value = "48"``); the assertions read the
dashboard's state: the comparison it shows, the charts' data, the messages next to the
controls, the meeting record and the exports.  Every figure is checked against the library
called directly on the same plans, or against a closed form.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import re
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan import report
from repayplan.case import Case
from repayplan.compare import ROW_LABELS
from repayplan.errors import InputError
from repayplan.evaluate import format_probability
from repayplan.negotiate import Constraints, explain_plan, seasonal_weights
from repayplan.notebook import Dashboard, Session
from repayplan.notebook.app import _safe_filename
from repayplan.notebook.charts import cash_band, payment_ceiling, render_png
from repayplan.notebook.labels import TEXT, option_label, text
from repayplan.notebook.minutes import MeetingRecord
from repayplan.notebook.serve import free_port, start, voila_command
from repayplan.notebook.serve import main as serve_main
from repayplan.notebook.state import PLAN_OPTIONS, PlanSlot, option_text, parse_option

CASE = Case.sample()
THREE = ["Bank proposal", "Borrower proposal", "Seasonal 48"]


class Clock:
    """A clock that moves one minute each time it is read."""

    def __init__(self):
        self.t = dt.datetime(2026, 7, 8, 9, 0)

    def __call__(self):
        self.t += dt.timedelta(minutes=1)
        return self.t


def library_compare(plans, case=CASE, lang="en"):
    """The oracle: the library's own evaluation and comparison of these plans."""
    frame = rp.evaluate(
        plans, case.claim, case.cashflow, case.creditor, borrower=case.borrower_side
    )
    return rp.compare(
        plans,
        case.claim,
        case.cashflow,
        case.creditor,
        lang=lang,
        metrics=frame,
        constraints=case.negotiation.constraints,
    )


def dash3(**kw) -> Dashboard:
    return Dashboard(CASE, plans=THREE, clock=Clock(), **kw)


def cell(html_table: str, label: str, column: int) -> str:
    """The text of a cell of the comparison table (row by its label, column from 0)."""
    row = re.search(r"<tr[^>]*><th[^>]*>" + re.escape(label) + r"</th>(.*?)</tr>", html_table)
    assert row, label
    td = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))[column]
    value = re.match(r"<span class='rp-value'>(.*?)</span>", td)  # the figure, without its Δ
    return value.group(1) if value else td


# ---------------------------------------------------------------------------------------
# plans
# ---------------------------------------------------------------------------------------
def test_changing_a_term_shows_the_librarys_comparison_of_the_new_plans():
    d = dash3()
    before = d.session.view.comparison.table.copy()
    d.columns[0].controls["term"].value = "48"
    plans = [
        CASE.plan("Bank proposal").replace(term=48),
        CASE.plan("Borrower proposal"),
        CASE.plan("Seasonal 48"),
    ]
    want = library_compare(plans)
    got = d.session.view.comparison
    assert got.table.columns.tolist() == THREE
    np.testing.assert_allclose(
        got.table.to_numpy(float), want.table.to_numpy(float), rtol=0, atol=0
    )
    assert (got.better == want.better).all().all()
    assert (
        got.table.loc["term", "Bank proposal"] == 48 and before.loc["term", "Bank proposal"] == 36
    )
    assert got.table.loc["total_paid", "Bank proposal"] != before.loc["total_paid", "Bank proposal"]
    # the page shows the new figures, formatted to the cent
    assert (
        cell(d.compare.value, "Total paid", 0)
        == f"{want.table.loc['total_paid', 'Bank proposal']:,.2f}"
    )
    # and the other plans did not move
    np.testing.assert_array_equal(
        got.table["Seasonal 48"].to_numpy(float), before["Seasonal 48"].to_numpy(float)
    )


def test_the_charts_data_follow_the_plan_and_the_cash_flow():
    d = dash3()
    d.columns[0].controls["term"].value = "48"
    data = d.session.view.charts
    plan = CASE.plan("Bank proposal").replace(term=48)
    sched = plan.schedule(CASE.claim).table
    # payments and balances month by month, from the cent-exact schedule
    pay = data.payments["Bank proposal"].dropna()
    assert len(pay) == 49 and pay.index[-1] == pd_period(CASE.claim.as_of, 48)
    np.testing.assert_array_equal(pay.to_numpy(), sched["payment"].astype(float).to_numpy())
    bal = data.balance["Bank proposal"].dropna()
    assert bal.iloc[-1] == 0 and bal.iloc[0] == float(sched["closing_balance"].iloc[0])
    # the cash band is the scenarios' quantiles, computed here with numpy
    cf = CASE.cashflow.values
    assert data.cash.index[0] == CASE.cashflow.start
    assert data.cash["mean"].iloc[0] == pytest.approx(cf[:, 0].mean(), rel=1e-12)
    assert data.cash["lower"].iloc[5] == pytest.approx(np.quantile(cf[:, 5], 0.05), rel=1e-12)
    assert data.cash["upper"].iloc[5] == pytest.approx(np.quantile(cf[:, 5], 0.95), rel=1e-12)
    # each plan's point: its burden and recovery from the evaluation
    want = library_compare([plan, CASE.plan("Borrower proposal"), CASE.plan("Seasonal 48")]).table
    assert data.points.loc["Bank proposal", "burden"] == want.loc["burden", "Bank proposal"]
    assert data.enforcement == pytest.approx(
        want.loc["enforcement_npv"].iloc[0] / float(CASE.claim.total)
    )
    # the live chart shows them: payments (capped at the ceiling), balances and points
    m = d.charts.marks
    top = payment_ceiling(data)
    # (after its last payment a plan pays and owes nothing: 0, not NaN, so no line ends on NaN)
    np.testing.assert_array_equal(
        np.asarray(m["payments"].y)[0], np.minimum(data.payments["Bank proposal"].fillna(0.0), top)
    )
    np.testing.assert_array_equal(
        np.asarray(m["balance"].y)[0], data.balance["Bank proposal"].fillna(0.0).to_numpy()
    )
    for name in ("payments", "balance", "band", "mean"):
        assert np.isfinite(np.asarray(m[name].y, dtype=float)).all(), name
    assert list(m["points"].names) == THREE


def pd_period(day, months):
    import pandas as pd

    return pd.Period(day, freq="M") + months


def test_a_bad_value_shows_the_librarys_message_and_keeps_the_plan():
    d = dash3()
    table = d.session.view.comparison.table.copy()
    col = d.columns[0]
    col.controls["term"].value = "forty"
    # the message names the control's label and what was typed, not the argument
    assert col.errors["term"].value == (
        "<span>Term (months): forty is not accepted; "
        "it must be a whole number from 1 to 1200.</span>"
    )
    assert d.session.slots[0].plan.term == 36 and col.warning.value  # "not applied"
    col.controls["annual_rate"].value = "435"  # 435 % a year
    assert "Rate, % a year: 435 is not accepted" in col.errors["annual_rate"].value
    assert "a percentage from 0 to 100" in col.errors["annual_rate"].value
    col.controls["annual_rate"].value = "4x"
    assert (
        "4x is not accepted; it must be a percentage such as 4.35 or 4.35%"
        in col.errors["annual_rate"].value
    )
    col.controls["down_payment"].value = "99999999"
    assert "at most what is owed after waivers (1242497.51)" in col.errors["down_payment"].value
    np.testing.assert_array_equal(
        d.session.view.comparison.table.to_numpy(float), table.to_numpy(float)
    )
    # a correct value clears the message
    col.controls["term"].value = "48"
    assert col.errors["term"].value == "" and d.session.slots[0].plan.term == 48


def test_a_value_refused_because_of_another_field_applies_once_that_field_allows_it():
    d = dash3()
    col = d.columns[0]
    col.controls["grace"].value = "40"  # grace must be shorter than the term (36)
    assert "fewer months than the term (36)" in col.errors["grace"].value
    col.controls["term"].value = "60"
    assert col.errors["grace"].value == ""
    assert (d.session.slots[0].plan.term, d.session.slots[0].plan.grace) == (60, 40)
    assert d.session.view.comparison.table.loc["term", "Bank proposal"] == 60


def test_a_term_longer_than_the_cash_flow_is_refused_with_the_reason():
    s = Session(CASE, plans=THREE)
    msg = s.set_option(0, "term", "200")
    assert msg == (
        "Term (months): not applied; the cash flow must be at least 200 months from 2026-07 "
        "to cover the longest plan (120 given)."
    )
    assert s.slots[0].plan.term == 36
    s.set_lang("zh")
    assert s.set_option(0, "term", "200") == (
        "期限（月）：未生效；现金流应为自 2026-07 起至少 200 个月，"
        "才能覆盖最长的方案（现有 120 个月）。"
    )


@pytest.mark.parametrize("typed", ["4.35", "4.35%", " 4.35 % ", "４.３５％"])
def test_a_rate_is_typed_in_percent_with_or_without_the_sign(typed):
    s = Session(CASE, plans=THREE)
    assert s.set_option(0, "annual_rate", typed) is None
    assert s.slots[0].plan.annual_rate == 0.0435  # Decimal("4.35") / 100, exactly
    # the same plan as the rate given to the library as a fraction
    assert s.slots[0].plan == CASE.plan("Bank proposal").replace(annual_rate=0.0435)
    assert s.slots[0].texts["annual_rate"] == typed  # what was typed stays shown
    assert PlanSlot.of(9, s.slots[0].plan).texts["annual_rate"] == "4.35%"


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("¥50,000", 50_000),
        ("50,000.50", 50_000.5),
        ("1 000 000元", 1_000_000),
        ("CNY 12,345.67", 12_345.67),
        ("￥５０，０００", 50_000),
    ],
)
def test_an_amount_is_typed_with_separators_and_currency_and_shown_grouped(typed, amount):
    s = Session(CASE, plans=THREE)
    assert s.set_option(0, "down_payment", typed) is None
    assert s.slots[0].plan.down_payment == amount
    assert PlanSlot.of(9, s.slots[0].plan).texts["down_payment"] == f"{amount:,}".removesuffix(".0")
    assert s.set_cash("base", typed) is None and float(s.projection.base) == amount


def test_messages_follow_the_interface_language():
    s = Session(CASE, plans=THREE)
    s.set_lang("zh")
    assert s.set_option(0, "term", "forty") == "期限（月）：“forty”无效，应为1 到 1200 之间的整数。"
    assert (
        s.set_option(0, "penalty_waiver", "1.5")
        == "罚息减免：“1.5”无效，应为0 到 1 之间的比例（或百分比）。"
    )
    assert (
        s.set_option(0, "penalty_waiver", "50%") is None and s.slots[0].plan.penalty_waiver == 0.5
    )


OPTION_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "0.5",
            "-3",
            "36",
            "1e3",
            "abc",
            "0.0435",
            "12,5",
            "nan",
            "inf",
            "1" * 30,
            "1, 2, 3",
            " 48 ",
        ]
    ),
    st.text(max_size=8),
)


@settings(max_examples=40, deadline=None)
@given(
    option=st.sampled_from([o for o, kind, _ in PLAN_OPTIONS if kind not in ("choice", "bool")]),
    raw=OPTION_TEXT,
)
def test_any_typed_text_either_applies_exactly_or_leaves_the_plan_with_a_message(option, raw):
    s = Session(CASE, plans=THREE[:2])
    before = s.slots[0].plan
    try:
        want = before.replace(**{option: parse_option(option, raw)})
        want.schedule(CASE.claim)
        rp.evaluate(want, CASE.claim, CASE.cashflow, CASE.creditor, check_rules=False)
    except InputError:
        want, refused = before, True
    else:
        refused = False
    msg = s.set_option(0, option, raw)
    assert (msg is not None) == refused
    if refused:  # the message names the control's label, never the argument
        assert msg.startswith(option_label(option) + ":") and f"{option} ==" not in msg
    assert s.slots[0].plan == want
    s.refresh()  # the session always evaluates


def test_choices_and_checkboxes_apply():
    d = dash3()
    col = d.columns[1]
    col.controls["method"].value = "equal_principal"
    col.controls["capitalize_arrears"].value = False
    plan = d.session.slots[1].plan
    assert plan.method == "equal_principal" and plan.capitalize_arrears is False
    want = library_compare([CASE.plan("Bank proposal"), plan, CASE.plan("Seasonal 48")]).table
    assert (
        d.session.view.comparison.table.loc["peak_payment", "Borrower proposal"]
        == want.loc["peak_payment", "Borrower proposal"]
    )
    # equal principal with a seasonal shape is refused by Plan, with its message
    d.columns[2].controls["method"].value = "equal_principal"
    assert "'level' with balloon, step_up or seasonal shaping" in html.unescape(
        d.columns[2].errors["method"].value
    )
    assert d.columns[2].controls["method"].value == "level"  # the control shows the plan in force


def test_follow_cash_fills_the_seasonal_weights_from_the_borrowers_cash():
    d = dash3()
    d._on_follow_cash(d.session.slots[0].uid)
    weights = seasonal_weights(CASE.cashflow)
    assert d.session.slots[0].plan.seasonal == weights
    assert d.columns[0].controls["seasonal"].value == option_text(weights)
    assert sum(weights) == pytest.approx(12)


def test_add_duplicate_remove_and_rename_keep_two_to_four_plans():
    d = dash3()
    d._on_duplicate(d.session.slots[0].uid)
    assert d.session.names == [
        "Bank proposal",
        "Bank proposal (2)",
        "Borrower proposal",
        "Seasonal 48",
    ]
    assert len(d.plans_box.children) == 4 and d.add_button.disabled
    d._on_add()
    assert "at most 4 plans on the table" in d.plans_message.value and len(d.session.slots) == 4
    d.columns[1].name.value = "Seasonal 48"
    assert "a name no other plan on the table has" in d.columns[1].name_error.value
    d.columns[1].name.value = "Bank, 48 months"
    d.columns[1].controls["term"].value = "48"
    assert d.session.view.comparison.table.columns.tolist()[1] == "Bank, 48 months"
    assert d.session.view.comparison.table.loc["term", "Bank, 48 months"] == 48
    for _ in range(2):
        d._on_remove(d.session.slots[-1].uid)
    assert d.session.names == ["Bank proposal", "Bank, 48 months"]
    d._on_remove(d.session.slots[0].uid)
    assert "at least 2 plans on the table" in d.plans_message.value and len(d.session.slots) == 2
    d._on_add()
    assert d.session.names[-1] == "New plan" and d.session.slots[-1].plan == rp.Plan(
        name="New plan"
    )


def test_suggest_adds_the_recommended_plan_with_its_reasons_and_draws_the_frontier():
    d = dash3()
    calls = []
    d.progress.observe(lambda ch: calls.append(ch["new"]), names="value")
    d._on_suggest()
    s = d.session
    res = s.negotiation
    assert s.names[:3] == THREE and s.names[3] == "Suggested 1"
    best = res.candidates.iloc[0]
    assert s.slots[3].plan == best["plan"].replace(name="Suggested 1")
    assert s.slots[3].explanation == explain_plan(s.slots[3].plan, best)
    assert "Why:" in d.columns[3].explanation.value
    assert calls and calls[-1] == d.progress.max and 0 < d.progress.max <= len(res.evaluated)
    # the rest wait in the list, each with a Replace button and the column it replaces
    # (the table is full now), then the reasons for the ranking
    rows = d.suggestions_box.children
    assert len(rows) == len(res.candidates) - 1 + 1
    assert "choose the column a suggestion replaces" in d.suggest_message.value
    assert "rp-replace-suggestion" in rows[0].children[1]._dom_classes
    ranking = rows[-1].value
    assert (
        "rp-suggest-ranking" in ranking
        and html.escape(res.explain("en").splitlines()[1]) in ranking
    )
    # replace the second column by the next suggestion
    waiting = s.suggestions[0]
    rows[0].children[0].value = 1
    rows[0].children[1].click()
    assert s.names == ["Bank proposal", "Suggested 2", "Seasonal 48", "Suggested 1"]
    assert s.slots[1].plan == waiting.plan and s.slots[1].origin == "suggested"
    assert (
        "Suggested 2" in s.view.comparison.table.columns
        and "Borrower proposal" not in s.view.comparison.table.columns
    )
    # the frontier is the negotiation's, and the new plan is compared like the others
    data = s.view.charts
    np.testing.assert_array_equal(
        data.frontier["burden"].to_numpy(), res.frontier["burden"].to_numpy(float)
    )
    assert len(d.charts.marks["frontier"].x) == len(res.frontier)
    want = library_compare(s.plans).table
    np.testing.assert_allclose(
        s.view.comparison.table.to_numpy(float), want.to_numpy(float), rtol=0, atol=0
    )


def test_suggest_explains_when_no_plan_meets_the_constraints():
    d = dash3()
    d.cons_texts["min_dscr"].value = "5"
    d._on_suggest()
    assert (
        "no plan within" in d.suggest_message.value
        and "DSCR (lowest plan year, mean cash) of at least 5.0" in d.suggest_message.value
    )
    assert len(d.session.slots) == 3 and not d.suggest_button.disabled
    d.cons_texts["min_dscr"].value = "-1"
    d._on_suggest()
    assert "min_dscr == &#x27;-1&#x27;, must be a ratio &gt;= 0" in d.cons_errors["min_dscr"].value


def test_constraints_typed_are_the_ones_used():
    s = Session(CASE, plans=THREE)
    cons = Constraints(min_dscr=0.4, max_default_probability=0.1, max_term=60)
    s.suggest(constraints=cons)
    assert s.negotiation.constraints == cons and s.slots[3].plan.term <= 60


# ---------------------------------------------------------------------------------------
# borrower and creditor
# ---------------------------------------------------------------------------------------
def test_the_creditors_alternative_is_the_closed_form():
    d = dash3()
    d.creditor_controls["recovery_rate"].value = "0.3"
    d.creditor_controls["delay_months"].value = "24"
    d.creditor_controls["costs"].value = "80000"
    d.creditor_controls["discount_rate"].value = "0.08"
    total = float(CASE.claim.total)
    v = 1 / (1 + 0.08 / 12)
    want = (0.3 * total - 80_000) * v**24  # (R x claim - C) v^D
    got = d.session.view.comparison.table.loc["enforcement_npv"]
    np.testing.assert_allclose(got.to_numpy(float), want, rtol=1e-12)
    d.creditor_controls["recovery_rate"].value = "1.5"
    assert (
        "recovery_rate == &#x27;1.5&#x27;, must be a fraction from 0 to 1"
        in d.creditor_errors["recovery_rate"].value
    )
    assert d.session.case.creditor.enforcement.recovery_rate == 0.3


def test_a_noiseless_projection_gives_the_closed_form_cash():
    d = dash3()
    d.cash_controls["volatility"].value = "0"
    d.cash_controls["shocks"].value = ""
    d.cash_controls["base"].value = "50000"
    cash = d.session.view.charts.cash
    weights = [0.75, 0.55, 0.85, 0.9, 0.95, 0.95, 0.9, 0.9, 1.0, 1.2, 1.4, 1.65]  # the sample's
    # month t from July 2026: 50,000 x (1 - 0.05)^(t/12) x weight of its calendar month
    for t in (0, 5, 12, 30):
        want = 50_000 * (1 - 0.05) ** (t / 12) * weights[(6 + t) % 12]
        assert cash["mean"].iloc[t] == pytest.approx(want, rel=1e-12)
        assert cash["lower"].iloc[t] == pytest.approx(want, rel=1e-12)
    assert d.session.case.projection.base == Decimal("50000")


def test_cash_settings_that_do_not_fit_are_refused():
    d = dash3()
    d.cash_controls["months"].value = "60"
    assert "shocks[0].end == 35" not in d.cash_errors["months"].value
    assert "at least 72 months" in d.cash_errors["months"].value  # the 72-month plan needs them
    d.cash_controls["shocks"].value = "probability=2, impact=0.3"
    assert "probability == 2, must be a fraction from 0 to 1" in d.cash_errors["shocks"].value
    d.cash_controls["seasonality"].value = "1, 1"
    assert "12 weights" in d.cash_errors["seasonality"].value
    assert d.session.case.cashflow.months == 120


def test_an_uploaded_csv_becomes_the_cash_flow():
    d = dash3()
    months = [f"{2026 + (6 + k) // 12}-{(6 + k) % 12 + 1:02d}" for k in range(96)]
    body = "month,available\n" + "".join(f"{m},{30_000 + 100 * k}\n" for k, m in enumerate(months))
    d._on_upload({"new": ({"name": "cash.csv", "content": memoryview(body.encode())},)})
    assert d.session.cash_source == "data" and d.cash_source.value == "data"
    cash = d.session.view.charts.cash
    assert cash["mean"].iloc[0] == 30_000 and cash["mean"].iloc[71] == 30_000 + 100 * 71
    assert "1 scenario(s) × 96 months from 2026-07" in d.cash_info.value
    want = library_compare(d.session.plans, CASE.replace(cashflow=d.session.case.cashflow)).table
    np.testing.assert_allclose(
        d.session.view.comparison.table.to_numpy(float), want.to_numpy(float), rtol=0
    )
    d._on_upload(
        {"new": ({"name": "bad.csv", "content": memoryview(b"month,available\n2026-07,abc\n")},)}
    )
    assert d.upload_error.value and d.session.case.cashflow.months == 96
    d.cash_source.value = "projection"
    assert d.session.case.cashflow == CASE.cashflow


# ---------------------------------------------------------------------------------------
# language, record, exports, robustness
# ---------------------------------------------------------------------------------------
def test_switching_language_rerenders_reasons_exports_findings_and_keeps_the_record():
    d = dash3()
    d._on_suggest()
    s = d.session
    shown = len(s.minutes.offers)
    d.lang.value = "zh"
    res = s.negotiation
    best = res.candidates.iloc[0]
    # the reasons of a suggestion made before the switch, now in Chinese
    assert s.slots[3].explanation == explain_plan(s.slots[3].plan, best, "zh")
    assert s.suggestions[0].explanation == explain_plan(
        s.suggestions[0].plan, res.candidates.iloc[1], "zh"
    )
    assert text("suggested_because", "zh") in d.columns[3].explanation.value
    # the waiting suggestions, their buttons and what the search did, re-rendered in Chinese
    rows = d.suggestions_box.children
    assert rows[0].children[1].description == "替换" and rows[0].children[0].description == "替换列"
    assert html.escape(s.suggestions[0].explanation) in rows[0].children[2].value
    assert d.suggest_message.value.startswith("已添加 1 个方案") and text(
        "suggest_no_room", "zh"
    ) in html.unescape(d.suggest_message.value)
    assert "排序理由" in rows[-1].value
    assert d.export_lang.value == "zh"  # exports follow the interface
    assert len(s.minutes.offers) == shown  # the same plans, not shown again
    s.set_option(0, "term", "40")
    s.refresh()
    assert s.minutes.offers[-1].description == s.slots[0].plan.describe("zh")
    findings = " ".join(c.findings.value for c in d.columns)
    assert "[info]" not in findings and "info (" not in findings


def test_every_label_switches_language():
    d = dash3()
    d.lang.value = "zh"
    for key in ("creditor_npv", "total_paid", "default_probability"):
        assert ROW_LABELS["zh"][key] in d.compare.value
    assert d.charts.figures["payments"].title == "还款额与借款人现金流"
    assert d.columns[0].controls["term"].description == "期限（月）"
    assert d.suggest_button.description == "推荐方案" and d.tabs.titles[2] == "会谈记录"
    assert d.columns[0].controls["method"].value == "level"
    assert "已更新" in d.status.value
    d.lang.value = "en"
    assert (
        "Creditor NPV if all paid" in d.compare.value
        and d.columns[0].controls["term"].description == "Term (months)"
    )
    assert all(len(v) == 2 and all(v) for v in TEXT.values())


def test_the_meeting_record_keeps_every_offer_with_its_time_and_the_accepted_one():
    d = dash3()
    d.columns[0].controls["term"].value = "48"
    d.columns[0].controls["term"].value = "forty"  # refused: nothing new on the table
    d.columns[2].accept.value = True
    rec = d.session.minutes
    assert [o.plan for o in rec.offers] == THREE + ["Bank proposal"]
    assert [o.shown_at.minute for o in rec.offers] == [1, 1, 1, 2]
    last = rec.offers[-1]
    sched = CASE.plan("Bank proposal").replace(term=48).schedule(CASE.claim)
    assert last.term == 48 and last.total_paid == sched.table["payment"].sum() == sched.total_paid
    seasonal = CASE.plan("Seasonal 48")
    assert rec.offers[2].total_waived == seasonal.terms(CASE.claim).waived / Decimal(100)
    assert rec.accepted.plan == "Seasonal 48" and rec.accepted.accepted_at is not None
    assert "Accepted" in d.columns[2].accept.description and "yes" in d.minutes.value
    d.columns[2].accept.value = False
    assert rec.accepted is None


def test_minutes_show_amounts_and_probabilities_as_the_comparison_does():
    d = dash3()
    s = d.session
    offer = s.minutes.offers[0]
    shown = s.view.comparison.formatted().loc[:, "Bank proposal"]
    md = s.minutes_text("md")
    # the comparison's own text of the same figures (separators; probability in percent)
    assert shown["Total paid"].rstrip("*") in md and f"{offer.total_paid:,.2f}" in md
    p = format_probability(float(offer.default_probability))
    assert p.endswith("%") and f"| {p} |" in md
    assert f"{offer.total_paid:f}" not in md  # no bare 1320733.05
    # the CSV keeps plain numbers for a spreadsheet
    rows = list(csv.reader(io.StringIO(s.minutes_text("csv"))))
    assert format(offer.total_paid, "f") in [c for r in rows for c in r]


def test_minutes_are_escaped_and_safe_in_a_spreadsheet():
    d = dash3()
    d.columns[0].name.value = '=HYPERLINK("http://x","<script>")'
    s = d.session
    rows = list(csv.reader(io.StringIO(s.minutes_text("csv"))))
    assert ["'" + '=HYPERLINK("http://x","<script>")'] == [
        r[1] for r in rows if len(r) > 1 and "HYPERLINK" in r[1]
    ]
    assert "<script>" not in s.minutes_text("html") and "&lt;script&gt;" in s.minutes_text("html")
    assert "<script>" not in s.minutes_text("md")
    assert _safe_filename('a/b\\c:d*?"<>|') == "a_b_c_d_"


def test_the_saved_case_holds_the_plans_settings_and_record():
    d = dash3()
    d.columns[0].controls["term"].value = "48"
    d.creditor_controls["recovery_rate"].value = "0.4"
    d.columns[1].accept.value = True
    back = Case.loads(d.session.case_text("toml"))
    assert list(back.plans)[:3] == THREE and "Settlement" in back.plans
    assert back.plan("Bank proposal").term == 48
    assert back.creditor.enforcement.recovery_rate == 0.4
    assert back.cashflow == CASE.cashflow and back.projection == CASE.projection
    shown = [e for e in back.meeting if e.get("event") == "shown"]
    assert [e["plan"] for e in shown] == THREE + ["Bank proposal"]
    assert [e["accepted"] for e in shown] == [False, True, False, False]
    assert Decimal(shown[-1]["total_paid"]) == d.session.minutes.offers[-1].total_paid
    # a case saved with a record keeps it as the earlier part of the next session's record
    again = Session(back)
    assert len(again.minutes.rows()) == 4 and again.minutes.offers == []


def test_exports_are_the_reports_of_the_library(tmp_path):
    d = dash3()
    d.columns[1].accept.value = True
    plan = CASE.plan("Borrower proposal")
    csv_text = d.annex(format="csv", lang="en")  # the accepted plan by default
    want = report.render(
        plan.schedule(CASE.claim),
        "csv",
        lang="en",
        claim=CASE.claim,
        plan=plan,
        borrower=CASE.borrower.other_name,
        creditor=CASE.creditor_party.other_name,
        security=CASE.security,
        contract=CASE.contract,
        borrower_party=CASE.borrower,
    )
    assert csv_text == want
    assert "Loan contract No.,JNB-SZ-2025-LD-0318" in csv_text
    links = d.downloads_html("Borrower proposal", "xlsx", lang="zh")
    hrefs = re.findall(r'href="data:([^;]+);base64,([^"]+)"', links)
    assert [m for m, _ in hrefs] == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/markdown",
        "application/toml",
    ]
    xlsx = base64.b64decode(hrefs[0][1])
    assert xlsx[:2] == b"PK"
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    numbers = [
        c.value
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, (int, float))
    ]
    sched = plan.schedule(CASE.claim)
    assert float(sched.table["payment"].iloc[-1]) in numbers
    assert base64.b64decode(hrefs[1][1]).decode("utf-8") == d.session.minutes_text("md")
    paths = d.export(tmp_path, format="html", lang="zh")
    assert paths["annex"].name == "Borrower proposal annex (zh).html"
    assert Case.load(paths["case"]).plan("Borrower proposal") == plan
    assert paths["minutes"].read_text(encoding="utf-8") == d.session.minutes_text("md")
    with pytest.raises(InputError):
        d.export(tmp_path / "missing")
    d._on_prepare()
    assert "rp-download-annex" in d.downloads.value


def test_the_dashboard_never_dies_with_a_traceback(monkeypatch):
    d = dash3()

    def broken():
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(d.session, "refresh", broken)
    d.columns[0].controls["term"].value = "48"  # no exception reaches the caller
    assert "RuntimeError" in d.status.value and "disk on fire" in d.status.value
    d._on_upload({"new": ({"name": "x.csv", "content": memoryview(b"\xff\xfe")},)})
    assert d.upload_error.value or "Error" in d.status.value


def test_session_rejects_what_is_not_a_case_or_a_plan():
    with pytest.raises(InputError, match="a repayplan.case.Case"):
        Session("case.toml")
    with pytest.raises(InputError, match="the name of a plan of the case"):
        Session(CASE, plans=["No such plan"])
    with pytest.raises(InputError, match="at most 4 plans"):
        Session(CASE, plans=THREE + ["Settlement", "Bank proposal"])
    s = Session(CASE, plans=["Settlement"])
    assert s.names == ["Settlement", "Contract terms"]  # made up to two
    with pytest.raises(InputError, match="a plan column from 0 to 1"):
        s.set_option(5, "term", "12")


def test_labels_and_parsing():
    assert text("suggest_done", "zh", n=1, m=360) == "已添加 1 个方案；共评估 360 个。"
    assert parse_option("term", "1,200") == 1200 and parse_option("settlement_by", " ") is None
    assert parse_option("seasonal", "1；1，1") == ("1", "1", "1")
    assert option_text(1e-05) == "0.00001" and option_text((1.0, 0.5)) == "1, 0.5"
    rec = MeetingRecord()
    assert "No plan shown yet." in rec.render("md") and rec.accepted is None


def test_dashboard_from_a_case_file(tmp_path):
    path = tmp_path / "case.toml"
    CASE.save(path)
    d = Dashboard.from_file(path, lang="zh")
    assert d.session.names == list(CASE.plans) and d.session.lang == "zh"
    assert "强制执行净现值" in d.compare.value


def test_static_charts_render_and_the_band_follows_an_undated_projection():
    s = Session(CASE, plans=THREE)
    png = render_png(s.refresh().charts, "zh")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    cf = rp.CashFlow.project(base=1000, months=24, seed=1)  # no start: month 1 is its first month
    band = cash_band(cf, CASE.claim, 12)
    assert band.index[0] == pd_period(CASE.claim.as_of, 1) and band["mean"].iloc[0] == 1000


def test_launcher_command_and_errors(capsys):
    cmd = voila_command("nb.ipynb", 8899, python="py")
    assert cmd[:8] == [
        "py",
        "-m",
        "voila",
        "nb.ipynb",
        "--no-browser",
        "--port=8899",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=False",
    ]
    assert "--template=repayplan" in cmd  # the lab template without CDN style sheets
    assert "--MappingKernelManager.cull_idle_timeout=300" in cmd  # kernels of closed pages stop
    assert 0 < free_port() < 65536
    with pytest.raises(InputError, match="an existing .ipynb file"):
        start("no-such-notebook.ipynb")
    assert serve_main(["--notebook", "no-such-notebook.ipynb"]) == 1
    assert "an existing .ipynb file" in capsys.readouterr().err


def test_a_case_with_cash_data_starts_from_the_data_and_can_switch_to_a_projection():
    data_case = CASE.replace(cashflow=CASE.cashflow)  # monthly data, no projection kept
    assert data_case.projection is None
    d = Dashboard(data_case, plans=THREE)
    assert d.session.cash_source == "data" and d.cash_source.value == "data"
    assert "500 scenario(s) × 120 months from 2026-07" in d.cash_info.value
    # the form starts from the data's months, start, buffer and first-year mean
    assert d.cash_controls["months"].value == "120" and d.cash_controls["start"].value == "2026-07"
    assert d.cash_controls["buffer"].value == "180000.00"
    first_year = round(float(CASE.cashflow.values[:, :12].mean()))
    assert d.cash_controls["base"].value == str(first_year)
    assert d.cash_controls["volatility"].value == "0"  # a flat, certain projection to start from
    d.cash_controls["base"].value = "50000"
    assert d.session.cash_source == "projection" and d.cash_source.value == "projection"
    np.testing.assert_array_equal(d.session.view.charts.cash["mean"].to_numpy(), 50_000.0)


# ---------------------------------------------------------------------------------------
# the cockpit, final round (issue 20): Δ, definitions, Chinese words and keys, Accept on
# reload, the borrower's comparison sheet
# ---------------------------------------------------------------------------------------
def row_cells(html_table: str, key: str) -> list[str]:
    """The cells (inner HTML) of the comparison's row of metric ``key``."""
    row = re.search(rf"<tr class='rp-row-{key}'>(.*?)</tr>", html_table)
    assert row, key
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def test_an_edit_shows_the_change_against_the_plans_previous_version():
    d = dash3()
    assert "class='rp-delta'" not in d.compare.value  # nothing edited yet: no Δ
    before = library_compare([CASE.plan(n) for n in THREE]).table
    d.columns[0].controls["term"].value = "48"
    after = library_compare(
        [
            CASE.plan("Bank proposal").replace(term=48),
            CASE.plan("Borrower proposal"),
            CASE.plan("Seasonal 48"),
        ]
    ).table
    cells = row_cells(d.compare.value, "total_paid")
    change = Decimal(f"{after.loc['total_paid', 'Bank proposal']:.2f}") - Decimal(
        f"{before.loc['total_paid', 'Bank proposal']:.2f}"
    )
    sign = "+" if change > 0 else "−"
    assert f"Δ {sign}{abs(change):,.2f}" in cells[0]
    assert "class='rp-delta'" not in cells[1] + cells[2]  # plans not edited
    assert "Δ +12</span>" in row_cells(d.compare.value, "term")[0]  # 36 -> 48 months
    assert not re.search(
        r"Δ [+−]0(\.0+)?( |<)", d.compare.value
    )  # no change that rounds to nothing
    # the previous version is the one before the last edit
    d.columns[0].controls["term"].value = "60"
    assert "Δ +12</span>" in row_cells(d.compare.value, "term")[0]  # 48 -> 60
    # percentage points for a fraction, in the interface language
    d.lang.value = "zh"
    rec = row_cells(d.compare.value, "recovery_rate")[0]
    assert "个百分点" in rec or "class='rp-delta'" not in rec


def test_the_comparison_marks_only_the_librarys_best_among_feasible_plans_and_defines_each_row():
    from repayplan.evaluate import ALL_METRICS
    from repayplan.notebook.comparison import DEFINITIONS_ZH, comparison_html

    claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=dt.date(2026, 12, 1))
    cash = rp.CashFlow([15_000.0] * 24, start="2027-01")
    plans = [
        rp.Plan(term=12, name="12 months"),
        rp.Plan(term=24, name="24 months"),
        rp.Plan(term=24, down_payment=50_000, name="50k down"),
    ]
    c = rp.compare(plans, claim, cash, rp.Creditor(0.06))
    page = comparison_html(c, "en")
    marked = len(re.findall(r"class='rp-best", page))
    assert marked == int(c.better.to_numpy().sum()) > 0
    assert not c.better["50k down"].any() and "50k down ✗" in page  # infeasible: no marks
    # each row's label carries its definition (and whose view it serves) on hover
    for key in c.table.index:
        assert f"title='{html.escape(ALL_METRICS[key][3], quote=True)}" in page, key
    zh = comparison_html(c, "zh")
    assert set(DEFINITIONS_ZH) >= set(c.table.index)
    assert (
        f"title='{DEFINITIONS_ZH['total_paid']}（" in zh
        or f"title='{DEFINITIONS_ZH['total_paid']} (" in zh
    )
    assert "还款总额" in zh and "Total paid" not in zh


def test_format_metric_speaks_chinese():
    from repayplan.books import RISK_CLASSES
    from repayplan.evaluate import format_metric

    # the five classes by the names of the 2023 measures (正常类, 关注类, 次级类, 可疑类, 损失类)
    assert [format_metric("risk_class", c, "zh") for c in RISK_CLASSES] == [
        "正常类",
        "关注类",
        "次级类",
        "可疑类",
        "损失类",
    ]
    assert [format_metric("risk_class", c) for c in RISK_CLASSES] == list(RISK_CLASSES)
    assert format_metric("first_month_below_minimum", float("nan"), "zh") == "从不"
    assert (
        format_metric("total_paid", 1234567.891, "zh")
        == format_metric("total_paid", 1234567.891)
        == "1,234,567.89"
    )
    with pytest.raises(InputError, match="lang"):
        format_metric("total_paid", 1.0, "fr")
    d = dash3(lang="zh")
    assert "次级类" in d.compare.value and "substandard" not in d.compare.value


def test_security_and_shock_boxes_read_either_language_and_show_the_interfaces():
    d = dash3()
    s = d.session
    security, shocks = s.case.creditor.enforcement.path, s.projection.shocks
    value = s.enforcement_view()["value"]
    d.lang.value = "zh"
    coll = d.security_controls["collateral"].value
    assert coll.startswith("名称=") and "类别=不动产" in coll and "评估价值=1380000" in coll
    assert "kind" not in coll and "appraisal" not in coll
    assert d.security_controls["guarantees"].value.count("类别=连带责任保证") == 1
    assert d.cash_controls["shocks"].value.startswith("概率=0.25，降幅=0.35")
    assert (
        "概率=" in d.cash_controls["shocks"].description
        or "概率" in d.cash_controls["shocks"].description
    )
    # the Chinese text is read as the English was: the same security, the same value
    d.security_controls["collateral"].value = coll  # typed again, as shown
    assert s.errors.get(("security", "collateral")) is None
    assert s.enforcement_view()["value"] == pytest.approx(value, rel=1e-12)
    assert s.case.creditor.enforcement.path.security == security.security
    # a Chinese key typed with a new figure changes it
    d.security_controls["collateral"].value = coll.replace(
        "评估价值=1380000.00", "评估价值=1000000"
    )
    assert s.case.creditor.enforcement.path.security.collateral[0].appraisal == 1_000_000
    d.cash_controls["shocks"].value = "概率=0.25，降幅=0.35，结束月=35，说明=loss of main customer"
    assert s.projection.shocks == shocks
    # back to English: English keys, same values
    d.lang.value = "en"
    assert d.security_controls["collateral"].value.startswith("name=厂房")
    assert "appraisal=1000000" in d.security_controls["collateral"].value
    assert (
        d.cash_controls["shocks"].value
        == "probability=0.25, impact=0.35, end=35, label=loss of main customer"
    )
    # an unknown key is refused in words, in either language
    assert "one of name" in d.session.set_security("collateral", "名称=厂房，颜色=红")


def test_an_uploaded_csv_may_name_its_columns_in_chinese():
    rows = "".join(f"{m},20000\n" for m in pd_range("2026-07", 120))
    en, zh = Session(CASE, plans=THREE), Session(CASE, plans=THREE)
    assert en.upload_cash(("month,available\n" + rows).encode(), "a.csv") is None
    assert zh.upload_cash(("\ufeff月份,可用现金\n" + rows).encode("utf-8"), "a.csv") is None
    np.testing.assert_array_equal(zh.case.cashflow.values, en.case.cashflow.values)
    assert str(zh.case.cashflow.start) == "2026-07"
    assert "月份" in text("upload_csv", "zh") and "可用现金" in text("upload_csv", "zh")


def pd_range(start, n):
    import pandas as pd

    return pd.period_range(start, periods=n, freq="M")


def test_a_reload_restores_the_accepted_plan_without_recording_it_twice(tmp_path):
    from repayplan.notebook.persist import RegisterDashboard

    path = tmp_path / "r.sqlite"
    one = RegisterDashboard(CASE, plans=THREE, register=path, clock=Clock())
    one.dashboard.columns[2].accept.value = True  # saved at once
    assert one.state()["accepted"] == "Seasonal 48"
    two = RegisterDashboard(CASE, plans=THREE, register=path, clock=Clock())
    d = two.dashboard
    assert d.columns[2].accept.value and not d.columns[0].accept.value
    assert d.session.accepted.name == "Seasonal 48" and d.export_plan.value == "Seasonal 48"
    accepted = [e for e in d.session.to_case().meeting if e.get("accepted")]
    assert [e["plan"] for e in accepted] == ["Seasonal 48"]  # once, as recorded before the reload
    # withdrawn after the reload: no plan reads accepted, the register keeps that
    d.columns[2].accept.value = False
    assert not [e for e in d.session.to_case().meeting if e.get("accepted")]
    three = RegisterDashboard(CASE, plans=THREE, register=path, clock=Clock())
    assert three.dashboard.session.accepted is None and "accepted" not in three.state()
    # another plan accepted after a reload replaces the earlier acceptance
    three.dashboard.columns[0].accept.value = True
    four = RegisterDashboard(CASE, plans=THREE, register=path, clock=Clock())
    assert [e["plan"] for e in four.dashboard.session.to_case().meeting if e.get("accepted")] == [
        "Bank proposal"
    ]
    for r in (one, two, three, four):
        r.close()


def test_the_borrowers_comparison_sheet_button(monkeypatch):
    d = dash3()
    assert d.forecast_chart.layout.display == "none"  # no history: no empty image box
    calls = []
    real = report.comparison_sheet

    def sheet(*args, **kw):
        calls.append((args, kw))
        return real(*args, **kw)

    monkeypatch.setattr(report, "comparison_sheet", sheet)
    d.lang.value = "zh"
    d.sheet_format.value = "xlsx"
    d.sheet_button.click()
    args, kw = calls[-1]
    assert list(args[0]) == d.session.plans and kw["lang"] == "zh" and kw["format"] == "xlsx"
    assert args[1] is d.session.case.claim and kw["borrower"] == CASE.borrower
    assert kw["constraints"] == CASE.negotiation.constraints  # feasible as the comparison says
    link = d.sheet_link.value
    assert 'download="方案比较 (zh).xlsx"' in link
    data = base64.b64decode(re.search(r"base64,([^\"]+)\"", link).group(1))
    # the very bytes the library writes for these plans, in the interface's language
    assert kw["title"] is None  # the sample's title is English: the Chinese sheet's own heading
    expected = real(
        d.session.plans,
        CASE.claim,
        CASE.cashflow,
        CASE.creditor,
        format="xlsx",
        lang="zh",
        borrower=CASE.borrower,
        creditor_party=CASE.creditor_party,
        constraints=CASE.negotiation.constraints,
    )
    import openpyxl

    def cells(blob):
        ws = openpyxl.load_workbook(io.BytesIO(blob)).active
        return [[c.value for c in row] for row in ws.iter_rows()]

    assert cells(data) == cells(expected)
    assert text("sheet", "zh") in [d.sheet_button.description]


_NAMES = (
    st.text(alphabet=st.sampled_from(list("厂房设备abcXYZ ()-0123456789")), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            _NAMES,
            st.sampled_from(["real_estate", "equipment", "receivables", "equity", "deposits"]),
            st.integers(1, 10**8),
            st.integers(1, 3),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_security_box_reads_the_same_in_either_language(items):
    from repayplan.notebook.session.options import COLLATERAL_KEYS as _COLLATERAL_KEYS
    from repayplan.notebook.session.options import parse_items as _parse_items
    from repayplan.notebook.session.options import translate_pairs

    en = "\n".join(f"name={n}, kind={k}, appraisal={a}, lien_rank={r}" for n, k, a, r in items)
    zh = translate_pairs(en, "zh")
    assert not re.search(r"\b(name|kind|appraisal|lien_rank)=", zh)
    assert translate_pairs(zh, "en") == en  # the round trip is exact
    want = [{"name": n, "kind": k, "appraisal": a, "lien_rank": r} for n, k, a, r in items]
    assert (
        _parse_items(zh, "collateral", _COLLATERAL_KEYS)
        == _parse_items(en, "collateral", _COLLATERAL_KEYS)
        == want
    )
