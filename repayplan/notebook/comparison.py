"""The dashboard's comparison table: :func:`repayplan.compare` as HTML, in either language.

The figures, the marks and the feasibility are the library's
(:class:`repayplan.compare.Comparison`): a cell is marked when it is the best of its row
among the feasible plans (``Comparison.better``), an infeasible plan's column is greyed and
says why.  This module only lays them out for the meeting: row labels in the interface
language with the metric's definition on hover (a ``title`` attribute), whose view each row
serves, the words of :func:`repayplan.evaluate.format_metric` in the interface language, and
under each figure its change against the previous version of the same plan (Δ) after an
edit.  The table itself is :meth:`repayplan.compare.Comparison.to_html`, the notebook's display
of a comparison too; :func:`comparison_html` is its name in the dashboard, and
:func:`delta_text` (the change of a figure as text) lives in :mod:`repayplan.compare`.
"""

from __future__ import annotations

from ..compare import delta_text
from ..text import by_language

__all__ = ["comparison_html", "delta_text", "DEFINITIONS_ZH"]

#: The metrics' definitions in Chinese (the English ones are those of
#: :data:`repayplan.evaluate.ALL_METRICS`), shown on hover over a row's label.
DEFINITIONS_ZH = by_language("comparison.definitions")["zh"]  # from repayplan.text


def comparison_html(comparison, lang: str = "en", previous: dict | None = None) -> str:
    """The comparison as an HTML table for the dashboard: ``comparison.to_html(lang, deltas=previous)``.

    Parameters
    ----------
    comparison : repayplan.compare.Comparison
    lang : {"en", "zh"}
        Row labels, definitions (on hover), sides and words.
    previous : dict, optional
        ``{plan name: Series}``: the table's column of the previous version of a plan; each
        figure that changed shows its change ``Δ = now − before`` beneath it.

    Returns
    -------
    str
        ``<table class="repayplan-compare">``: a row per metric (its label's ``title`` is the
        definition), a column per plan, the marked cells (the best of the row among feasible
        plans, as :attr:`repayplan.compare.Comparison.better`) with the class ``rp-best``, and
        a last column naming whose view the row serves.

    Examples
    --------
    12 against 24 months on 120,000.00 at 6 % (as :func:`repayplan.compare`): the longer plan
    costs ``127,643.39 − 123,935.66 = 3,707.73`` more in all.

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([15_000.0] * 24, start="2027-01")
    >>> c = rp.compare([rp.Plan(term=12, name="A"), rp.Plan(term=24, name="B")], claim, cash, rp.Creditor(0.06))
    >>> page = comparison_html(c, "zh", previous={"B": c.table["A"]})
    >>> "还款总额" in page, "+3,707.73" in page, "全部还款额之和" in page
    (True, True, True)
    """
    return comparison.to_html(lang, deltas=previous)
