"""The statement of an agreement as of a date: :class:`Statement` (text, HTML, CSV).

Built from a :class:`~repayplan.tracking.agreement.Status` by
:meth:`~repayplan.tracking.agreement.Agreement.statement`; every text
cell is escaped in HTML and neutralised against spreadsheet formulas in CSV.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .._io import check_path, neutralise, write_atomic
from .._validate import check_choice
from ..errors import InputError
from .agreement import Agreement, Status

__all__ = [
    "Statement",
]


# ----------------------------------------------------------------------------------------
# Statement
# ----------------------------------------------------------------------------------------
_STATEMENT_COLUMNS = [
    "period",
    "due_date",
    "due",
    "interest_due",
    "principal_due",
    "paid",
    "interest_paid",
    "principal_paid",
    "penalty_paid",
    "compound_paid",
    "outstanding",
    "penalty_outstanding",
    "paid_on",
    "days_past_due",
    "state",
]


@dataclass(frozen=True)
class Statement:
    """A statement of account for an agreement on a date.

    Attributes
    ----------
    title : str
    as_of : date
    table : DataFrame
        One row per instalment (a subset of :attr:`Status.table`).
    payments : DataFrame
        One row per payment and what it was applied to (:attr:`Status.allocations`).
    totals : Series
        The headline figures (:meth:`Status.totals`).

    Examples
    --------
    The statement of :class:`Breach`'s example on 15 April 2027 (see :class:`Status` for
    the figures):

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim, name="Workout 2026-17")
    >>> s = ag.statement(date(2027, 4, 15), paid)
    >>> s
    Statement(Workout 2026-17: statement as of 2027-04-15 (CNY), signed 2026-12-01: breached,
              paid 21150.00, arrears 20950.00, penalty 154.71)
    >>> s.payments[["date", "amount", "interest", "principal"]]
            date    amount interest principal
    0 2027-01-01  10600.00   600.00  10000.00
    1 2027-02-01  10550.00   550.00  10000.00
    """

    title: str
    as_of: _dt.date
    table: pd.DataFrame = field(repr=False)
    payments: pd.DataFrame = field(repr=False)
    totals: pd.Series = field(repr=False)

    @classmethod
    def from_status(cls, ag: Agreement, st: Status) -> Statement:
        """The statement of ``st``, a status of ``ag`` (what :meth:`Agreement.statement` returns).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> s = Statement.from_status(ag, ag.status(date(2027, 4, 15), paid))
        >>> s.title
        'Agreement: statement as of 2027-04-15 (CNY), signed 2026-12-01'
        >>> s.totals["arrears"] == ag.statement(date(2027, 4, 15), paid).totals["arrears"]
        True
        """
        if not isinstance(ag, Agreement):
            raise InputError("agreement", ag, "a repayplan.Agreement")
        if not isinstance(st, Status):
            raise InputError("status", st, "a repayplan.Status (from Agreement.status)")
        label = ag.name or ag.plan.name or "Agreement"
        title = f"{label}: statement as of {st.as_of} ({ag.currency}), signed {ag.signed}"
        return cls(
            title=title,
            as_of=st.as_of,
            table=st.table[_STATEMENT_COLUMNS].copy(),
            payments=st.allocations.copy(),
            totals=st.totals(),
        )

    def to_frame(self) -> pd.DataFrame:
        """The instalment table (a copy).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> t = ag.statement(date(2027, 4, 15), paid).to_frame()
        >>> t.loc[:3, ["period", "due", "outstanding", "penalty_outstanding", "state"]]
           period       due outstanding penalty_outstanding   state
        0       1  10600.00        0.00                0.00    paid
        1       2  10550.00        0.00                0.00    paid
        2       3  10500.00    10500.00              118.13  missed
        3       4  10450.00    10450.00               36.58  missed
        """
        return self.table.copy()

    def __repr__(self) -> str:
        t = self.totals
        return (
            f"Statement({self.title}: {t['state']}, paid {t['paid']}, arrears {t['arrears']}, "
            f"penalty {t['penalty']})"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self) -> str:
        """The statement as an HTML fragment; every text is escaped.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim, name="<Workout & Co>")
        >>> ag.statement(date(2027, 4, 15), paid).to_html()[:70]
        '<div><h3>&lt;Workout &amp; Co&gt;: statement as of 2027-04-15 (CNY), s'
        """
        totals = self.totals.to_frame().to_html(header=False, escape=True)
        return (
            f"<div><h3>{html.escape(self.title)}</h3>{totals}"
            f"<h4>Instalments</h4>{self.table.to_html(index=False, escape=True)}"
            f"<h4>Payments</h4>{self.payments.to_html(index=False, escape=True)}</div>"
        )

    def write(self, path, format: str | None = None) -> Path:
        """Write the statement to ``path`` as CSV or HTML, atomically.

        Parameters
        ----------
        path : str or path-like
        format : {"csv", "html"}, optional
            Default from the file's suffix.

        Returns
        -------
        Path

        Notes
        -----
        :mod:`repayplan.report` renders agreement annexes from a schedule and offers no
        generic table writer, so the statement is written here, with the same safety:
        CSV text cells that a spreadsheet would read as a formula get a leading ``'``
        (``repayplan._io.neutralise``, the guard every CSV writer of the library shares);
        amounts are plain decimals and dates ISO; HTML is escaped.  The text is rendered
        in memory and written by the library's one atomic writer
        (``repayplan._io.write_atomic``: a temporary file in the target folder, fsync-ed and
        renamed over the target, the old file's mode kept).

        Examples
        --------
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> import tempfile, pathlib
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = ag.statement(date(2027, 4, 15), paid).write(pathlib.Path(folder) / "st.csv")
        ...     print(path.name, path.read_text(encoding="utf-8").splitlines()[1:3])
        st.csv ['state,breached', 'paid,21150.00']
        """
        p = check_path(path)
        fmt = format if format is not None else p.suffix.lstrip(".").lower()
        if format is None and fmt not in ("csv", "html"):
            raise InputError(
                "path", str(path), "a file name ending in .csv or .html (or give format=)"
            )
        check_choice("format", fmt, ("csv", "html"))
        text = (
            self.to_csv()
            if fmt == "csv"
            else (
                f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(self.title)}'
                f"</title></head><body>{self.to_html()}</body></html>"
            )
        )
        return write_atomic(p, text)

    def to_csv(self) -> str:
        """The statement as CSV text: title, totals, instalments, payments.

        Amounts are plain decimals, dates ISO; a blank line separates the parts.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> lines = ag.statement(date(2027, 4, 15), paid).to_csv().splitlines()
        >>> lines[:3]
        ['"Agreement: statement as of 2027-04-15 (CNY), signed 2026-12-01"', 'state,breached', 'paid,21150.00']
        >>> lines[16]
        'period,due_date,due,interest_due,principal_due,paid,interest_paid,principal_paid,penalty_paid,compound_paid,outstanding,penalty_outstanding,paid_on,days_past_due,state'
        >>> lines[19]
        '3,2027-03-01,10500.00,500.00,10000.00,0.00,0.00,0.00,0.00,0.00,10500.00,118.13,,45,missed'
        """
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")  # CRLF: a CR inside a cell cannot end a row
        w.writerow([_safe(self.title)])
        for key, value in self.totals.items():
            w.writerow([_safe(key), _safe(value)])
        for frame in (self.table, self.payments):
            w.writerow([])
            w.writerow(list(frame.columns))
            for row in frame.itertuples(index=False):
                w.writerow([_safe(v) for v in row])
        return buf.getvalue()


def _safe(value) -> str:
    """A CSV cell: amounts as plain decimals, dates ISO, text neutralised against formulas."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (Decimal, int, np.integer)):
        return str(value)
    return neutralise(str(value))
