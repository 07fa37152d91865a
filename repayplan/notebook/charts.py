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

import numpy as np
import pandas as pd

from .labels import text

__all__ = ["ChartData", "chart_data", "cash_band", "payment_ceiling", "render_png"]


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
    """
    scale = 10.0 ** batch.units
    H = batch.payments.shape[1] - 1
    months = pd.period_range(pd.Period(claim.as_of, freq="M"), periods=H + 1, freq="M", name="month")
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
        frontier = negotiation.frontier[["burden", "recovery_rate"]].astype(float).reset_index(drop=True)
        ev = negotiation.evaluated
        feas = ev[ev["feasible"]] if "feasible" in ev else ev
        cloud = feas[["burden", "recovery_rate"]].astype(float).reset_index(drop=True)
    enforcement = float(frame["enforcement_npv"].iloc[0]) / float(claim.total)
    return ChartData(payments=payments, balance=balance, cash=cash_band(cashflow, claim, H), points=points,
                     frontier=frontier, cloud=cloud, enforcement=enforcement, currency=claim.currency)


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

    return FuncFormatter(lambda x, _pos: f"{x:,.0f}")


def render_png(data: ChartData, lang: str = "en", *, dpi: int = 72, size=(15.0, 4.0)) -> bytes:
    """Draw the three charts side by side and return the PNG bytes.

    Payments above the visible range (a settlement, a down payment) are drawn at the top
    edge with their amount written beside them, so one lump sum does not flatten the chart.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    with matplotlib.rc_context({"font.family": list(_font_family()), "font.size": 10,
                                "axes.unicode_minus": False}):
        fig = Figure(figsize=size, dpi=dpi)
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.2, top=0.86, wspace=0.28)
        FigureCanvasAgg(fig)
        ax1, ax2, ax3 = fig.subplots(1, 3)
        x = data.payments.index.to_timestamp()
        cur = data.currency
        # 1. payments against the cash band
        cx = data.cash.index.to_timestamp()
        ax1.fill_between(cx, data.cash["lower"], data.cash["upper"], color="#cfe3f5", step="mid",
                         label=text("cash_band", lang))
        ax1.plot(cx, data.cash["mean"], color="#5a8fc0", lw=1, label=text("cash_mean", lang))
        top = payment_ceiling(data)
        for i, name in enumerate(data.payments.columns):
            col = data.payments[name]
            ax1.step(x, col.clip(upper=top), where="mid", color=_COLORS[i % len(_COLORS)], lw=1.6, label=name)
            over = col[col > top]
            for when, amount in over.items():
                ax1.plot([when.to_timestamp()], [top], marker="^", color=_COLORS[i % len(_COLORS)])
                ax1.annotate(f"{amount:,.0f}", (when.to_timestamp(), top), textcoords="offset points",
                             xytext=(4, -12), fontsize=8, color=_COLORS[i % len(_COLORS)])
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
            ax3.scatter(data.cloud["burden"], data.cloud["recovery_rate"], s=6, color="#bbbbbb",
                        label=text("evaluated", lang))
        if len(data.frontier):
            ax3.plot(data.frontier["burden"], data.frontier["recovery_rate"], color="black", lw=1.2,
                     marker=".", label=text("frontier", lang))
        ax3.axhline(data.enforcement, color="#7f7f7f", ls="--", lw=1.2, label=text("enforcement", lang))
        for i, (name, row) in enumerate(data.points.iterrows()):
            ax3.scatter([row["burden"]], [row["recovery_rate"]], s=70, marker="D",
                        color=_COLORS[i % len(_COLORS)], zorder=3)
            ax3.annotate(str(name), (row["burden"], row["recovery_rate"]), textcoords="offset points",
                         xytext=(5, 4), fontsize=8)
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
