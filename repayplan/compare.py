"""Side-by-side comparison of plans: metrics as rows, plans as columns, the better value marked.

Each metric serves one side's view (:data:`repayplan.evaluate.ALL_METRICS`: ``creditor``,
``borrower`` or ``both``) and the best value of a row is marked only among the *feasible*
plans: no rule error, a signing payment the borrower can pay out of its cash at hand, not
certain to default, and, when constraints are given, every :class:`repayplan.Constraints`.
An infeasible plan is shown with the reason.  A plan certain to default gets no green
DSCR.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from .errors import InputError
from .evaluate import ALL_METRICS, evaluate, format_metric
from .text import by_language

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["Comparison", "compare", "ROW_LABELS"]

#: Row labels of the comparison table in English and Chinese.
ROW_LABELS = by_language("compare.rows")  # from the text catalogue (repayplan.text)


@dataclass(frozen=True, eq=False)
class Comparison:
    """The comparison of several plans.

    Attributes
    ----------
    table : DataFrame
        The numeric metrics as rows (keys of :data:`repayplan.evaluate.ALL_METRICS`), plans as
        columns.
    better : DataFrame of bool
        Same shape: ``True`` where the value is the best of its row among the feasible plans
        (higher or lower as the metric's direction says; rows without a direction are never
        marked, nor is a row where every feasible plan ties).
    metrics : DataFrame
        The :func:`repayplan.evaluate` frame (plans as rows), risk class and observation end
        included.
    feasible : Series of bool
        Whether each plan may be offered (see the module docstring).
    reasons : Series of str
        Why a plan is infeasible ("" when it is feasible).
    sides : Series of str
        Whose view each row serves: ``"creditor"``, ``"borrower"`` or ``"both"``.
    lang : {"en", "zh"}

    Examples
    --------
    120,000.00 at 6 % over one year or two, for a borrower with a steady 15,000.00 a month.
    The level payments are ``120,000 × 0.005 / (1 − 1.005^−n)``: 10,327.97 for 12 months
    and 5,318.47 for 24 (the last payment of each absorbs the rounding, 10,327.99 and
    5,318.58), so the shorter plan costs less in all and the longer one leaves more cover:
    ``180,000 / 123,935.66 = 1.45`` against ``180,000 / 63,822.26 = 2.82`` in the first year.

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
    >>> c.better.loc[["total_paid", "dscr"]]
    plan        12 months  24 months
    total_paid       True      False
    dscr            False       True
    >>> c.sides[["total_paid", "expected_npv", "dscr"]].tolist()
    ['borrower', 'creditor', 'both']
    """

    table: pd.DataFrame
    better: pd.DataFrame
    metrics: pd.DataFrame
    plans: list
    lang: str = "en"
    feasible: pd.Series | None = None
    reasons: pd.Series | None = None
    sides: pd.Series | None = None

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

        The risk class and the observation period's end follow the numbers; when a plan is
        infeasible a last row says why.

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
        >>> c.formatted().loc[["Total paid", "Largest payment", "DSCR (lowest plan year, mean cash)"]]
        plan                                  12 months   24 months
        Total paid                          123,935.66*  127,643.39
        Largest payment                       10,327.99   5,318.58*
        DSCR (lowest plan year, mean cash)         1.45       2.82*

        A down payment the borrower cannot pay makes the plan infeasible; it gets no marks:

        >>> c = compare([Plan(term=12, name="12 months"), Plan(term=24, down_payment=50_000, name="50k down")],
        ...             claim, CashFlow([15_000.0] * 24, start="2027-01"), Creditor(0.06))
        >>> print(c.formatted().loc["Feasible", "50k down"])
        no: signing payment 50,000.00 above the cash at hand 0.00; certain to default (every scenario)
        >>> bool(c.better["50k down"].any())
        False
        """
        lang = self._lang(lang)
        out = self.table.astype(object).copy()
        for key in self.table.index:
            for col in self.table.columns:
                mark = "*" if self.better.loc[key, col] else ""
                out.loc[key, col] = format_metric(key, self.table.loc[key, col]) + mark
        for key in ("risk_class", "observation_end"):
            if key in self.metrics.columns:
                out.loc[key] = [format_metric(key, v) for v in self.metrics[key]]
        if self.reasons is not None and (self.reasons != "").any():
            no, yes = ("否：", "是") if lang == "zh" else ("no: ", "yes")
            out.loc["feasible"] = [no + r if r else yes for r in self.reasons]
        return out.rename(index=ROW_LABELS[lang])

    def __repr__(self) -> str:
        return (
            f"Comparison of {len(self.plans)} plans (* best of the row among feasible plans)\n"
            + self.formatted().to_string()
        )

    def _repr_html_(self) -> str:
        return self.to_html(self.lang)

    def to_html(
        self, lang: str | None = None, deltas: Mapping[str, pd.Series] | None = None
    ) -> str:
        """The comparison as an HTML table (the notebook's display and the dashboard's table).

        Parameters
        ----------
        lang : {"en", "zh"}, optional
            Row labels, definitions (on hover), sides and the words of
            :func:`repayplan.evaluate.format_metric`; default the comparison's own language
            (as :meth:`labelled`).
        deltas : mapping, optional
            ``{plan name: Series}``: the table's column of the previous version of a plan;
            each figure that changed shows its change ``Δ = now − before`` beneath it
            (:func:`delta_text`; a change that rounds to nothing is not shown).

        Returns
        -------
        str
            ``<table class="repayplan-compare">``: a row per metric (its label's ``title`` is
            the definition and the side it serves), a column per plan, the marked cells (the
            best of the row among the feasible plans, :attr:`better`) with the class
            ``rp-best``, an infeasible plan's column greyed with ``✗`` and its reason, and a
            last column naming whose view the row serves.  Every text is HTML-escaped.

        Examples
        --------
        12 against 24 months on 120,000.00 at 6 %: the longer plan costs
        ``127,643.39 − 123,935.66 = 3,707.73`` more in all.

        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> cash = rp.CashFlow([15_000.0] * 24, start="2027-01")
        >>> c = rp.compare([rp.Plan(term=12, name="A"), rp.Plan(term=24, name="B")], claim, cash,
        ...                rp.Creditor(0.06))
        >>> page = c.to_html("zh", deltas={"B": c.table["A"]})
        >>> "还款总额" in page, "+3,707.73" in page, "全部还款额之和" in page
        (True, True, True)
        >>> c._repr_html_() == c.to_html() == c.to_html(c.lang)
        True
        """
        lang = self._lang(lang)
        labels = ROW_LABELS[lang]
        sides = _SIDE_NAMES[lang]
        previous = deltas or {}
        table = self.table
        ok = self.feasible if self.feasible is not None else pd.Series(True, index=table.columns)

        def definition(key):
            english = ALL_METRICS[key][3]
            return _DEFINITIONS_ZH.get(key, english) if lang == "zh" else english

        reasons = self.reasons if self.reasons is not None else pd.Series("", index=table.columns)
        head = "".join(
            f"<th>{escape(str(c))}</th>"
            if ok[c]
            else f"<th class='rp-infeasible' title='{escape(str(reasons.get(c, '')), quote=True)}' "
            f"style='color:#a33'>{escape(str(c))} ✗</th>"
            for c in table.columns
        )
        body = []
        for key, row in cast("Iterable[tuple[str, pd.Series]]", table.iterrows()):
            cells = []
            for col, v in cast("Iterable[tuple[str, object]]", row.items()):
                best = bool(self.better.loc[key, col])
                style = (
                    ' style="background:#d9f2d9;font-weight:bold"'
                    if best
                    else (' style="color:#888"' if not ok[col] else "")
                )
                cls = "rp-best rp-delta-cell" if best else "rp-delta-cell"
                before = previous.get(col)
                change = (
                    _changed(v, before[key]) if before is not None and key in before.index else None
                )
                delta = ""
                shown = delta_text(key, change, lang) if change is not None else ""
                if any(ch in "123456789" for ch in shown):  # a change that rounds to nothing
                    words = escape(_WORDS[lang]["delta"].format(shown))
                    delta = f"<span class='rp-delta' title='{words}'>Δ {escape(shown)}</span>"
                cells.append(
                    f"<td class='{cls}'{style}><span class='rp-value'>"
                    f"{escape(format_metric(key, v, lang))}</span>{delta}</td>"
                )
            side = self.sides[key] if self.sides is not None else ALL_METRICS[key][0]
            title = f"{definition(key)} ({sides[side]})"
            body.append(
                f"<tr class='rp-row-{escape(key)}'><th title='{escape(title, quote=True)}'>"
                f"{escape(labels[key])}</th>{''.join(cells)}"
                f"<td class='rp-side'>{escape(sides[side])}</td></tr>"
            )
        for key in ("risk_class", "observation_end"):
            if key in self.metrics.columns:
                values = "".join(
                    f"<td>{escape(format_metric(key, v, lang))}</td>" for v in self.metrics[key]
                )
                title = f"{definition(key)} ({sides['creditor']})"
                body.append(
                    f"<tr class='rp-row-{key}'><th title='{escape(title, quote=True)}'>"
                    f"{escape(labels[key])}</th>"
                    f"{values}<td class='rp-side'>{escape(sides['creditor'])}</td></tr>"
                )
        if self.reasons is not None and (self.reasons != "").any():
            cells_ = "".join(
                f"<td class='rp-infeasible-reason' style='color:#a33'>{escape(r)}</td>"
                if r
                else "<td>✓</td>"
                for r in self.reasons
            )
            body.append(
                f"<tr class='rp-row-feasible'><th>{escape(labels['feasible'])}</th>"
                f"{cells_}<td></td></tr>"
            )
        return (
            f"<table class='repayplan-compare'><thead><tr><th></th>{head}<th></th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )


def delta_text(key: str, change: float, lang: str = "en") -> str:
    """A change of a metric as text: signed, in the metric's unit (fractions in percentage points).

    >>> delta_text("total_paid", -1234.5), delta_text("recovery_rate", 0.0123), delta_text("term", 12.0)
    ('−1,234.50', '+1.2 pp', '+12')
    >>> delta_text("default_probability", -0.05, "zh"), delta_text("dscr", 0.104)
    ('−5.0 个百分点', '+0.10')
    """
    unit = ALL_METRICS.get(key, (None, None))[1] or ""
    sign = "+" if change > 0 else "−"
    size = abs(change)
    from .report.formats import format_number  # the one formatter of figures

    if unit == "currency":
        body = format_number(size, 2)
    elif unit == "probability" or unit.startswith("fraction"):
        places = 2 if unit == "fraction a year" else 1
        body = format_number(size * 100, places, grouping=False)  # percentage points
        body += " 个百分点" if lang == "zh" else " pp"
    elif unit in ("months", "count", "month"):
        body = format_number(size, 1) if size != int(size) else f"{int(size)}"
    else:
        body = format_number(size, 2)
    return sign + body


def _changed(a, b) -> float | None:
    """``a - b`` when both are finite numbers that differ, else None."""
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(a) and math.isfinite(b)) or a == b:
        return None
    return a - b


# the words of the HTML table, from the text catalogue (repayplan.text): whose view a row
# serves, the Δ caption, and the metrics' definitions (English: ALL_METRICS's own)
_SIDE_NAMES = by_language("comparison.sides")
_WORDS = by_language("comparison.words")
_DEFINITIONS_ZH = by_language("comparison.definitions")["zh"]

_REASONS = by_language("compare.reasons")["en"]
_REASONS_ZH = by_language("compare.reasons")["zh"]


def feasibility(
    frame: pd.DataFrame, plans, claim, cashflow, constraints=None, creditor=None, lang: str = "en"
) -> pd.Series:
    """Why each evaluated plan may not be offered ("" when it may), one string per plan.

    Always: no error among the rule findings (the rule set's and :func:`repayplan.evaluate.plan_findings`'),
    a signing payment within the cash at hand, a default probability below 1; with
    ``constraints`` also every :class:`repayplan.Constraints` (and its rate floor, given the
    ``creditor``).

    Examples
    --------
    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([15_000.0] * 24, start="2027-01")
    >>> plans = [rp.Plan(term=12), rp.Plan(term=9)]      # 9 months: 13,668.91 a month, 15,000 of cash
    >>> frame = rp.evaluate(plans, claim, cash, rp.Creditor(0.06))
    >>> feasibility(frame, plans, claim, cash, rp.Constraints(), rp.Creditor(0.06)).tolist()
    ['', 'DSCR (lowest plan year, mean cash) of at least 1.2 (it reaches 1.10)']
    >>> feasibility(frame, plans, claim, cash, rp.Constraints(), rp.Creditor(0.06), lang="zh").tolist()[1]
    '按平均现金计最弱计划年度的 DSCR 不低于 1.2（实际 1.10）'
    """
    from . import rules
    from ._validate import check_choice
    from .evaluate import plan_findings

    reasons_text = _REASONS_ZH if check_choice("lang", lang, ("en", "zh")) == "zh" else _REASONS
    extra = plan_findings(plans, claim, frame["upfront_shortfall"].to_numpy(), cashflow)
    have = float(cashflow.buffer) - float(cashflow.minimum_cash)
    out = []
    hard = []
    for i, plan in enumerate(plans):
        why = []
        errors = [f for f in rules.check(plan, claim) if f.severity == "error"]
        hard.append(bool(errors))
        if errors:
            why.append(reasons_text["rule"].format(errors[0].rule))
        gap = float(frame["upfront_shortfall"].iloc[i])
        if gap > 0:
            why.append(reasons_text["cash"].format(gap + have, have))
        elif any(f.severity == "error" for f in extra[i]):
            why.append(
                reasons_text["rule"].format(next(f.rule for f in extra[i] if f.severity == "error"))
            )
        if float(frame["default_probability"].iloc[i]) >= 1:
            why.append(reasons_text["certain"])
        out.append(why)
    if constraints is not None:
        f = frame.reset_index(drop=True).assign(
            plan=list(plans),
            rate=[
                float(claim.annual_rate) if p.annual_rate is None else p.annual_rate for p in plans
            ],
        )
        checks = constraints.checks(f, np.array(hard), claim=claim, creditor=creditor)
        for name, ok in checks.items():
            if name == "hard_rules":
                continue
            for i in np.flatnonzero(~ok).tolist():
                out[i].append(constraints.explain(name, f.iloc[i], lang))
    return pd.Series(["; ".join(w) for w in out], index=frame.index, name="reason")


def compare(
    plans,
    claim,
    cashflow,
    creditor,
    *,
    lang: str = "en",
    metrics: pd.DataFrame | None = None,
    constraints=None,
) -> Comparison:
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
    constraints : Constraints, optional
        Also mark infeasible the plans that break these (default: only the plans with a rule
        error, a signing payment above the cash at hand or a certain default).

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
    >>> c.better.loc["dscr"].tolist(), c.better.loc["total_paid"].tolist()
    ([False, True], [True, False])
    """
    from ._validate import check_choice, check_claim, check_items
    from .evaluate import Plan

    check_choice("lang", lang, tuple(ROW_LABELS))
    plans = check_items("plans", plans, Plan, "a repayplan.Plan")
    check_claim("claim", claim)
    if constraints is not None:
        from .negotiate import Constraints

        if not isinstance(constraints, Constraints):
            raise InputError(
                "constraints", type(constraints).__name__, "None or a repayplan.Constraints"
            )
    if metrics is not None and not isinstance(metrics, pd.DataFrame):
        raise InputError("metrics", metrics, "None or the DataFrame of evaluate()")
    frame = metrics if metrics is not None else evaluate(plans, claim, cashflow, creditor)
    # min_dscr is monthly_dscr under its old name: shown once
    numeric = [
        c
        for c in frame.columns
        if c in ALL_METRICS and ALL_METRICS[c][1] not in ("class", "date") and c != "min_dscr"
    ]
    table = frame[numeric].T.copy()
    if "upfront_shortfall" not in frame.columns:  # a frame from elsewhere: no cash-at-hand test
        frame = frame.assign(upfront_shortfall=0.0)
    reasons = feasibility(frame, plans, claim, cashflow, constraints, creditor, lang=lang)
    reasons.index = table.columns
    feasible = reasons == ""
    better = pd.DataFrame(False, index=table.index, columns=table.columns)
    cols = feasible.to_numpy()
    for key in table.index:
        direction = ALL_METRICS[key][2]
        if direction is None or cols.sum() < 2:
            continue
        vals = pd.to_numeric(table.loc[key], errors="coerce").to_numpy(dtype=float)
        vals = np.where(cols, vals, np.nan)
        if np.all(np.isnan(vals)):
            continue
        best = np.nanmax(vals) if direction == "higher" else np.nanmin(vals)
        # values within 0.01% of the best (or a cent of money) are as good: a plan is not
        # "better" by rounding noise
        marks = (np.isclose(vals, best, rtol=1e-4, atol=0.01) | (vals == best)) & cols
        if marks[cols].all():
            continue  # a tie among the feasible plans marks nothing
        better.loc[key] = marks
    sides = pd.Series([ALL_METRICS[k][0] for k in table.index], index=table.index, name="side")
    return Comparison(
        table=table,
        better=better,
        metrics=frame,
        plans=plans,
        lang=lang,
        feasible=feasible,
        reasons=reasons,
        sides=sides,
    )
