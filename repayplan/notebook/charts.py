"""The dashboard's charts: their data (from the library) and their drawing (matplotlib).

:func:`chart_data` collects what the three charts show, every figure taken from the
library: the plans' payments and balances from the engine's batch
(:func:`repayplan.plans.plan_batch`), the borrower's cash band from
:meth:`repayplan.CashFlow.band`, each plan's recovery and burden from
:func:`repayplan.evaluate`, and the Pareto frontier from :func:`repayplan.negotiate`.
:func:`render_png` draws them with matplotlib's object API (no pyplot, no global state)
into PNG bytes for an ``ipywidgets.Image``.

Chart amounts are floats in currency units: a chart is analytics, never a statement of an
amount (the comparison table and the annex carry the exact figures).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from ..money import format_number
from .labels import text

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "ChartData",
    "chart_data",
    "cash_band",
    "payment_ceiling",
    "render_png",
    "recovery_png",
    "forecast_png",
]


@dataclass(frozen=True, eq=False)
class ChartData:
    """What the three charts show.

    Attributes
    ----------
    payments, balance : DataFrame
        One column per plan, indexed by month (``pandas.Period``; the claim month is month 0,
        when the signing payment falls): each month's payment and the balance after it.
    cash : DataFrame
        The borrower's cash in the same months from month 1: columns ``lower`` (5th
        percentile), ``mean``, ``upper`` (95th percentile).
    points : DataFrame
        One row per plan: ``burden`` and ``recovery_rate``.
    frontier, cloud : DataFrame
        ``burden`` and ``recovery_rate`` of the Pareto frontier and of every feasible plan
        searched by the last :func:`repayplan.negotiate` (empty before a search).
    enforcement : float
        The creditor's enforcement NPV as a share of the claim.
    currency : str

    Examples
    --------
    Made by :func:`chart_data`; see there.  The enforcement line of the default
    :class:`repayplan.evaluate.Enforcement` (half the claim, 18 months later, discounted
    at 6 % a year) is ``0.5 / 1.005^18 = 45.7 %`` of the claim:

    >>> from datetime import date
    >>> import repayplan as rp
    >>> from repayplan.evaluate import evaluate
    >>> from repayplan.plans import plan_batch
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30))
    >>> cash = rp.CashFlow([65_000.0] * 3, start="2026-07")
    >>> plans = [rp.Plan(term=3, name="3 months"), rp.Plan(term=2, name="2 months")]
    >>> batch = plan_batch(plans, claim)
    >>> data = chart_data(batch, evaluate(plans, claim, cash, rp.Creditor(0.06)), claim, cash)
    >>> round(data.enforcement, 4), data.currency, list(data.points.columns)
    (0.4571, 'CNY', ['burden', 'recovery_rate'])
    """

    payments: pd.DataFrame
    balance: pd.DataFrame
    cash: pd.DataFrame
    points: pd.DataFrame
    frontier: pd.DataFrame
    cloud: pd.DataFrame
    enforcement: float
    currency: str


def cash_band(cashflow, claim, months: int) -> pd.DataFrame:
    """The borrower's cash band for months 1..``months`` after the claim month.

    Placed on the calendar as :func:`repayplan.evaluate.align_cashflow` places the cash
    flow for the evaluation: a projection without a start month begins in month 1, a dated
    cash flow is read by its months.

    Returns
    -------
    DataFrame
        Columns ``lower``, ``mean``, ``upper`` (5th percentile, mean, 95th percentile),
        indexed by month; months the cash flow does not cover are NaN.

    Examples
    --------
    Two scenarios, 10,000 and 20,000 in the first month: the 5th percentile interpolates
    to ``10,000 + 0.05 × 10,000 = 10,500``, the 95th to 19,500.  The cash flow ends in
    September, so October is NaN.

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30))
    >>> cash = rp.CashFlow([[10_000.0, 12_000.0, 14_000.0], [20_000.0, 22_000.0, 24_000.0]],
    ...                    start="2026-07")
    >>> cash_band(cash, claim, 4)
               lower     mean    upper
    month
    2026-07  10500.0  15000.0  19500.0
    2026-08  12500.0  17000.0  21500.0
    2026-09  14500.0  19000.0  23500.0
    2026-10      NaN      NaN      NaN
    """
    from ..cashflow import DEFAULT_PROJECTION_START

    band = cashflow.band(0.05, 0.95)[["lower", "mean", "upper"]]
    first = pd.Period(claim.as_of, freq="M") + 1
    if cashflow.start == DEFAULT_PROJECTION_START:
        band.index = pd.period_range(first, periods=len(band), freq="M", name="month")
    want = pd.period_range(first, periods=months, freq="M", name="month")
    return band.reindex(want)


def chart_data(batch, frame: pd.DataFrame, claim, cashflow, negotiation=None) -> ChartData:
    """Collect the charts' data for the plans of ``batch``.

    Parameters
    ----------
    batch : repayplan.plans.PlanBatch
        The plans' schedules as arrays (:func:`repayplan.plans.plan_batch`).
    frame : DataFrame
        :func:`repayplan.evaluate` of the same plans (index: the plans' names).
    claim, cashflow
        The claim and the borrower's cash flow they were evaluated on.
    negotiation : repayplan.Negotiation, optional
        The last search: its frontier and the feasible plans it found.

    Returns
    -------
    ChartData

    Examples
    --------
    120,000.00 at 6 % over three months or two: level payments of
    ``120,000 × 0.005 / (1 − 1.005^−3) = 40,400.67`` and 60,450.37; the first month's
    interest is 600.00, so 80,199.33 is left after the first three-month payment.  A plan
    shows nothing after its last payment.

    >>> from datetime import date
    >>> import repayplan as rp
    >>> from repayplan.evaluate import evaluate
    >>> from repayplan.plans import plan_batch
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30))
    >>> cash = rp.CashFlow([65_000.0] * 3, start="2026-07")
    >>> plans = [rp.Plan(term=3, name="3 months"), rp.Plan(term=2, name="2 months")]
    >>> batch = plan_batch(plans, claim)
    >>> data = chart_data(batch, evaluate(plans, claim, cash, rp.Creditor(0.06)), claim, cash)
    >>> data.payments
             3 months  2 months
    month
    2026-06      0.00      0.00
    2026-07  40400.67  60450.37
    2026-08  40400.67  60450.38
    2026-09  40400.66       NaN
    >>> data.balance["3 months"].tolist()
    [120000.0, 80199.33, 40199.66, 0.0]
    """
    scale = 10.0**batch.units
    H = batch.payments.shape[1] - 1
    months = pd.period_range(
        pd.Period(claim.as_of, freq="M"), periods=H + 1, freq="M", name="month"
    )
    names = list(frame.index)
    payments = pd.DataFrame(batch.payments.T / scale, index=months, columns=names)
    balance = pd.DataFrame(batch.balance.T / scale, index=months, columns=names)
    # after its last payment a plan shows nothing (not a balance of zero for decades)
    last = batch.nrows
    beyond = np.arange(H + 1)[:, None] > last[None, :]
    payments = payments.mask(beyond)
    balance = balance.mask(beyond)
    points = frame[["burden", "recovery_rate"]].astype(float)
    empty = pd.DataFrame({"burden": [], "recovery_rate": []}, dtype=float)
    frontier, cloud = empty, empty
    if negotiation is not None:
        frontier = (
            negotiation.frontier[["burden", "recovery_rate"]].astype(float).reset_index(drop=True)
        )
        ev = negotiation.evaluated
        feas = ev[ev["feasible"]] if "feasible" in ev else ev
        cloud = feas[["burden", "recovery_rate"]].astype(float).reset_index(drop=True)
    enforcement = float(frame["enforcement_npv"].iloc[0]) / float(claim.total)
    return ChartData(
        payments=payments,
        balance=balance,
        cash=cash_band(cashflow, claim, H),
        points=points,
        frontier=frontier,
        cloud=cloud,
        enforcement=enforcement,
        currency=claim.currency,
    )


def payment_ceiling(data: ChartData) -> float:
    """The top of the payments chart: 1.5 times the larger of the best month's 95th-percentile
    cash and the median payment due.  A lump sum above it (a settlement, a down payment) is
    marked at the top edge with its amount, so it does not flatten the instalments.

    Examples
    --------
    >>> import pandas as pd
    >>> months = pd.period_range("2027-01", periods=3, freq="M")
    >>> d = ChartData(payments=pd.DataFrame({"a": [0.0, 100.0, 900.0]}, index=months), balance=None,
    ...               cash=pd.DataFrame({"lower": [50.0] * 3, "mean": [80.0] * 3, "upper": [120.0] * 3}),
    ...               points=None, frontier=None, cloud=None, enforcement=0.5, currency="CNY")
    >>> payment_ceiling(d)        # 1.5 x max(120, median of 100 and 900 = 500)
    750.0
    """
    pay = data.payments.to_numpy(dtype=float)
    due = pay[np.isfinite(pay) & (pay > 0)]
    upper = data.cash["upper"].to_numpy(dtype=float)
    cash_top = float(np.nanmax(upper)) if np.isfinite(upper).any() else 0.0
    typical = float(np.median(due)) if len(due) else 0.0
    return 1.5 * max(cash_top, typical, 1.0)


# ---------------------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------------------
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


@lru_cache(maxsize=1)
def _font_family() -> tuple[str, ...]:
    """DejaVu Sans, then an installed CJK font for the Chinese captions (if any)."""
    from matplotlib import font_manager

    from ..report import find_cjk_font

    families = ["DejaVu Sans"]
    path = find_cjk_font()
    if path is not None:
        try:
            font_manager.fontManager.addfont(str(path))
            families.append(font_manager.FontProperties(fname=str(path)).get_name())
        except (OSError, RuntimeError, ValueError):  # an unreadable font: captions in Latin only
            pass
    return tuple(families)


def _amount_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: format_number(x, 0))


def render_png(data: ChartData, lang: str = "en", *, dpi: int = 72, size=(15.0, 4.0)) -> bytes:
    """Draw the three charts side by side and return the PNG bytes.

    Payments above the visible range (a settlement, a down payment) are drawn at the top
    edge with their amount written beside them, so one lump sum does not flatten the chart.

    Parameters
    ----------
    data : ChartData
    lang : {"en", "zh"}
        Language of the titles, axes and legends.
    dpi : int
    size : (float, float)
        Width and height in inches.

    Returns
    -------
    bytes
        A PNG image of ``size × dpi`` pixels.

    Examples
    --------
    >>> from datetime import date
    >>> import repayplan as rp
    >>> from repayplan.evaluate import evaluate
    >>> from repayplan.plans import plan_batch
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30))
    >>> cash = rp.CashFlow([65_000.0] * 3, start="2026-07")
    >>> plans = [rp.Plan(term=3, name="3 months"), rp.Plan(term=2, name="2 months")]
    >>> batch = plan_batch(plans, claim)
    >>> data = chart_data(batch, evaluate(plans, claim, cash, rp.Creditor(0.06)), claim, cash)
    >>> png = render_png(data, dpi=40, size=(9.0, 3.0))
    >>> png[1:4], int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    (b'PNG', 360, 120)
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    with matplotlib.rc_context(
        {"font.family": list(_font_family()), "font.size": 10, "axes.unicode_minus": False}
    ):
        fig = Figure(figsize=size, dpi=dpi)
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.2, top=0.86, wspace=0.28)
        FigureCanvasAgg(fig)
        ax1, ax2, ax3 = fig.subplots(1, 3)
        x = cast(pd.PeriodIndex, data.payments.index).to_timestamp()
        cur = data.currency
        # 1. payments against the cash band
        cx = cast(pd.PeriodIndex, data.cash.index).to_timestamp()
        ax1.fill_between(
            cx,
            data.cash["lower"],
            data.cash["upper"],
            color="#cfe3f5",
            step="mid",
            label=text("cash_band", lang),
        )
        ax1.plot(cx, data.cash["mean"], color="#5a8fc0", lw=1, label=text("cash_mean", lang))
        top = payment_ceiling(data)
        for i, name in enumerate(data.payments.columns):
            col = data.payments[name]
            ax1.step(
                x,
                col.clip(upper=top),
                where="mid",
                color=_COLORS[i % len(_COLORS)],
                lw=1.6,
                label=name,
            )
            over = col[col > top]
            for when, amount in cast("Iterable[tuple[pd.Period, float]]", over.items()):
                ax1.plot([when.to_timestamp()], [top], marker="^", color=_COLORS[i % len(_COLORS)])
                ax1.annotate(
                    format_number(amount, 0),
                    (when.to_timestamp(), top),
                    textcoords="offset points",
                    xytext=(4, -12),
                    fontsize=8,
                    color=_COLORS[i % len(_COLORS)],
                )
        ax1.set_ylim(0, top * 1.05)
        ax1.set_title(text("chart_payments", lang))
        ax1.set_ylabel(text("axis_amount", lang, currency=cur))
        ax1.yaxis.set_major_formatter(_amount_formatter())
        ax1.legend(fontsize=8, loc="upper right")
        # 2. outstanding balance
        for i, name in enumerate(data.balance.columns):
            ax2.plot(x, data.balance[name], color=_COLORS[i % len(_COLORS)], lw=1.6, label=name)
        ax2.set_ylim(bottom=0)
        ax2.set_title(text("chart_balance", lang))
        ax2.set_ylabel(text("axis_amount", lang, currency=cur))
        ax2.yaxis.set_major_formatter(_amount_formatter())
        ax2.legend(fontsize=8, loc="upper right")
        # 3. recovery against burden
        if len(data.cloud):
            ax3.scatter(
                data.cloud["burden"],
                data.cloud["recovery_rate"],
                s=6,
                color="#bbbbbb",
                label=text("evaluated", lang),
            )
        if len(data.frontier):
            ax3.plot(
                data.frontier["burden"],
                data.frontier["recovery_rate"],
                color="black",
                lw=1.2,
                marker=".",
                label=text("frontier", lang),
            )
        ax3.axhline(
            data.enforcement, color="#7f7f7f", ls="--", lw=1.2, label=text("enforcement", lang)
        )
        for i, (name, row) in enumerate(
            cast("Iterable[tuple[str, pd.Series]]", data.points.iterrows())
        ):
            ax3.scatter(
                [row["burden"]],
                [row["recovery_rate"]],
                s=70,
                marker="D",
                color=_COLORS[i % len(_COLORS)],
                zorder=3,
            )
            ax3.annotate(
                str(name),
                (row["burden"], row["recovery_rate"]),
                textcoords="offset points",
                xytext=(5, 4),
                fontsize=8,
            )
        title = text("chart_tradeoff", lang)
        if not len(data.frontier):
            title += "\n" + text("frontier_hint", lang)
        ax3.set_title(title)
        ax3.set_xlabel(text("axis_burden", lang))
        ax3.set_ylabel(text("axis_recovery", lang))
        ax3.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax3.legend(fontsize=8, loc="lower right")
        for ax in (ax1, ax2):
            ax.set_xlabel(text("axis_month", lang))
            ax.tick_params(axis="x", labelrotation=30)
            ax.grid(alpha=0.3)
        ax3.grid(alpha=0.3)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def recovery_png(
    distribution,
    value: float,
    currency: str = "CNY",
    lang: str = "en",
    *,
    dpi: int = 72,
    size=(6.0, 3.0),
) -> bytes:
    """The distribution of the enforcement value over its scenarios, as PNG bytes.

    ``distribution`` is :meth:`repayplan.security.EnforcementPath.distribution` (columns
    ``weight`` and ``npv``); ``value`` its mean, drawn as a line.  A probability-weighted
    histogram (weights in percent).

    >>> import pandas as pd
    >>> d = pd.DataFrame({"weight": [0.25] * 4, "npv": [-10_000.0, 300_000.0, 320_000.0, 700_000.0]})
    >>> png = recovery_png(d, 327_500.0, dpi=50, size=(4, 2))
    >>> png[1:4], int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    (b'PNG', 200, 100)
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    with matplotlib.rc_context(
        {"font.family": list(_font_family()), "font.size": 9, "axes.unicode_minus": False}
    ):
        fig = Figure(figsize=size, dpi=dpi)
        fig.subplots_adjust(left=0.12, right=0.97, bottom=0.2, top=0.86)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        npv = np.asarray(distribution["npv"], dtype=float)
        w = np.asarray(distribution["weight"], dtype=float) * 100
        ax.hist(npv, bins=min(30, max(5, len(np.unique(npv)))), weights=w, color="#5a8fc0")
        ax.axvline(
            value,
            color="black",
            ls="--",
            lw=1.2,
            label=text("enforcement", lang) + f" {format_number(value, 0)}",
        )
        ax.set_title(text("chart_recovery", lang))
        ax.set_xlabel(text("axis_amount", lang, currency=currency))
        ax.xaxis.set_major_formatter(_amount_formatter())
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.legend(fontsize=8, loc="upper left")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()


def forecast_png(cashflow, lang: str = "en", *, dpi: int = 72, size=(9.0, 3.0)) -> bytes | None:
    """Draw a forecast fitted to a history: the history, the median and the 90% band.

    Parameters
    ----------
    cashflow : repayplan.CashFlow
        A cash flow whose :class:`~repayplan.cashflow.Provenance` holds the history it was
        fitted to (:meth:`repayplan.CashFlow.from_history`).
    lang : {"en", "zh"}
    dpi : int
    size : (float, float)

    Returns
    -------
    bytes or None
        A PNG image, or None when the cash flow has no history to show.

    Examples
    --------
    >>> import numpy as np, repayplan as rp
    >>> past = pd.Series(20_000 + 4_000 * np.cos(np.arange(30) * np.pi / 6),
    ...                  index=pd.period_range("2024-01", periods=30, freq="M"))
    >>> cf = rp.CashFlow.from_history(past, months=12, scenarios=200, seed=0)
    >>> png = forecast_png(cf, dpi=40, size=(6.0, 2.0))
    >>> png[1:4], int.from_bytes(png[16:20], "big"), forecast_png(rp.CashFlow([1.0], start="2026-01"))
    (b'PNG', 240, None)
    """
    history = cashflow.provenance.history_series() if cashflow.provenance is not None else None
    if history is None:
        return None
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    band = cashflow.band(0.05, 0.95)
    with matplotlib.rc_context(
        {"font.family": list(_font_family()), "font.size": 9, "axes.unicode_minus": False}
    ):
        fig = Figure(figsize=size, dpi=dpi)
        fig.subplots_adjust(left=0.1, right=0.99, bottom=0.18, top=0.88)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        hx = history.index.to_timestamp()
        fx = band.index.to_timestamp()
        ax.fill_between(
            fx, band["lower"], band["upper"], color="#cfe3f5", label=text("forecast_band", lang)
        )
        ax.plot(fx, band["median"], color="#5a8fc0", lw=1.4, label=text("forecast_median", lang))
        ax.plot(
            hx, history.to_numpy(), color="#333333", lw=1.4, label=text("forecast_history", lang)
        )
        ax.set_title(text("forecast_chart", lang))
        ax.set_ylabel(text("axis_amount", lang, currency=cashflow.currency))
        ax.yaxis.set_major_formatter(_amount_formatter())
        ax.legend(fontsize=8, loc="upper left")
        ax.grid(alpha=0.3)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()
