"""The annex as CSV (plain decimals, ISO dates, formula-safe text)."""

from __future__ import annotations

from decimal import Decimal

from .._io import csv_text
from .formats import currency_name, plain_amount
from .model import AMOUNT_COLUMNS, Annex, Item


def render_csv(a: Annex) -> str:
    """The annex as the sheet reads: header items, claim, table with totals, words, clauses.

    Amounts are plain decimals (``1036500.00``), dates ISO; the rows are written by the
    library's one formula-safe CSV writer (:func:`repayplan._io.csv_text`: every text cell
    through :func:`~repayplan.report.neutralise_formula`, lines ending in CRLF).  Amounts are
    handed to it as ``Decimal`` numbers, so a negative amount is never taken for a formula.

    Examples
    --------
    >>> import repayplan as rp
    >>> from repayplan.report import annex
    >>> lines = render_csv(annex(rp.amortize(1_000, 0.06, 3), borrower="=HYPERLINK()")).splitlines()
    >>> [line for line in lines if line.startswith("Borrower")]
    ["Borrower,'=HYPERLINK()"]
    """
    u = a.minor_units

    def amount(v) -> Decimal:
        return Decimal(plain_amount(v, u))  # str() of it is the plain decimal, exactly

    def value(it: Item) -> Decimal | str:
        if it.kind == "amount":
            return amount(it.value)
        if it.kind == "date":
            return it.value.isoformat()
        return it.text

    rows: list[list] = [[a.title]]
    rows += [[it.label, value(it)] for it in a.header]
    if a.composition:
        rows += [[], [a.labels["claim"]]]
        rows += [[it.label, value(it)] for it in a.composition]
    rows += [[], [a.labels["unit"].format(currency=currency_name(a.currency, a.lang))]]
    rows.append(list(a.table.columns))
    for row in a.table.itertuples(index=False, name=None):
        cells: list = []
        for k, v in zip(a.columns, row, strict=True):
            if k in AMOUNT_COLUMNS:
                cells.append(amount(v))
            elif k == "date":
                cells.append("" if v is None else v.isoformat())
            else:
                cells.append(str(v))
        rows.append(cells)
    rows.append(
        [
            a.labels["total"] if k == "period" else (amount(a.totals[k]) if k in a.totals else "")
            for k in a.columns
        ]
    )
    if a.words:
        rows += [[], [a.labels["in_words"]]]
        rows += [[it.label, amount(it.value), it.text] for it in a.words]
    rows += [[], [a.labels["clauses"]]]
    rows += [[c.label, c.text] for c in a.clauses]
    return csv_text(rows)
