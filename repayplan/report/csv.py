"""The annex as CSV (plain decimals, ISO dates, formula-safe text)."""

from __future__ import annotations

import csv
import io

from .formats import currency_name, plain_amount
from .model import AMOUNT_COLUMNS, Annex, Item
from .safety import neutralise_formula


def render_csv(a: Annex) -> str:
    """The annex as the sheet reads: header items, claim, table with totals, words, clauses.

    Amounts are plain decimals (``1036500.00``), dates ISO; every text goes through
    :func:`neutralise_formula`.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    t = neutralise_formula
    u = a.minor_units

    def value(it: Item) -> str:
        if it.kind == "amount":
            return plain_amount(it.value, u)
        if it.kind == "date":
            return it.value.isoformat()
        return t(it.text)

    w.writerow([t(a.title)])
    for it in a.header:
        w.writerow([t(it.label), value(it)])
    if a.composition:
        w.writerow([])
        w.writerow([t(a.labels["claim"])])
        for it in a.composition:
            w.writerow([t(it.label), value(it)])
    w.writerow([])
    w.writerow([t(a.labels["unit"].format(currency=currency_name(a.currency, a.lang)))])
    w.writerow([t(h) for h in a.table.columns])
    for row in a.table.itertuples(index=False, name=None):
        cells = []
        for k, v in zip(a.columns, row, strict=True):
            if k in AMOUNT_COLUMNS:
                cells.append(plain_amount(v, u))
            elif k == "date":
                cells.append("" if v is None else v.isoformat())
            else:
                cells.append(str(v))
        w.writerow(cells)
    w.writerow(
        [
            t(a.labels["total"])
            if k == "period"
            else (plain_amount(a.totals[k], u) if k in a.totals else "")
            for k in a.columns
        ]
    )
    if a.words:
        w.writerow([])
        w.writerow([t(a.labels["in_words"])])
        for it in a.words:
            w.writerow([t(it.label), plain_amount(it.value, u), t(it.text)])
    w.writerow([])
    w.writerow([t(a.labels["clauses"])])
    for c in a.clauses:
        w.writerow([t(c.label), t(c.text)])
    return buf.getvalue()
