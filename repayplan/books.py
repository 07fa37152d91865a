r"""The bank's books: what a plan does to the risk class, the provisions and the P&L.

Definitions
-----------
Risk class (《商业银行金融资产风险分类办法》, 银保监会 中国人民银行令2023年第1号)
    Five classes, from best to worst (第六条): ``normal`` (正常类), ``special_mention``
    (关注类), ``substandard`` (次级类), ``doubtful`` (可疑类), ``loss`` (损失类); the last
    three are non-performing (不良资产).  Days past due set a floor (the criteria of
    第二章 for a non-retail asset): any overdue principal, interest or income at least
    special mention, more than 90 days at least substandard, more than 270 days at least
    doubtful, more than 360 days loss (:data:`DPD_FLOORS`).  A plan that changes the terms
    in the borrower's favour because it is in financial difficulty — an extension, a new
    or longer grace period, interest capitalised, a rate cut, a reduction of what is owed
    (第十七条 to 第十九条; overdue amounts are a financial difficulty, 第十八条(一)) —
    makes the loan a *restructured asset* (重组资产): at least special mention, and a
    non-performing class is not upgraded during the observation period, which starts on
    the first repayment date under the new terms and covers at least two consecutive
    repayment periods and at least one year (第二十条):
    :math:`\text{end} = \max(t_{(2)},\ t_{(1)} + 12\ \text{months})` with :math:`t_{(i)}` the
    *i*-th payment date of the plan (the periods and months are the rule set's
    ``observation``, (2, 12) for ``cn-bank``).  :data:`CLASSIFICATION_ARTICLES` maps each
    rule to its article.
Provision cost
    :math:`\text{rate}(\text{class}) \times \text{GCA}` with the rates of :class:`Books`
    (default :data:`PROVISION_RATES`, the specific provisions of 《银行贷款损失准备计提指引》
    (银发〔2002〕98号): 2% special mention, 25% substandard, 50% doubtful, 100% loss, the
    substandard and doubtful rates allowed to float by 20%; set your own).
Modification gain or loss (IFRS 9 5.4.3 and B5.4.3; CAS 22 企业会计准则第22号)
    When a loan's cash flows are renegotiated and the loan is not derecognised, its gross
    carrying amount is recalculated as the present value of the modified contractual cash flows
    discounted at the original effective interest rate, and the difference is a gain or loss
    in profit or loss:

    .. math:: \text{modification\_gain} = \sum_{k \ge 0} p_k (1 + i/12)^{-k} - \text{GCA}

    with :math:`p_k` the plan's payment in month *k*, :math:`i` the original effective
    interest rate (the loan's contract rate, monthly compounding, when no fees were
    amortised into it) and GCA the gross carrying amount before the modification: principal
    plus recognised interest (penalty interest is off the books by default,
    ``Books(penalty_on_books=True)`` puts it on).  A plan at the original rate that only
    re-times what is owed, interest on the capitalised arrears included, gives zero.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import _value as _v
from . import rules as _rules
from ._validate import check_choice, check_fraction, check_int
from .errors import InputError

__all__ = [
    "Books",
    "RISK_CLASSES",
    "PROVISION_RATES",
    "DPD_FLOORS",
    "risk_class",
    "modification_gain",
    "term_limit_findings",
    "CLASSIFICATION_CITATION",
    "WORKING_CAPITAL_CITATION",
    "CLASSIFICATION_ARTICLES",
    "PROVISION_CITATION",
    "WORKING_CAPITAL_LIMITS",
]

#: The five classes of the 2023 measures, best first.
RISK_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")

#: Default provision rates by class (specific provisions of 银发〔2002〕98号); configurable in :class:`Books`.
PROVISION_RATES = {
    "normal": 0.0,
    "special_mention": 0.02,
    "substandard": 0.25,
    "doubtful": 0.5,
    "loss": 1.0,
}

#: Days past due and the class they set as a floor: more than *d* days → at least the class.
DPD_FLOORS = ((360, "loss"), (270, "doubtful"), (90, "substandard"), (0, "special_mention"))

#: The 2023 risk-classification measures, as cited in findings and docs.
CLASSIFICATION_CITATION = "《商业银行金融资产风险分类办法》(银保监会 中国人民银行令2023年第1号)"
#: The article of the 2023 measures behind each classification rule of :func:`risk_class`.
#: 第六条 (the five classes), 第十七条 to 第十九条 (restructured asset, financial difficulty,
#: contract adjustments) and 第二十条 (observation period) were read in the text of the measures
#: (jianbiaoku.com, book 171906); the day floors are those of 第二章's criteria for a
#: non-retail asset as the measures are summarised (90 and 270 days were read only in the
#: parallel criteria for insurers' credit assets, 360 days not at all; the article numbers
#: of the floors were not found in the text retrieved, so the chapter is cited).
CLASSIFICATION_ARTICLES = {
    "classes": "第六条",
    "days_past_due": "第二章 (风险分类)",
    "restructured_asset": "第十七条",
    "financial_difficulty": "第十八条",
    "contract_adjustment": "第十九条",
    "observation_period": "第二十条",
}
#: The 2002 guidelines on loan-loss provisions (specific provisions by class).
PROVISION_CITATION = "《银行贷款损失准备计提指引》(银发〔2002〕98号)"
#: The 2024 working-capital loan measures, as cited in the term-limit findings.
WORKING_CAPITAL_CITATION = _rules.WORKING_CAPITAL_CITATION
#: The working-capital term limits in months: (in principle, with a long operating cash cycle).
WORKING_CAPITAL_LIMITS = _rules.WORKING_CAPITAL_LIMITS


def _provision_rates(name: str, value: Mapping | None) -> dict:
    given = PROVISION_RATES if value is None else value
    if not isinstance(given, Mapping):
        raise InputError(
            name, given, "None or a mapping of each of " + ", ".join(RISK_CLASSES) + " to a rate"
        )
    rates = dict(given)
    if set(rates) != set(RISK_CLASSES):
        raise InputError(name, sorted(rates), "a rate for each of " + ", ".join(RISK_CLASSES))
    return {k: check_fraction(f"{name}.{k}", rates[k]) for k in RISK_CLASSES}


class Books(_v.Value):
    """How the creditor books the loan: provisions, penalty interest, product.

    Parameters
    ----------
    provision_rates : mapping, optional
        Provision rate (fraction of the gross carrying amount) for each of
        :data:`RISK_CLASSES`; default :data:`PROVISION_RATES`.
    penalty_on_books : bool
        Whether penalty interest is part of the gross carrying amount (default no: it is
        recognised when received).
    days_past_due : int, optional
        Days past due before the plan; default the claim's (the most overdue instalment of a
        claim built from a loan, else 0).
    original_eir : float, optional
        The original effective interest rate (annual, monthly compounding); default the
        claim's contract rate.
    product : {"loan", "working_capital"}
        ``"working_capital"`` checks the term limits of the 2024 working-capital loan
        measures (:func:`term_limit_findings`) in :func:`repayplan.evaluate` even when the
        claim does not say so; a claim with ``product="working_capital"`` has them checked
        by :func:`repayplan.rules.check` itself.

    Examples
    --------
    >>> Books().provision_rates["substandard"], Books(penalty_on_books=True).penalty_on_books
    (0.25, True)
    >>> Books(provision_rates={"normal": 0.01, "special_mention": 0.03, "substandard": 0.3,
    ...                        "doubtful": 0.6, "loss": 1.0}).provision_rates["doubtful"]
    0.6
    """

    provision_rates: dict | None = _v.field(default=None, check=_provision_rates)
    penalty_on_books: bool = _v.field(default=False, check=_v.flag)
    days_past_due: int | None = _v.field(default=None, check=_v.optional(_v.int_in(0)))
    original_eir: float | None = _v.field(default=None, check=_v.optional(_v.rate()))
    product: str = _v.field(default="loan", check=_v.choice("loan", "working_capital"))

    __hash__ = None  # type: ignore[assignment]  # unhashable on purpose: the rates are a dict


def _days_past_due(claim, books: Books) -> int:
    if books.days_past_due is not None:
        return books.days_past_due
    bd = getattr(claim, "breakdown", None)
    if bd is not None and "days_past_due" in bd and len(bd):
        return int(bd["days_past_due"].max())
    return 0


def _dpd_class(days: int) -> str:
    for limit, cls in DPD_FLOORS:
        if days > limit:
            return cls
    return "normal"


def _observation(claim) -> tuple[int, int]:
    from . import rules

    try:
        rs = rules.get(getattr(claim, "rules", None) or "generic")
    except Exception:  # noqa: BLE001 - an unknown rule set name is the rules module's error to raise
        rs = None
    obs = getattr(rs, "observation", None)
    return tuple(obs) if obs else (2, 12)


def _add_months(d: _dt.date, k: int) -> _dt.date:
    return (pd.Timestamp(d) + pd.DateOffset(months=int(k))).date()


def risk_class(pay, claim, books: Books | None = None) -> tuple[list, list]:
    r"""The risk class of the restructured loan and the end of its observation period, per plan.

    Parameters
    ----------
    pay : ndarray, shape (P, H+1)
        Each plan's payments in months 0..H (month 0 is the claim date).
    claim : Claim
    books : Books, optional

    Returns
    -------
    (list of str, list of date)
        The class (one of :data:`RISK_CLASSES`) and the observation period's end.

    Notes
    -----
    The floor from days past due (:data:`DPD_FLOORS`, 第二章's criteria); a restructuring
    (第十七条, 第十九条) makes the loan at least special mention and keeps a non-performing
    class through the observation period; the observation period starts at the first
    payment date under the plan and lasts at least two consecutive payments and twelve
    months (第二十条; see the module docstring).  A technical overdue of up to 7 days, which
    the measures except from special mention, is not told apart: any day past due counts.

    Examples
    --------
    A claim 120 days past due, restructured into monthly payments from month 1: substandard,
    observed until the later of the second payment (month 2) and twelve months after the
    first (month 13).

    >>> from datetime import date
    >>> from types import SimpleNamespace
    >>> claim = SimpleNamespace(as_of=date(2026, 6, 30), rules="cn-bank", breakdown=None)
    >>> pay = np.array([[0.0] + [1_000.0] * 24])
    >>> risk_class(pay, claim, Books(days_past_due=120))
    (['substandard'], [datetime.date(2027, 7, 30)])
    >>> risk_class(pay, claim, Books(days_past_due=0))[0]
    ['special_mention']
    """
    books = books or Books()
    base = _dpd_class(_days_past_due(claim, books))
    cls = RISK_CLASSES[max(RISK_CLASSES.index(base), RISK_CLASSES.index("special_mention"))]
    periods, months = _observation(claim)
    pay = np.asarray(pay, dtype=float)
    classes: list[str] = []
    ends: list = []
    dates: dict = {}  # month -> date: a few distinct months for many plans

    def month(k):
        if k not in dates:
            dates[k] = _add_months(claim.as_of, k)
        return dates[k]

    for row in pay:
        due = np.flatnonzero(row > 0)
        if due.size == 0:
            classes.append(cls)
            ends.append(None)
            continue
        first = int(due[0])
        nth = int(due[min(periods, due.size) - 1])
        classes.append(cls)
        ends.append(max(month(nth), month(first + months)))
    return classes, ends


def gross_carrying_amount(claim, books: Books | None = None) -> float:
    """Principal plus recognised interest (plus penalty interest when it is on the books).

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=1_000_000, interest=30_000, penalty=12_000, annual_rate=0.0435,
    ...               as_of=date(2026, 12, 1))
    >>> gross_carrying_amount(claim), gross_carrying_amount(claim, Books(penalty_on_books=True))
    (1030000.0, 1042000.0)
    """
    books = books or Books()
    gca = float(claim.principal) + float(claim.interest)
    return gca + float(claim.penalty) if books.penalty_on_books else gca


def modification_gain(pay, carrying_amount, eir) -> np.ndarray:
    r"""IFRS 9 modification gain (negative: a loss) of modified monthly cash flows.

    .. math:: \sum_{k \ge 0} p_k (1 + i/12)^{-k} - \text{GCA}

    Parameters
    ----------
    pay : array, shape (H+1,) or (P, H+1)
        Contractual cash flows of months 0..H under the modified terms.
    carrying_amount : float
        The gross carrying amount before the modification.
    eir : float
        The original effective interest rate, annual, compounded monthly.

    Examples
    --------
    KPMG's worked example (*AASB 9 loan modifications*, 2021): a 10,000,000 loan at 7 % with
    monthly interest and the principal due in five years; the rate is cut to 5 %, so the
    borrower pays 41,666.67 a month and the principal at the end.  Discounted at the original
    7 % the modified cash flows are worth 9,158,300 (KPMG states 9,158,333), a modification
    loss of 841,700, 8.4 % of the carrying amount:

    >>> flows = np.array([0.0] + [41_666.67] * 59 + [10_041_666.67])
    >>> round(float(modification_gain(flows, 10_000_000, 0.07)), 2)
    -841699.72
    """
    pay = np.asarray(pay, dtype=float)
    k = np.arange(pay.shape[-1])
    disc = (1.0 + float(eir) / 12.0) ** -k
    return pay @ disc - float(carrying_amount)


def book_metrics(batch, claim, pay, books: Books | None = None) -> dict:
    """The columns of :func:`repayplan.evaluate` from the books: modification gain, risk class,
    observation end and provision cost (used by :func:`repayplan.evaluate`)."""
    books = books or Books()
    gca = gross_carrying_amount(claim, books)
    eir = float(claim.annual_rate) if books.original_eir is None else books.original_eir
    classes, ends = risk_class(pay, claim, books)
    assert books.provision_rates is not None  # Books fills in the default rates
    rates = np.array([books.provision_rates[c] for c in classes])
    return {
        "modification_gain": modification_gain(pay, gca, eir),
        "risk_class": classes,
        "observation_end": ends,
        "provision_cost": rates * gca,
    }


def classification_findings(row, claim, books: Books | None = None) -> list:
    """The risk class a plan leaves the loan in, as an ``info`` finding citing the 2023 measures.

    ``row`` is the plan's row of :func:`repayplan.evaluate` (``risk_class``,
    ``observation_end``); :func:`repayplan.evaluate` adds the finding to a single plan's
    ``findings``.

    >>> from datetime import date
    >>> from types import SimpleNamespace
    >>> claim = SimpleNamespace(as_of=date(2026, 6, 30), breakdown=None)
    >>> [f] = classification_findings({"risk_class": "substandard", "observation_end": date(2027, 7, 30)},
    ...                               claim, Books(days_past_due=120))
    >>> f.rule, f.severity, f.citation.endswith("第十七条, 第二十条")
    ('books.risk-class', 'info', True)
    >>> print(f.message)
    the plan makes the loan a restructured asset classed substandard (120 days past due set the floor) and not upgraded before 2027-07-30, the end of its observation period
    """
    from .rules import Finding

    books = books or Books()
    cls, end = row["risk_class"], row["observation_end"]
    days = _days_past_due(claim, books)
    floor = (
        f"{days} days past due set the floor"
        if days > 0
        else "at least special mention once restructured"
    )
    until = (
        f" and not upgraded before {end}, the end of its observation period"
        if end is not None
        else ""
    )
    return [
        Finding(
            "books.risk-class",
            "info",
            f"{CLASSIFICATION_CITATION} 第十七条, 第二十条",
            f"the plan makes the loan a restructured asset classed {cls} ({floor}){until}",
        )
    ]


def term_limit_findings(plan, claim, product: str = "working_capital") -> list:
    """Findings on a plan's term under the product's limits (2024 working-capital loan measures).

    A working-capital loan (流动资金贷款) has a term of at most three years in principle and of
    at most five years where the borrower's operating cash cycle is long (《流动资金贷款管理
    办法》, 国家金融监督管理总局令2024年第2号: "流动资金贷款期限原则上不超过三年，对经营现金流
    回收周期较长的，最长不超过五年", as the regulator stated the limits when it issued the
    measures; :data:`WORKING_CAPITAL_LIMITS`).  The term counted is the loan's whole life:
    from the contract date (when known, else the claim date) to the plan's last payment.
    Beyond three years is a warning (it needs the long cash cycle on file), beyond five
    years an error.  :func:`repayplan.rules.check` reports these findings for a plan on a
    claim whose ``product`` is ``"working_capital"``.

    Parameters
    ----------
    plan : Plan or plan-like
        Read by its ``term`` (months from the claim date).
    claim : Claim or claim-like
        Read by ``as_of`` and ``contract_date``.
    product : {"loan", "credit_card", "working_capital"}
        Only ``"working_capital"`` has term limits here.

    Examples
    --------
    A loan signed on 2025-03-20, restructured on 2026-06-30 (15 months later) over 48 months:
    63 months in all, beyond the five-year limit.

    >>> from datetime import date
    >>> from types import SimpleNamespace
    >>> claim = SimpleNamespace(as_of=date(2026, 6, 30), contract_date=date(2025, 3, 20))
    >>> [(f.severity, f.value, f.limit) for f in term_limit_findings(SimpleNamespace(term=48), claim)]
    [('error', 63, 60)]
    >>> [(f.severity, f.value) for f in term_limit_findings(SimpleNamespace(term=24), claim)]
    [('warning', 39)]
    >>> term_limit_findings(SimpleNamespace(term=12), claim)
    []
    """
    from ._validate import check_date, check_like

    check_like("plan", plan, ("term",), "a repayplan.Plan (or an object with a term in months)")
    check_like("claim", claim, ("as_of",), "a repayplan.Claim (what is owed as of a date)")
    check_choice("product", product, ("loan", "credit_card", "working_capital"))
    term = check_int("plan.term", plan.term, low=0)
    if product != "working_capital":
        return []
    as_of = check_date("claim.as_of", claim.as_of)
    start = getattr(claim, "contract_date", None)
    start = as_of if start is None else check_date("claim.contract_date", start)
    elapsed = max(0, (as_of.year - start.year) * 12 + as_of.month - start.month)
    return _rules.working_capital_term(elapsed + term)
