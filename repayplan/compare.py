"""Side-by-side comparison of plans: metrics as rows, plans as columns, the better value marked."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from .errors import InputError
from .evaluate import METRICS, _fmt_metric, evaluate, format_metric

__all__ = ["Comparison", "compare", "ROW_LABELS"]

#: Row labels of the comparison table in English and Chinese.
ROW_LABELS = {
    "en": {
        "creditor_npv": "Creditor NPV if all paid", "expected_npv": "Creditor expected NPV",
        "enforcement_npv": "Enforcement NPV (alternative)", "margin": "Margin over enforcement",
        "recovery_rate": "Expected recovery rate", "irr": "Yield on the claim (IRR)",
        "default_probability": "Probability of default", "min_dscr": "Minimum DSCR (mean cash)",
        "dscr_p5": "Minimum DSCR (5th percentile)", "months_short": "Months short of cash",
        "burden": "Payments / cash flow (PV)", "peak_payment": "Largest payment",
        "total_paid": "Total paid", "total_waived": "Total waived", "term": "Term (months)",
        "rule_findings": "Rule findings", "borrower_cost": "Borrower's expected cost (PV)",
        "borrower_alternative": "Borrower's cost of enforcement (PV)",
    },
    "zh": {
        "creditor_npv": "全额履约净现值", "expected_npv": "债权人预期净现值",
        "enforcement_npv": "强制执行净现值（替代方案）", "margin": "较强制执行增益",
        "recovery_rate": "预期回收率", "irr": "债权收益率（IRR）",
        "default_probability": "违约概率", "min_dscr": "最低偿债覆盖率（均值现金流）",
        "dscr_p5": "最低偿债覆盖率（5%分位）", "months_short": "现金不足月数",
        "burden": "还款额/现金流（现值）", "peak_payment": "最大单期还款",
        "total_paid": "还款总额", "total_waived": "减免总额", "term": "期限（月）",
        "rule_findings": "合规提示", "borrower_cost": "借款人预期还款成本（现值）",
        "borrower_alternative": "借款人被强制执行成本（现值）",
    },
}


@dataclass(frozen=True, eq=False)
class Comparison:
    """The comparison of several plans.

    Attributes
    ----------
    table : DataFrame
        Metrics as rows (the keys of :data:`repayplan.evaluate.METRICS`), plans as columns.
    better : DataFrame of bool
        Same shape: ``True`` where the value is the best of its row (higher or lower as the
        metric's direction says; rows without a direction are never marked).
    metrics : DataFrame
        The :func:`repayplan.evaluate` frame (plans as rows).
    lang : {"en", "zh"}

    Examples
    --------
    120,000.00 at 6 % over one year or two, for a borrower with a steady 15,000.00 a month.
    The level payments are ``120,000 × 0.005 / (1 − 1.005^−n)``: 10,327.97 for 12 months
    and 5,318.47 for 24 (the last payment of each absorbs the rounding, 10,327.99 and
    5,318.58), so the shorter plan costs less in all and the longer one leaves more cover:
    ``15,000 / 10,327.99 = 1.45`` against ``15,000 / 5,318.58 = 2.82``.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.cashflow import CashFlow
    >>> from repayplan.evaluate import Creditor
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> cash = CashFlow([15_000.0] * 24, start="2027-01")
    >>> c = compare([Plan(term=12, name="12 months"), Plan(term=24, name="24 months")],
    ...             claim, cash, Creditor(0.06))
    >>> c.table.loc[["total_paid", "peak_payment"]]
    plan          12 months  24 months
    total_paid    123935.66  127643.39
    peak_payment   10327.99    5318.58
    >>> c.better.loc[["total_paid", "min_dscr"]]
    plan        12 months  24 months
    total_paid       True      False
    min_dscr        False       True
    """

    table: pd.DataFrame
    better: pd.DataFrame
    metrics: pd.DataFrame
    plans: list
    lang: str = "en"

    def _lang(self, lang) -> str:
        from ._validate import check_choice

        return self.lang if lang is None else check_choice("lang", lang, tuple(ROW_LABELS))

    def labelled(self, lang: str | None = None) -> pd.DataFrame:
        """The table with readable row labels in ``lang`` (default the comparison's).

        Examples
        --------
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.cashflow import CashFlow
        >>> from repayplan.evaluate import Creditor
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> c = compare([Plan(term=12, name="12 months"), Plan(term=24, name="24 months")],
        ...             claim, CashFlow([15_000.0] * 24, start="2027-01"), Creditor(0.06))
        >>> c.labelled("zh").loc[["还款总额", "最大单期还款"]]
        plan    12 months  24 months
        还款总额   123935.66  127643.39
        最大单期还款   10327.99    5318.58
        """
        labels = ROW_LABELS[self._lang(lang)]
        return self.table.rename(index=labels)

    def formatted(self, lang: str | None = None) -> pd.DataFrame:
        """The table as text (amounts with separators, fractions as percent), best values marked ``*``.

        Examples
        --------
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.cashflow import CashFlow
        >>> from repayplan.evaluate import Creditor
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> c = compare([Plan(term=12, name="12 months"), Plan(term=24, name="24 months")],
        ...             claim, CashFlow([15_000.0] * 24, start="2027-01"), Creditor(0.06))
        >>> c.formatted().loc[["Total paid", "Largest payment", "Minimum DSCR (mean cash)"]]
        plan                        12 months   24 months
        Total paid                123,935.66*  127,643.39
        Largest payment             10,327.99   5,318.58*
        Minimum DSCR (mean cash)         1.45       2.82*
        """
        lang = self._lang(lang)
        out = self.table.astype(object).copy()
        for key in self.table.index:
            for col in self.table.columns:
                mark = "*" if self.better.loc[key, col] else ""
                out.loc[key, col] = format_metric(key, self.table.loc[key, col]) + mark
        return out.rename(index=ROW_LABELS[lang or self.lang])

    def __repr__(self) -> str:
        return f"Comparison of {len(self.plans)} plans (* best of the row)\n" + self.formatted().to_string()

    def _repr_html_(self) -> str:
        labels = ROW_LABELS[self.lang]
        head = "".join(f"<th>{escape(str(c))}</th>" for c in self.table.columns)
        body = []
        for key, row in self.table.iterrows():
            cells = []
            for col, v in row.items():
                style = ' style="background:#d9f2d9;font-weight:bold"' if self.better.loc[key, col] else ""
                cells.append(f"<td{style}>{_fmt_metric(key, v)}</td>")
            body.append(f"<tr><th title='{escape(METRICS[key][3])}'>{escape(labels[key])}</th>{''.join(cells)}</tr>")
        return (f"<table class='repayplan-compare'><thead><tr><th></th>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>")


def compare(plans, claim, cashflow, creditor, *, lang: str = "en", metrics: pd.DataFrame | None = None) -> Comparison:
    """Compare plans side by side (what the notebook shows during the negotiation).

    Parameters
    ----------
    plans : sequence of Plan
    claim, cashflow, creditor
        As for :func:`repayplan.evaluate`.
    lang : {"en", "zh"}
        Language of the row labels when displayed.
    metrics : DataFrame, optional
        A frame already computed by :func:`repayplan.evaluate` for these plans.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> cf = rp.CashFlow.project(base=60_000, months=60, seed=1)
    >>> c = rp.compare([rp.Plan(term=24, name="24 months"), rp.Plan(term=48, name="48 months")],
    ...                claim, cf, rp.Creditor(0.06))
    >>> c.better.loc["min_dscr"].tolist(), c.better.loc["total_paid"].tolist()
    ([False, True], [True, False])
    """
    from ._validate import check_choice, check_claim, check_items
    from .evaluate import Plan

    check_choice("lang", lang, tuple(ROW_LABELS))
    plans = check_items("plans", plans, Plan, "a repayplan.Plan")
    check_claim("claim", claim)
    if metrics is not None and not isinstance(metrics, pd.DataFrame):
        raise InputError("metrics", metrics, "None or the DataFrame of evaluate()")
    frame = metrics if metrics is not None else evaluate(plans, claim, cashflow, creditor)
    table = frame.T.copy()
    better = pd.DataFrame(False, index=table.index, columns=table.columns)
    for key in table.index:
        direction = METRICS[key][2]
        if direction is None or table.shape[1] < 2:
            continue
        vals = pd.to_numeric(table.loc[key], errors="coerce").to_numpy(dtype=float)
        if np.all(np.isnan(vals)):
            continue
        best = np.nanmax(vals) if direction == "higher" else np.nanmin(vals)
        # values within 0.01% of the best (or a cent of money) are as good: a plan is not
        # "better" by rounding noise
        marks = np.isclose(vals, best, rtol=1e-4, atol=0.01) | (vals == best)
        if marks.all():
            continue  # a tie everywhere marks nothing
        better.loc[key] = marks
    return Comparison(table=table, better=better, metrics=frame, plans=plans, lang=lang)
