"""The dashboard's live charts: three bqplot figures updated in place.

A control change must redraw within about 100 ms.  Drawing with matplotlib on the server
takes 200-400 ms for three small charts on a two-core machine; bqplot (an ipywidgets
library drawing with d3 in the browser) only sends the new arrays, so the Python side of a
redraw costs a few milliseconds.  The static charts (for the analysis notebook and
exports) are drawn with matplotlib by :func:`repayplan.notebook.charts.render_png`; both
draw the same :class:`~repayplan.notebook.charts.ChartData`.
"""

from __future__ import annotations

import numpy as np

from ..money import format_number
from .charts import ChartData, payment_ceiling
from .labels import text

__all__ = ["LiveCharts", "COLORS"]

#: Colours of the plans, by column.
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
#: The borrower's cash band: a light amber that no plan's line uses.
CASH_COLOR = "#f2d59b"


def _dates(index) -> np.ndarray:
    return index.to_timestamp().to_numpy().astype("datetime64[ms]")


def _ticks(top: float, most: int = 6) -> np.ndarray:
    """Round tick values from 0 to ``top``, at most ``most`` of them (1, 2 or 5 times a power of ten).

    >>> _ticks(102_375.0).tolist()
    [0.0, 20000.0, 40000.0, 60000.0, 80000.0, 100000.0]
    """
    top = top if np.isfinite(top) and top > 0 else 1.0
    raw = top / (most - 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if np.floor(top / (m * power)) + 1 <= most)
    return np.arange(0.0, top + step * 1e-9, step)


class LiveCharts:
    """Payments against the cash band, balances, and recovery against burden.

    Attributes
    ----------
    widget : ipywidgets.HBox
        The three figures side by side (CSS class ``rp-charts``).
    figures : dict of bqplot.Figure
        ``"payments"``, ``"balance"``, ``"tradeoff"``.
    marks : dict of bqplot marks
        By name, for tests: ``payments``, ``band``, ``mean``, ``over``, ``balance``,
        ``cloud``, ``frontier``, ``enforcement``, ``points``.

    Examples
    --------
    Needs the ``notebook`` extra (bqplot, ipywidgets).  The charts of
    :func:`repayplan.notebook.charts.chart_data`'s example: 120,000.00 at 6 % over three
    months (40,400.67 a month) or two (60,450.37):

    >>> from datetime import date
    >>> import repayplan as rp
    >>> from repayplan.evaluate import evaluate
    >>> from repayplan.notebook.charts import chart_data
    >>> from repayplan.plans import plan_batch
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30))
    >>> cash = rp.CashFlow([65_000.0] * 3, start="2026-07")
    >>> plans = [rp.Plan(term=3, name="3 months"), rp.Plan(term=2, name="2 months")]
    >>> data = chart_data(plan_batch(plans, claim), evaluate(plans, claim, cash, rp.Creditor(0.06)),
    ...                   claim, cash)
    >>> charts = LiveCharts()
    >>> charts.update(data)
    >>> charts.marks["payments"].labels, charts.marks["payments"].y[0].tolist()
    (['3 months', '2 months'], [0.0, 40400.67, 40400.67, 40400.66])
    >>> charts.widget._dom_classes
    ('rp-charts',)
    """

    def __init__(self):
        import bqplot as bq
        import ipywidgets as w

        self.bq = bq
        sx1, sy1 = bq.DateScale(), bq.LinearScale(min=0.0)
        sx2, sy2 = bq.DateScale(), bq.LinearScale(min=0.0)
        sx3, sy3 = bq.LinearScale(), bq.LinearScale()
        empty = np.zeros(0)
        m = {}
        # the borrower's cash band in its own colour (amber, no plan's), named in the legend
        m["band"] = bq.Lines(
            x=empty,
            y=[empty, empty],
            scales={"x": sx1, "y": sy1},
            fill="between",
            fill_colors=[CASH_COLOR],
            fill_opacities=[0.6],
            colors=[CASH_COLOR],
            stroke_width=0.5,
        )
        m["mean"] = bq.Lines(
            x=empty, y=empty, scales={"x": sx1, "y": sy1}, colors=["#5a8fc0"], stroke_width=1
        )
        m["payments"] = bq.Lines(
            x=empty,
            y=[empty],
            scales={"x": sx1, "y": sy1},
            interpolation="step-after",
            stroke_width=2,
        )
        m["over"] = bq.Scatter(
            x=empty,
            y=empty,
            scales={"x": sx1, "y": sy1},
            marker="triangle-up",
            display_names=True,
            default_size=40,
        )
        m["balance"] = bq.Lines(x=empty, y=[empty], scales={"x": sx2, "y": sy2}, stroke_width=2)
        m["cloud"] = bq.Scatter(
            x=empty, y=empty, scales={"x": sx3, "y": sy3}, colors=["#bbbbbb"], default_size=8
        )
        m["frontier"] = bq.Lines(
            x=empty,
            y=empty,
            scales={"x": sx3, "y": sy3},
            colors=["black"],
            marker="circle",
            marker_size=12,
        )
        m["enforcement"] = bq.Lines(
            x=empty, y=empty, scales={"x": sx3, "y": sy3}, colors=["#7f7f7f"], line_style="dashed"
        )
        m["points"] = bq.Scatter(
            x=empty,
            y=empty,
            scales={"x": sx3, "y": sy3},
            marker="diamond",
            display_names=True,
            default_size=90,
        )
        self.marks = m
        self.scales = {"payments": (sx1, sy1), "balance": (sx2, sy2), "tradeoff": (sx3, sy3)}
        self.axes = {
            # every axis gets a label offset: without one bqplot writes "translate(x, undefined)"
            # into the label's transform and the browser logs "Trailing garbage" errors
            "payments": (
                bq.Axis(scale=sx1, tick_format="%Y-%m", label_offset="2.5em"),
                bq.Axis(scale=sy1, side="left", tick_format=",.0f", label_offset="5em"),
            ),
            "balance": (
                bq.Axis(scale=sx2, tick_format="%Y-%m", label_offset="2.5em"),
                bq.Axis(scale=sy2, side="left", tick_format=",.0f", label_offset="5em"),
            ),
            "tradeoff": (
                bq.Axis(scale=sx3, tick_format=".2f", label_offset="2.5em"),
                bq.Axis(scale=sy3, side="left", tick_format=".0%", label_offset="3.5em"),
            ),
        }
        # margins that fit the tick labels (amounts up to 9,999,999), the axis labels and the
        # title; the legends are HTML beneath each figure, never over the data
        margin = {"top": 30, "bottom": 40, "left": 86, "right": 16}
        self.figures = {
            "payments": bq.Figure(
                padding_y=0.0,
                marks=[m["band"], m["mean"], m["payments"], m["over"]],
                axes=list(self.axes["payments"]),
                fig_margin=margin,
                animation_duration=0,
                layout={"width": "100%", "height": "250px"},
            ),
            "balance": bq.Figure(
                padding_y=0.0,
                marks=[m["balance"]],
                axes=list(self.axes["balance"]),
                fig_margin=margin,
                animation_duration=0,
                layout={"width": "100%", "height": "300px"},
            ),
            "tradeoff": bq.Figure(
                marks=[m["cloud"], m["frontier"], m["enforcement"], m["points"]],
                axes=list(self.axes["tradeoff"]),
                fig_margin=margin,
                animation_duration=0,
                layout={"width": "100%", "height": "300px"},
            ),
        }
        self.legends = {}
        self.panels = {}
        for name, fig in self.figures.items():
            fig.add_class(f"rp-chart-{name}")
            self.legends[name] = w.HTML()
            self.legends[name].add_class("rp-legend")
            self.legends[name].add_class(f"rp-legend-{name}")
            self.panels[name] = w.VBox([fig, self.legends[name]], layout={"width": "100%"})
            self.panels[name].add_class(f"rp-panel-{name}")
        #: the key chart (payments against the cash band), shown beneath the plan cards
        self.key = self.panels["payments"]
        #: the other two side by side
        self.others = w.HBox(
            [self.panels["balance"], self.panels["tradeoff"]],
            layout={"width": "100%", "flex_flow": "row nowrap"},
        )
        self.others.add_class("rp-charts-more")
        self.widget = w.VBox([self.key, self.others], layout={"width": "100%"})
        self.widget.add_class("rp-charts")
        self.data: ChartData | None = None

    def update(self, data: ChartData, lang: str = "en") -> None:
        """Show ``data`` (labels in ``lang``).

        Only the marks' arrays change, so a redraw costs a few milliseconds.  The payments
        chart tops out at 1.05 × :func:`repayplan.notebook.charts.payment_ceiling`: here
        ``1.5 × 65,000`` (the best month's cash, above the median payment 40,400.67), so
        ``1.05 × 97,500 = 102,375``.

        >>> from datetime import date
        >>> import repayplan as rp
        >>> from repayplan.evaluate import evaluate
        >>> from repayplan.notebook.charts import chart_data
        >>> from repayplan.plans import plan_batch
        >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30))
        >>> cash = rp.CashFlow([65_000.0] * 3, start="2026-07")
        >>> plans = [rp.Plan(term=3, name="3 months"), rp.Plan(term=2, name="2 months")]
        >>> data = chart_data(plan_batch(plans, claim), evaluate(plans, claim, cash, rp.Creditor(0.06)),
        ...                   claim, cash)
        >>> charts = LiveCharts()
        >>> charts.update(data, "zh")
        >>> charts.scales["payments"][1].max, charts.figures["payments"].title
        (102375.0, '还款额与借款人现金流')
        """
        m = self.marks
        names = [str(c) for c in data.payments.columns]
        colors = [COLORS[i % len(COLORS)] for i in range(len(names))]
        x = _dates(data.payments.index)
        # the band only where the cash flow covers the month: a line whose last point is NaN
        # gets its end label placed at "translate(x,undefined)" by bqplot (console errors)
        covered = np.isfinite(data.cash[["lower", "mean", "upper"]].to_numpy(dtype=float)).all(
            axis=1
        )
        cash = data.cash[covered]
        cx = _dates(cash.index)
        # after its last payment a plan pays nothing and owes nothing (and no point is NaN)
        pay = np.nan_to_num(data.payments.to_numpy(dtype=float).T, nan=0.0)
        lower = cash["lower"].to_numpy(dtype=float)
        upper = cash["upper"].to_numpy(dtype=float)
        top = payment_ceiling(data)  # a lump sum above it is marked at the top with its amount
        over = np.argwhere(pay > top)
        with m["band"].hold_sync():
            m["band"].x = cx
            m["band"].y = np.vstack([lower, upper])
            m["band"].labels = [text("cash_band", lang)]
        with m["mean"].hold_sync():
            m["mean"].x = cx
            m["mean"].y = cash["mean"].to_numpy(dtype=float)
            m["mean"].labels = [text("cash_mean", lang)]
        with m["payments"].hold_sync():
            m["payments"].x = x
            m["payments"].y = np.minimum(pay, top)
            m["payments"].colors = colors
            m["payments"].labels = names
        with m["over"].hold_sync():
            m["over"].x = x[over[:, 1]] if len(over) else np.zeros(0, "datetime64[ms]")
            m["over"].y = np.full(len(over), top)
            m["over"].names = [format_number(pay[i, k], 0) for i, k in over]
            m["over"].colors = [colors[i] for i, _ in over] or ["black"]
        self.scales["payments"][1].max = top * 1.05
        self.axes["payments"][1].tick_values = _ticks(top * 1.05)
        bal = np.nan_to_num(data.balance.to_numpy(dtype=float).T, nan=0.0)
        self.axes["balance"][1].tick_values = _ticks(float(bal.max()) if bal.size else 1.0)
        with m["balance"].hold_sync():
            m["balance"].x = x
            m["balance"].y = bal
            m["balance"].colors = colors
            m["balance"].labels = names
        pts = data.points
        with m["points"].hold_sync():
            m["points"].x = pts["burden"].to_numpy(dtype=float)
            m["points"].y = pts["recovery_rate"].to_numpy(dtype=float)
            m["points"].names = names
            m["points"].colors = colors
        with m["cloud"].hold_sync():
            m["cloud"].x = data.cloud["burden"].to_numpy(dtype=float)
            m["cloud"].y = data.cloud["recovery_rate"].to_numpy(dtype=float)
            m["cloud"].labels = [text("evaluated", lang)]
        with m["frontier"].hold_sync():
            m["frontier"].x = data.frontier["burden"].to_numpy(dtype=float)
            m["frontier"].y = data.frontier["recovery_rate"].to_numpy(dtype=float)
            m["frontier"].labels = [text("frontier", lang)]
        xs = np.concatenate(
            [
                pts["burden"].to_numpy(dtype=float),
                data.cloud["burden"].to_numpy(dtype=float),
                data.frontier["burden"].to_numpy(dtype=float),
            ]
        )
        xs = xs[np.isfinite(xs)]
        lo, hi = (float(xs.min()), float(xs.max())) if len(xs) else (0.0, 1.0)
        with m["enforcement"].hold_sync():
            m["enforcement"].x = np.array([lo, hi if hi > lo else lo + 1.0])
            m["enforcement"].y = np.array([data.enforcement, data.enforcement])
            m["enforcement"].labels = [text("enforcement", lang)]
        # room for the plans' names right of their points and above the highest one
        ys = np.concatenate(
            [
                pts["recovery_rate"].to_numpy(dtype=float),
                data.cloud["recovery_rate"].to_numpy(dtype=float),
                data.frontier["recovery_rate"].to_numpy(dtype=float),
                [data.enforcement],
            ]
        )
        ys = ys[np.isfinite(ys)]
        span = hi - lo if hi > lo else max(abs(hi), 1.0) * 0.1
        ylo, yhi = (float(ys.min()), float(ys.max())) if len(ys) else (0.0, 1.0)
        yspan = yhi - ylo if yhi > ylo else max(abs(yhi), 0.1) * 0.1
        sx3, sy3 = self.scales["tradeoff"]
        with sx3.hold_sync():
            sx3.min, sx3.max = lo - 0.08 * span, hi + 0.35 * span
        with sy3.hold_sync():
            sy3.min, sy3.max = ylo - 0.1 * yspan, yhi + 0.15 * yspan
        self._legend_data = (
            names,
            colors,
            len(data.cloud) > 0,
            len(data.frontier) > 0,
            len(over) > 0,
        )
        self.relabel(lang, frontier=len(data.frontier) > 0)
        self.data = data

    def relabel(self, lang: str, *, frontier: bool | None = None) -> None:
        """Titles and axis labels in ``lang`` (``frontier``: a search has drawn the frontier).

        >>> charts = LiveCharts()
        >>> charts.relabel("zh")
        >>> charts.figures["balance"].title, charts.axes["payments"][1].label
        ('剩余欠款', '金额（CNY）')
        """
        if frontier is None:
            frontier = self.data is not None and len(self.data.frontier) > 0
        cur = self.data.currency if self.data is not None else "CNY"
        self.figures["payments"].title = text("chart_payments", lang)
        self.figures["balance"].title = text("chart_balance", lang)
        self.figures["tradeoff"].title = text("chart_tradeoff", lang) + (
            "" if frontier else " " + text("frontier_hint", lang)
        )
        for key in ("payments", "balance"):
            ax_x, ax_y = self.axes[key]
            ax_x.label = text("axis_month", lang)
            ax_y.label = text("axis_amount", lang, currency=cur)
        ax_x, ax_y = self.axes["tradeoff"]
        ax_x.label = text("axis_burden", lang)
        ax_y.label = text("axis_recovery", lang)
        self._legends(lang)

    def _legends(self, lang: str) -> None:
        """The legends beneath the figures: each entry's swatch in the colour it is drawn in."""
        import html

        names, colors, cloud, frontier, _over = getattr(
            self, "_legend_data", ([], [], False, False, False)
        )

        def item(label, color, kind="line"):
            if kind == "band":
                mark = (
                    f"<span style='display:inline-block;width:18px;height:10px;background:{color};"
                    "border:1px solid #d9b45f;vertical-align:middle'></span>"
                )
            elif kind == "dash":
                mark = (
                    f"<span style='display:inline-block;width:18px;border-top:2px dashed {color};"
                    "vertical-align:middle'></span>"
                )
            elif kind == "dot":
                mark = (
                    f"<span style='display:inline-block;width:8px;height:8px;border-radius:4px;"
                    f"background:{color};vertical-align:middle'></span>"
                )
            else:
                mark = (
                    f"<span style='display:inline-block;width:18px;border-top:3px solid {color};"
                    "vertical-align:middle'></span>"
                )
            return f"<span class='rp-legend-item'>{mark} {html.escape(label)}</span>"

        plans = [item(n, c) for n, c in zip(names, colors, strict=True)]
        self.legends["payments"].value = " ".join(
            [
                item(text("cash_band", lang), CASH_COLOR, "band"),
                item(text("cash_mean", lang), "#5a8fc0"),
                *plans,
            ]
        )
        self.legends["balance"].value = " ".join(plans)
        trade = [item(n, c, "dot") for n, c in zip(names, colors, strict=True)]
        if cloud:
            trade.append(item(text("evaluated", lang), "#bbbbbb", "dot"))
        if frontier:
            trade.append(item(text("frontier", lang), "black"))
        trade.append(item(text("enforcement", lang), "#7f7f7f", "dash"))
        self.legends["tradeoff"].value = " ".join(trade)
