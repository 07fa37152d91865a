"""One HTML table of a comparison: :meth:`repayplan.compare.Comparison.to_html`.

The dashboard's table (``notebook.comparison.comparison_html``) and the notebook's display
(``Comparison._repr_html_``) are both ``to_html``.  Oracle for the Δ: 12 against 24 months on
120,000.00 at 6 % cost 123,935.66 and 127,643.39 in all (the figures of
:func:`repayplan.compare`'s own examples, each the sum of its schedule), so the longer plan's
Δ against the shorter is ``127,643.39 − 123,935.66 = +3,707.73``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

import repayplan as rp
from repayplan.errors import InputError
from repayplan.notebook.comparison import comparison_html

CLAIM = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
CASH = rp.CashFlow([15_000.0] * 24, start="2027-01")


def comparison(lang="en", names=("A", "B")):
    plans = [rp.Plan(term=12, name=names[0]), rp.Plan(term=24, name=names[1])]
    return rp.compare(plans, CLAIM, CASH, rp.Creditor(0.06), lang=lang)


def test_the_dashboard_and_the_notebook_show_the_same_table():
    for lang in ("en", "zh"):
        c = comparison(lang)
        assert c._repr_html_() == c.to_html(lang) == comparison_html(c, lang)
        prev = {"B": c.table["A"]}
        assert comparison_html(c, lang, prev) == c.to_html(lang, deltas=prev)


def test_the_delta_is_now_minus_before_to_the_cent():
    c = comparison()
    paid = {
        p: sum(Decimal(str(x)) for x in c.plans[i].schedule(CLAIM).table["payment"])
        for i, p in enumerate(("A", "B"))
    }
    assert paid == {"A": Decimal("123935.66"), "B": Decimal("127643.39")}
    page = c.to_html(deltas={"B": c.table["A"]})
    row = re.search(r"<tr class='rp-row-total_paid'>.*?</tr>", page).group(0)
    assert "Δ +3,707.73" in row and row.count("rp-delta'") == 1  # only B changed
    assert "Δ" not in c.to_html()  # no previous version: no change shown


def test_labels_definitions_and_marks_follow_the_language():
    zh = comparison().to_html("zh")
    assert "还款总额" in zh and "全部还款额之和" in zh and "债权人" in zh
    en = comparison().to_html("en")
    assert "Total paid" in en and "rp-best" in en


def test_every_text_is_escaped_and_a_bad_language_is_an_input_error():
    c = comparison(names=("<script>x</script>", "B"))
    page = c.to_html()
    assert "<script>" not in page and "&lt;script&gt;" in page
    with pytest.raises(InputError, match="lang"):
        c.to_html("fr")
