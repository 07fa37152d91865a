"""Compare three offers side by side, for both sides of the table.

Usage::

    python examples/compare_three_offers.py [--lang en|zh] [--html comparison.html]

Prints the comparison (the better value of each row marked with *) and, with ``--html``,
writes it as an HTML table with the better values highlighted.
"""

from __future__ import annotations

import argparse
from datetime import date

import repayplan as rp
from repayplan.compare import ROW_LABELS
from repayplan.evaluate import ALL_METRICS as METRICS


def fmt(key: str, value: float) -> str:
    """A figure as the table shows it: money to the cent, shares in percent."""
    unit = METRICS[key][1]
    if unit.startswith("fraction"):
        return f"{value:.1%}"
    if unit in ("months", "count") and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def offers() -> list[rp.Plan]:
    """The three offers: the bank's, the borrower's, and one shaped to the borrower's seasons."""
    seasons = [0.75, 0.55, 0.85, 0.9, 0.95, 0.95, 0.9, 0.9, 1.0, 1.2, 1.4, 1.65]
    return [
        rp.Plan(term=36, down_payment=100_000, name="Bank: 36 months"),
        rp.Plan(
            term=72, annual_rate=0.03, grace=12, penalty_waiver=1.0, name="Borrower: 72 months"
        ),
        rp.Plan(term=48, seasonal=seasons, penalty_waiver=0.5, name="Seasonal 48"),
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--html", default=None, help="also write the table as HTML to this file")
    args = p.parse_args(argv)

    claim = rp.Claim(
        principal=1_200_000,
        interest="19762.63",
        penalty="22734.88",
        annual_rate="0.0435",
        as_of=date(2026, 6, 30),
    )
    seasons = [0.75, 0.55, 0.85, 0.9, 0.95, 0.95, 0.9, 0.9, 1.0, 1.2, 1.4, 1.65]
    cash = rp.CashFlow.project(
        base=42_000,
        months=120,
        start="2026-07",
        trend=-0.15,
        seasonality=seasons,
        volatility=0.25,
        persistence=0.4,
        scenarios=500,
        seed=2026,
        buffer=180_000,
        minimum_cash=60_000,
    )
    creditor = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.55, delay_months=18, costs=60_000))
    c = rp.compare(offers(), claim, cash, creditor, lang=args.lang)
    shown = c.table.copy().astype(object)
    for key in shown.index:
        for col in shown.columns:
            v = c.table.loc[key, col]
            shown.loc[key, col] = fmt(key, v) + ("*" if c.better.loc[key, col] else "")
    print(shown.rename(index=ROW_LABELS[args.lang]).to_string())
    if args.html:
        with open(args.html, "w", encoding="utf-8") as fh:
            fh.write(c._repr_html_())
        print(f"-> {args.html}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
