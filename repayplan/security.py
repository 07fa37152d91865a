r"""Collateral, guarantees, Chinese court fees and the enforcement path as a distribution.

The creditor's alternative to a repayment plan is to sue.  This module builds that
alternative from what secures the claim (:class:`Collateral`, :class:`Guarantee`,
:class:`Security`) and from the steps of a Chinese civil case and its execution
(:class:`Procedure`): filing and property preservation, judgment (and appeal), execution,
the judicial online auction with its two rounds, the sale (变卖) or taking the asset in
payment (以物抵债), the guarantors and the debtor's other assets.  Each step has a duration
in whole months and a probability; the path is a distribution over seeded scenarios
(:class:`EnforcementPath`), and its mean value is what
:meth:`repayplan.Enforcement.from_security` plugs into :class:`repayplan.Creditor`.

The law behind the numbers
--------------------------
- Court fees, 《诉讼费用交纳办法》 (国务院令第481号, 2007): the case acceptance fee of a
  property case in progressive bands (Art. 13(1)); the preservation fee (Art. 14(2),
  at most 5,000 yuan) and the execution fee (Art. 14(1)); halved under the summary
  procedure (Art. 16) or on mediation or withdrawal (Art. 15).  Fees follow the losing
  party (Art. 29); the execution fee is borne by the judgment debtor (Art. 38) and is not
  paid in advance: the court collects it from what it executes.  :func:`court_fees`.
- Online judicial auctions, 《最高人民法院关于人民法院网络司法拍卖若干问题的规定》
  (法释〔2016〕18号): the reserve is the starting price, set from the appraisal and not
  below 70% of it (Art. 10); after a failed auction a second one within 30 days whose
  starting price is at most 20% lower (Art. 26), and after that a sale (变卖) on the same
  platform (Art. 26) — at the second round's starting price.
- Taking the asset in payment: 《最高人民法院关于人民法院民事执行中拍卖、变卖财产的规定》
  (法释〔2004〕16号, amended by 法释〔2020〕21号 in force 1 January 2021): when an auction
  fails the creditor may take the asset at that auction's reserve (Art. 16 of the amended
  text, Art. 19 of 2004), after the second failed auction for movables (Art. 24; 2004
  Art. 27) and real estate (Art. 25; 2004 Art. 28).  The amendment deleted the 2004 Arts.
  5–7 (choosing the appraiser and the auctioneer), so the later articles moved up by three:
  the amended Arts. 4–8 (appraisal, reserve, pointless auction, inquiry, notice) are the
  2004 Arts. 4 and 8–11.
- Nothing found: the court ends this round of execution (终结本次执行程序) after the
  inquiry into the debtor's property finds nothing to execute
  (《最高人民法院关于严格规范终结本次执行程序的规定（试行）》, 法〔2016〕373号, Art. 1;
  民事诉讼法解释 Art. 517 of the 2022 text); the creditor may apply again when property
  turns up.  :attr:`Procedure.execution_probability`.
- Ranks: registered charges on one asset are paid in the order of registration (民法典
  Art. 414), a builder's priority for the construction price ahead of them (Art. 807):
  :meth:`Collateral.ranks`.
- Interest while the case runs: the claim keeps accruing contract, penalty and compound
  interest under its rule set (:meth:`repayplan.Claim.accrue`) to the judgment; after it and
  after each partial recovery the remainder, stated by its parts (costs, penalty and
  compound, contract interest, overdue and not-yet-due principal), accrues by the same
  ledger (``EnforcementPath._basis``) and pays in the rule set's Art. 561 order; after the judgment's
  deadline the debtor also owes the doubled part of interest for delayed performance,
  《最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释》
  (法释〔2014〕8号) Art. 1: unpaid money debt fixed by the judgment, general interest
  excluded, × 1.75/10,000 a day × the days of delay; from the deadline (Art. 2) to the
  ruling on the sale or the taking in payment (Art. 3); paid after the judgment debt
  (Art. 4); accrued by the ledger (:func:`repayplan.ledger.delay_accrual`).
- What a payment covers: costs of realising the claim, then interest, then principal
  (民法典 Art. 561).  The debtor's own collateral is realised before the guarantors
  (Art. 392); a joint-liability guarantor can be pursued as soon as the debt is not paid
  (Art. 688), a general guarantor only after the claim has been tried and enforcement
  against the debtor's assets has failed (先诉抗辩权, Art. 687).

The model of one scenario
-------------------------
Months count from the start of enforcement (a default in month *k* starts it then).
Filing takes :math:`t_f` months, judgment :math:`t_j` (plus :math:`t_a` on appeal),
execution :math:`t_e` to the first auction notice; collateral item *i* then needs its
time to sell :math:`s_i` and goes through the rounds.  With appraisal :math:`A_i`, first
reserve :math:`r_1 = A_i \max(0.7, 1 - h_i)` (haircut :math:`h_i`), second reserve
:math:`r_2 = r_1 (1 - c)`, :math:`c \le 0.2`, the item is sold in round 1 at :math:`r_1`
with probability :math:`p_1`, in round 2 at :math:`r_2` with :math:`(1-p_1)p_2`, by sale at
:math:`r_2` with :math:`(1-p_1)(1-p_2)p_3`, taken in payment at :math:`r_2` with
:math:`(1-p_1)(1-p_2)(1-p_3)q`, or returned to the debtor.  Receivables and deposits are
collected directly at :math:`A_i (1 - h_i)` with their own probability.  The debtor's other
assets are reached if preservation secured them (probability :math:`p_s`) or execution
finds them (:math:`p_x`, else 终结本次执行程序): with probability
:math:`p_s + (1 - p_s)\,p_x`.  Each event pays,
after the prior claims on the item and the court's execution fee, at most what is owed
then; guarantors pay :math:`R_g \min(\text{capacity}, \text{owed})` and the debtor's other
assets :math:`u \cdot \text{owed}`.  The creditor's value of a scenario is

.. math::

    V = \sum_e \text{cash}_e\, v^{m_e + t_d} - \sum_c \text{cost}_c\, v^{m_c},
    \qquad v = \frac{1}{1 + d/12},

with the costs it advances (court fees, lawyer, appraisal) as outflows; what the judgment
puts on the debtor comes back through the payments, first in the Art. 561 order.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _value as _v
from . import ledger as _ledger
from . import money
from ._validate import (
    MAX_BATCH_MINOR,
    as_decimal,
    check_amount,
    check_choice,
    check_fraction,
    check_int,
    check_rate,
    check_seed,
    check_text,
)
from .errors import InputError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .claim import Claim

__all__ = [
    "KINDS",
    "Collateral",
    "Guarantee",
    "Security",
    "Procedure",
    "EnforcementPath",
    "court_fees",
    "delay_interest",
    "SECURITY_COLUMNS",
    "security_cells",
    "values_many",
]

#: Kinds of collateral and their defaults: liquidation ``haircut`` (share of the appraisal
#: lost on a forced sale; it sets the first reserve, never below the legal 70%),
#: ``time_to_sell`` (months from the start of execution to the first auction or the
#: collection), whether it goes to ``auction``, and the probabilities of a sale in
#: each round (auctioned: round 1, round 2, the sale 变卖; otherwise: collection).
KINDS: dict[str, dict[str, Any]] = {
    "real_estate": {
        "haircut": 0.20,
        "time_to_sell": 4,
        "auction": True,
        "sale_probabilities": (0.40, 0.45, 0.35),
    },
    "equipment": {
        "haircut": 0.30,
        "time_to_sell": 2,
        "auction": True,
        "sale_probabilities": (0.30, 0.35, 0.30),
    },
    "equity": {
        "haircut": 0.30,
        "time_to_sell": 4,
        "auction": True,
        "sale_probabilities": (0.20, 0.25, 0.20),
    },
    "receivables": {
        "haircut": 0.35,
        "time_to_sell": 6,
        "auction": False,
        "sale_probabilities": (0.75,),
    },
    "deposits": {"haircut": 0.0, "time_to_sell": 1, "auction": False, "sale_probabilities": (1.0,)},
}

_MONTHS_MAX = 600
#: the legal floor of the first reserve (法释〔2016〕18号 Art. 10) and the largest cut of the
#: second round (Art. 26)
FIRST_RESERVE_MIN = Fraction(7, 10)
SECOND_CUT_MAX = Fraction(1, 5)
#: doubled interest for delayed performance: 1.75 / 10,000 a day (法释〔2014〕8号 Art. 1),
#: accrued by the ledger (:func:`repayplan.ledger.delay_accrual`)
DELAY_RATE = _ledger.DELAY_RATE


def _rate(value) -> float:
    """The creditor's discount rate, a fraction from 0 to 1 a year."""
    return float(check_rate("discount_rate", value))


def _months(name: str, value) -> int:
    return check_int(name, value, low=0, high=_MONTHS_MAX)


def _fraction(x) -> Fraction:
    return Fraction(str(x)) if not isinstance(x, Fraction) else x


# ----------------------------------------------------------------------------------------
# court fees
# ----------------------------------------------------------------------------------------
# (upper bound in yuan or None, rate per 100,000) above a flat first band
_ACCEPTANCE = (
    50,
    (
        (10_000, 0),
        (100_000, 2500),
        (200_000, 2000),
        (500_000, 1500),
        (1_000_000, 1000),
        (2_000_000, 900),
        (5_000_000, 800),
        (10_000_000, 700),
        (20_000_000, 600),
        (None, 500),
    ),
)
_PRESERVATION = (30, ((1_000, 0), (100_000, 1000), (None, 500)))
_PRESERVATION_CAP = 5_000
_EXECUTION = (50, ((10_000, 0), (500_000, 1500), (5_000_000, 1000), (10_000_000, 500), (None, 100)))
_PROCEDURES = ("ordinary", "summary", "mediated")


def _band_fee(cents, table, units: int):
    """Progressive fee on ``cents`` (int or int64 array): flat first band plus the marginal
    rates, rounded half-up to the minor unit, exactly."""
    scale = 10**units
    flat, bands = table
    numer = 0
    lo = 0
    for hi, rate in bands:
        if rate:
            top = cents if hi is None else np.minimum(cents, hi * scale)
            numer = numer + np.maximum(top - lo * scale, 0) * rate
        if hi is not None:
            lo = hi
    return flat * scale + money.div_round(numer, 100_000, nonneg=True)


def court_fees(
    amount,
    *,
    kind: str = "property",
    procedure: str = "ordinary",
    preserved=None,
    executed=None,
    currency: str = "CNY",
) -> dict:
    r"""The court's fees on a money claim under 《诉讼费用交纳办法》 (国务院令第481号).

    Parameters
    ----------
    amount : number
        What is claimed (诉讼请求的金额), currency units, > 0.
    kind : {"property"}
        A property case (财产案件), the only kind with fees fixed by the amount.
    procedure : {"ordinary", "summary", "mediated"}
        The summary procedure (Art. 16) and a case ended by mediation or withdrawal
        (Art. 15) pay half the acceptance fee.
    preserved : number, optional
        Property actually preserved (default ``amount``); 0 for no preservation.
    executed : number, optional
        What execution is applied for (default ``amount``).
    currency : str
        For the minor units only: the bands are in yuan, so an amount in another currency
        must be given as its yuan equivalent.

    Returns
    -------
    dict
        ``"acceptance"`` (案件受理费), ``"preservation"`` (申请保全措施的申请费) and
        ``"execution"`` (申请执行的申请费), each a Decimal.

    Notes
    -----
    Acceptance (Art. 13(1)): 50 yuan up to 10,000, then 2.5% to 100,000, 2% to 200,000,
    1.5% to 500,000, 1% to 1 million, 0.9% to 2 million, 0.8% to 5 million, 0.7% to 10
    million, 0.6% to 20 million and 0.5% above, each rate on the part of the amount in its
    band.  Preservation (Art. 14(2)): 30 yuan up to 1,000, 1% to 100,000, 0.5% above, at
    most 5,000.  Execution (Art. 14(1)): 50 yuan up to 10,000, 1.5% to 500,000, 1% to 5
    million, 0.5% to 10 million, 0.1% above.  The acceptance fee is advanced by the
    plaintiff and borne by the party that loses (Art. 29); the execution fee is borne by
    the judgment debtor (Art. 38) and collected out of what is executed.  Amounts are
    rounded half-up to the fen.

    Examples
    --------
    A claim of 1 million yuan: 50 + 2,250 + 2,000 + 4,500 + 5,000 = 13,800 to file, the
    preservation fee capped at 5,000, and 50 + 7,350 + 5,000 = 12,400 to execute:

    >>> fees = court_fees(1_000_000)
    >>> {k: str(v) for k, v in fees.items()}
    {'acceptance': '13800.00', 'preservation': '5000.00', 'execution': '12400.00'}
    >>> str(court_fees(100_000, procedure="summary")["acceptance"])       # (2,300) / 2
    '1150.00'
    """
    check_choice("kind", kind, ("property",))
    check_choice("procedure", procedure, _PROCEDURES)
    units = money.minor_units_for(currency)
    cents = money.to_minor(check_amount("amount", amount), units)
    pres = (
        cents
        if preserved is None
        else money.to_minor(check_amount("preserved", preserved, allow_zero=True), units)
    )
    ex = cents if executed is None else money.to_minor(check_amount("executed", executed), units)
    acc = int(_band_fee(cents, _ACCEPTANCE, units))
    if procedure != "ordinary":
        acc = money.div_round(acc, 2)
    pre = (
        0
        if pres == 0
        else min(int(_band_fee(pres, _PRESERVATION, units)), _PRESERVATION_CAP * 10**units)
    )
    exe = int(_band_fee(ex, _EXECUTION, units))
    f = lambda m: money.from_minor(m, units)  # noqa: E731
    return {"acceptance": f(acc), "preservation": f(pre), "execution": f(exe)}


def _fees_cents(cents, units: int, procedure: str, preserve: bool):
    acc = _band_fee(cents, _ACCEPTANCE, units)
    if procedure != "ordinary":
        acc = money.div_round(acc, 2, nonneg=True)
    pre = np.minimum(_band_fee(cents, _PRESERVATION, units), _PRESERVATION_CAP * 10**units)
    if not preserve:
        pre = pre * 0
    return acc, pre


#: the ledger's function, kept here under its name (:func:`repayplan.ledger.delay_interest`)
delay_interest = _ledger.delay_interest


# ----------------------------------------------------------------------------------------
# what secures the claim
# ----------------------------------------------------------------------------------------
def _name_of(what: str) -> _v.Check:
    return lambda name, value: _check_name(name, value, what)


def _quantized(low_ok, allowed: str) -> _v.Check:
    """An amount (``low_ok(d)`` true), stored rounded to cents."""

    def check(name: str, value) -> Decimal:
        d = as_decimal(name, value)
        if not low_ok(d):
            raise InputError(name, value, allowed)
        return money.quantize(d)

    return check


def _yes_no(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise InputError(name, value, "true or false")
    return value


_MONTHS = _v.int_in(0, _MONTHS_MAX)


def _fee(name: str, value) -> Decimal:
    return money.quantize(check_amount(name, value, allow_zero=True))


_FEE: _v.Check = _fee


class Collateral(_v.Value):
    """An asset charged to the claim: a mortgage or pledge, with its rank.

    Parameters
    ----------
    name : str
    appraisal : number
        Appraised value (评估价), currency units, > 0.
    kind : {"real_estate", "equipment", "receivables", "equity", "deposits"}
        Sets the defaults of :data:`KINDS`.
    lien_rank : int
        1 for a first charge; a charge of rank *k* is paid out of the proceeds after the
        charges of ranks 1 .. *k* − 1 (民法典 Art. 414: registered charges rank by the
        order of registration).
    prior_claims : number or sequence of numbers
        What is paid out of the proceeds before this creditor, >= 0: one total, or one
        amount per earlier rank (rank 1 first; as many as ``lien_rank - 1``).  A first
        charge may still have statutory priorities ahead of it (a builder's priority for
        the construction price, 民法典 Art. 807); a charge of rank 2 or later must have
        something ahead of it: ``prior_claims`` of 0 there is an :class:`InputError`
        (state the earlier ranks' amounts, or ``lien_rank=1`` if they are discharged).
    haircut : float, optional
        Share of the appraisal lost on a forced sale (default by kind).  For an auctioned
        asset the first reserve is ``appraisal × max(0.7, 1 - haircut)``; for receivables
        and deposits the collection is ``appraisal × (1 - haircut)``.
    time_to_sell : int, optional
        Months from the start of execution to the first auction (or the collection).
    sale_probabilities : sequence of float, optional
        Auctioned: the chance of a sale in round 1, round 2 and the sale (变卖), each given
        that the earlier ones failed; otherwise the chance of collecting.

    Examples
    --------
    >>> f = Collateral("factory", appraisal=2_000_000, kind="real_estate", lien_rank=2, prior_claims=500_000)
    >>> f.reserves()                      # 80% of the appraisal, then 20% lower
    (Decimal('1600000.00'), Decimal('1280000.00'))
    >>> Collateral("press", appraisal=300_000, kind="equipment").reserves()   # the legal floor: 70%
    (Decimal('210000.00'), Decimal('168000.00'))

    A third charge behind a first of 300,000 and a second of 200,000:

    >>> shed = Collateral("shed", appraisal=900_000, kind="real_estate", lien_rank=3,
    ...                   prior_claims=[300_000, 200_000])
    >>> shed.prior_claims, shed.prior_ranks
    (Decimal('500000.00'), (Decimal('300000.00'), Decimal('200000.00')))
    """

    name: str = _v.field(check=_name_of("collateral"))
    appraisal: Decimal = _v.field(
        check=_quantized(lambda d: d > 0, "a positive amount (the appraised value)")
    )
    kind: str = _v.field(check=_v.choice(*KINDS))
    lien_rank: int = _v.field(default=1, check=_v.int_in(1, 99))
    prior_claims: Decimal = Decimal(0)
    haircut: float | None = None
    time_to_sell: int | None = None
    sale_probabilities: tuple | None = None
    #: the amounts ahead of this charge, one per earlier rank (rank 1 first), or the one
    #: total given; their sum is ``prior_claims``
    prior_ranks: tuple = field(init=False, repr=False, compare=False)

    def _check(self) -> None:  # the defaults and the priorities depend on kind and rank
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        ranks = _prior_ranks(self.prior_claims, self.lien_rank)
        put("prior_ranks", ranks)
        put("prior_claims", sum(ranks, Decimal(0)).quantize(ranks[0]))
        d = KINDS[self.kind]
        put(
            "haircut",
            check_fraction("haircut", d["haircut"] if self.haircut is None else self.haircut),
        )
        put(
            "time_to_sell",
            _months(
                "time_to_sell",
                d["time_to_sell"] if self.time_to_sell is None else self.time_to_sell,
            ),
        )
        probs = (
            d["sale_probabilities"] if self.sale_probabilities is None else self.sale_probabilities
        )
        n = len(d["sale_probabilities"])
        if isinstance(probs, (str, bytes)) or not hasattr(probs, "__len__") or len(probs) != n:
            raise InputError(
                "sale_probabilities",
                self.sale_probabilities,
                f"{n} probabilities from 0 to 1 for {self.kind} "
                + ("(round 1, round 2, the sale)" if n == 3 else "(collection)"),
            )
        put(
            "sale_probabilities",
            tuple(check_fraction(f"sale_probabilities[{i}]", x) for i, x in enumerate(probs)),
        )

    @property
    def auctioned(self) -> bool:
        """Whether the asset is sold at a judicial auction (else collected directly).

        >>> Collateral("cash", appraisal=1, kind="deposits").auctioned
        False
        """
        return KINDS[self.kind]["auction"]

    def reserves(self, second_cut: float = 0.2) -> tuple[Decimal, Decimal]:
        """The first and second reserve prices (起拍价) of the online auction.

        The first is ``appraisal × max(0.7, 1 - haircut)`` (法释〔2016〕18号 Art. 10), the
        second ``first × (1 - second_cut)`` with ``second_cut <= 0.2`` (Art. 26); both
        rounded half-up to the fen.  Receivables and deposits: the collection, twice.

        >>> Collateral("shares", appraisal=1_000_000, kind="equity").reserves(0.1)
        (Decimal('700000.00'), Decimal('630000.00'))
        """
        cut = _check_cut(second_cut)
        r1, r2 = self._reserve_cents(cut)
        return money.from_minor(r1, 2), money.from_minor(r2, 2)

    def ranks(self, price=None) -> pd.DataFrame:
        """The proceeds of a sale paid in rank order: ranks 1 .. k − 1, then this charge.

        ``price`` (currency units, >= 0; default the first reserve) pays each earlier rank
        in turn up to its amount (``prior_ranks``; one total when only that is given), and
        what is left goes to this creditor (rank ``lien_rank``), before the court's
        execution fee and up to what it is owed (:meth:`EnforcementPath.waterfall`).

        Examples
        --------
        >>> shed = Collateral("shed", appraisal=900_000, kind="real_estate", lien_rank=3,
        ...                   prior_claims=[300_000, 200_000])
        >>> shed.ranks(450_000)
                  ahead      paid
        rank
        1     300000.00 300000.00
        2     200000.00 150000.00
        3          None      0.00
        """
        left = (
            self.reserves()[0]
            if price is None
            else money.quantize(check_amount("price", price, allow_zero=True))
        )
        rows = []
        n = len(self.prior_ranks)
        for i, amount in enumerate(self.prior_ranks):
            paid = min(left, amount)
            left -= paid
            label = (
                i + 1
                if n == self.lien_rank - 1
                else ("1.." + str(self.lien_rank - 1) if self.lien_rank > 1 else "priority")
            )
            rows.append({"rank": label, "ahead": amount, "paid": paid})
        rows.append({"rank": self.lien_rank, "ahead": None, "paid": left})
        return pd.DataFrame(rows).set_index("rank")

    def _reserve_cents(self, cut: Fraction, units: int = 2) -> tuple[int, int]:
        a = money.to_minor(self.appraisal, units)
        keep = 1 - _fraction(self.haircut)
        if not self.auctioned:
            c = money.div_round(a * keep.numerator, keep.denominator)
            return c, c
        keep = max(FIRST_RESERVE_MIN, keep)
        r1 = money.div_round(a * keep.numerator, keep.denominator)
        k2 = 1 - cut
        return r1, money.div_round(r1 * k2.numerator, k2.denominator)


def _check_name(name: str, value, what: str) -> str:
    check_text(name, value, max_length=200, allow_nul=False)
    if not value.strip():
        raise InputError(name, value, f"a non-empty name for the {what}")
    return value


def _prior_ranks(value, rank: int) -> tuple:
    """``prior_claims`` as one amount per earlier rank, checked against ``lien_rank``."""
    what = "an amount >= 0 (what ranks ahead of this creditor), or one amount per earlier rank"
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
        if rank == 1 or len(items) != rank - 1:
            raise InputError(
                "prior_claims",
                value,
                f"{rank - 1} amounts, one per earlier rank (lien_rank {rank})"
                if rank > 1
                else "one amount for a first charge (statutory priorities ahead of it)",
            )
        names = [f"prior_claims[{i}]" for i in range(len(items))]
    else:
        items, names = [value], ["prior_claims"]
    out = []
    for n, x in zip(names, items, strict=True):
        p = as_decimal(n, x)
        if p < 0:
            raise InputError(n, x, what)
        out.append(money.quantize(p))
    if rank > 1 and sum(out) == 0:
        raise InputError(
            "prior_claims",
            value,
            "more than 0 ahead of a charge of rank "
            + (
                f"{rank} (the amounts of ranks 1 to {rank - 1})"
                if rank > 2
                else "2 (the first charge)"
            )
            + ", or lien_rank=1 if they are discharged",
        )
    return tuple(out)


def _check_cut(cut) -> Fraction:
    c = _fraction(as_decimal("second_cut", cut))
    if c < 0 or c > SECOND_CUT_MAX:
        raise InputError(
            "second_cut",
            cut,
            "a fraction from 0 to 0.2 (法释〔2016〕18号 Art. 26: at most 20% "
            "below the first reserve)",
        )
    return c


class Guarantee(_v.Value):
    """A guarantor's promise to pay the debtor's debt (保证).

    Parameters
    ----------
    name : str
    capacity : number
        The most the guarantor can be made to pay (the guaranteed maximum or what its
        assets support), currency units, >= 0.
    recovery_rate : float
        Share (0..1) of what is demanded, up to ``capacity``, that the creditor collects.
    kind : {"joint", "general"}
        Joint liability (连带责任保证, 民法典 Art. 688): pursued alongside the debtor; a
        general guarantee (一般保证, Art. 687): only after enforcement against the
        debtor has failed (先诉抗辩权).
    collection_months : int
        Months from the moment the guarantor can be pursued to the money.

    Examples
    --------
    >>> g = Guarantee("Chen Jianguo", capacity=800_000, recovery_rate=0.6)
    >>> g.kind, g.capacity
    ('joint', Decimal('800000.00'))
    """

    name: str = _v.field(check=_name_of("guarantor"))
    capacity: Decimal = _v.field(
        check=_quantized(lambda d: d >= 0, "an amount >= 0 (the most the guarantor can pay)")
    )
    recovery_rate: float = _v.field(default=0.5, check=_v.fraction)
    kind: str = _v.field(default="joint", check=_v.choice("joint", "general"))
    collection_months: int = _v.field(default=6, check=_MONTHS)


def _named_items(kind: type) -> _v.Check:
    """A sequence of ``kind`` with distinct names, stored as a tuple."""

    def check(name: str, items) -> tuple:
        if isinstance(items, (kind, str, bytes, dict)) or not hasattr(items, "__iter__"):
            raise InputError(name, items, f"a list of repayplan.{kind.__name__}")
        items = tuple(items)
        for i, x in enumerate(items):
            if not isinstance(x, kind):
                raise InputError(f"{name}[{i}]", x, f"a repayplan.{kind.__name__}")
        names = [x.name for x in items]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InputError(name, dup, "distinct names")
        return items

    return check


class Security(_v.Value):
    """What secures a claim: collateral, guarantees and the debtor's other assets.

    Parameters
    ----------
    collateral : sequence of Collateral
    guarantees : sequence of Guarantee
    unsecured_recovery : float
        Share (0..1) of what is still owed after the collateral that execution against
        the debtor's other, unsecured assets recovers.

    Examples
    --------
    >>> s = Security(collateral=[Collateral("factory", appraisal=2_000_000, kind="real_estate")],
    ...              guarantees=[Guarantee("owner", capacity=500_000, recovery_rate=0.4)])
    >>> s.to_frame()[["kind", "appraisal", "first_reserve", "second_reserve"]]
                    kind   appraisal first_reserve second_reserve
    name
    factory  real_estate  2000000.00    1600000.00     1280000.00
    """

    collateral: Sequence[Collateral] = _v.field(
        default=(), check=_named_items(Collateral)
    )  # a tuple
    guarantees: Sequence[Guarantee] = _v.field(default=(), check=_named_items(Guarantee))  # a tuple
    unsecured_recovery: float = _v.field(default=0.0, check=_v.fraction)

    def to_frame(self, second_cut: float = 0.2) -> pd.DataFrame:
        """The collateral as a table: kind, rank, appraisal, prior claims, haircut, reserves."""
        rows = []
        for c in self.collateral:
            r1, r2 = c.reserves(second_cut)
            rows.append(
                {
                    "name": c.name,
                    "kind": c.kind,
                    "lien_rank": c.lien_rank,
                    "appraisal": c.appraisal,
                    "prior_claims": c.prior_claims,
                    "haircut": c.haircut,
                    "time_to_sell": c.time_to_sell,
                    "first_reserve": r1,
                    "second_reserve": r2,
                }
            )
        cols = [
            "name",
            "kind",
            "lien_rank",
            "appraisal",
            "prior_claims",
            "haircut",
            "time_to_sell",
            "first_reserve",
            "second_reserve",
        ]
        return pd.DataFrame(rows, columns=cols).set_index("name")

    def guarantee_frame(self) -> pd.DataFrame:
        """The guarantees as a table.

        >>> Security(guarantees=[Guarantee("g", capacity=100)]).guarantee_frame()
               kind capacity  recovery_rate  collection_months
        name
        g     joint   100.00            0.5                  6
        """
        cols = ["name", "kind", "capacity", "recovery_rate", "collection_months"]
        rows = [{k: getattr(g, k) for k in cols} for g in self.guarantees]
        return pd.DataFrame(rows, columns=cols).set_index("name")

    def _repr_html_(self) -> str:
        return (
            f"<div><b>Security</b> (unsecured recovery {self.unsecured_recovery:.0%})"
            f"{self.to_frame().to_html()}{self.guarantee_frame().to_html()}</div>"
        )


# ----------------------------------------------------------------------------------------
# the court path
# ----------------------------------------------------------------------------------------
class Procedure(_v.Value):
    """Durations (whole months), probabilities and costs of suing and enforcing.

    Parameters
    ----------
    filing_months : int
        Filing the case and preserving property.
    preservation_probability : float
        The chance that preservation (财产保全) secures the debtor's other, unsecured assets;
        without it they yield nothing (the collateral is charged already).
    judgment_months, judgment_probability : int, float
        First-instance judgment (ordinary procedure: six months, 民事诉讼法 Art. 152) and
        the chance that it is for the creditor.
    appeal_probability, appeal_months : float, int
        The chance of an appeal and how long it adds.
    performance_days : int
        The period the judgment gives for payment; the doubled interest runs after it.
    execution_months : int
        From applying for execution to the first auction notice (seizure, appraisal).
    execution_probability : float
        The chance that execution finds and seizes the debtor's other, unsecured assets
        that preservation did not already secure (online inquiry and control, 网络查控);
        when nothing is found the court ends this round of execution (终结本次执行程序,
        《最高人民法院关于严格规范终结本次执行程序的规定（试行）》, 法〔2016〕373号, Art. 1)
        and they yield nothing.  The default 0.57: about 43% of the cases that enter
        execution have no property to execute (确无财产可供执行, the Supreme People's
        Court's 2018 report to the NPC Standing Committee on solving "difficult
        execution").  Charged collateral is seized in any case: its risk is in the sale.
    first_auction_months, second_auction_months, sale_months, takeover_months : int
        Each round of the online auction (announcement and bidding), the sale (变卖,
        60 days) and the ruling on taking the asset in payment.
    second_cut : float
        How much lower the second reserve is, at most 0.2 (法释〔2016〕18号 Art. 26).
    takeover_probability : float
        The chance that the creditor takes an unsold asset in payment at the second reserve.
    takeover_discount, takeover_resale_months : float, int
        What the creditor loses reselling an asset taken in payment, and when it has the cash.
    unsecured_months : int
        From the last collateral event to the recovery from the debtor's other assets (and
        the ruling that ends this round of execution, 终结本次执行).
    distribution_months : int
        From a sale or collection to the money in the creditor's account.
    procedure : {"ordinary", "summary", "mediated"}
        For the acceptance fee (:func:`court_fees`).
    preserve : bool
        Whether property preservation is applied for (its fee).
    lawyer_fee, appraisal_fee : number
        The creditor's lawyer (paid at filing) and the appraisal of the collateral (paid
        when execution starts, only if the case is won), advanced by the creditor.
    lawyer_fee_on_debtor, appraisal_fee_on_debtor : bool
        Whether the judgment puts them on the debtor (a lawyer's fee only when the contract
        says so); then they are claimed back out of the proceeds, first (Art. 561).

    Examples
    --------
    >>> p = Procedure(judgment_months=9)
    >>> p.judgment_months, p.second_cut
    (9, 0.2)
    >>> Procedure(appeal_months=-1)
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: appeal_months == -1, must be a whole number from 0 to 600
    """

    filing_months: int = _v.field(default=1, check=_MONTHS)
    preservation_probability: float = _v.field(default=0.9, check=_v.fraction)
    judgment_months: int = _v.field(default=6, check=_MONTHS)
    judgment_probability: float = _v.field(default=0.95, check=_v.fraction)
    appeal_probability: float = _v.field(default=0.3, check=_v.fraction)
    appeal_months: int = _v.field(default=4, check=_MONTHS)
    performance_days: int = _v.field(default=10, check=_v.int_in(0, 3650))
    execution_months: int = _v.field(default=3, check=_MONTHS)
    execution_probability: float = _v.field(default=0.57, check=_v.fraction)
    first_auction_months: int = _v.field(default=2, check=_MONTHS)
    second_auction_months: int = _v.field(default=1, check=_MONTHS)
    sale_months: int = _v.field(default=2, check=_MONTHS)
    takeover_months: int = _v.field(default=1, check=_MONTHS)
    second_cut: float = _v.field(default=0.2, check=lambda _, v: float(_check_cut(v)))
    takeover_probability: float = _v.field(default=0.5, check=_v.fraction)
    takeover_discount: float = _v.field(default=0.15, check=_v.fraction)
    takeover_resale_months: int = _v.field(default=6, check=_MONTHS)
    unsecured_months: int = _v.field(default=6, check=_MONTHS)
    distribution_months: int = _v.field(default=1, check=_MONTHS)
    procedure: str = _v.field(default="ordinary", check=_v.choice(*_PROCEDURES))
    preserve: bool = _v.field(default=True, check=_yes_no)
    lawyer_fee: Decimal = _v.field(default=Decimal(0), check=_FEE)
    appraisal_fee: Decimal = _v.field(default=Decimal(0), check=_FEE)
    lawyer_fee_on_debtor: bool = _v.field(default=False, check=_yes_no)
    appraisal_fee_on_debtor: bool = _v.field(default=True, check=_yes_no)


# ----------------------------------------------------------------------------------------
# the scenarios
# ----------------------------------------------------------------------------------------
# outcome codes of an auctioned item; direct items use SOLD_1 (collected) and RETURNED
SOLD_1, SOLD_2, SOLD_SALE, TAKEN, RETURNED = range(5)
_OUTCOME_NAMES = ("round 1", "round 2", "sale", "taken in payment", "unsold")
# event types, in the order ties are settled
_COLL, _JOINT, _UNSEC, _GENERAL = range(4)


def _outcome_probs(c: Collateral, proc: Procedure) -> np.ndarray:
    probs = c.sale_probabilities
    assert probs is not None, "Collateral.__post_init__ fills sale_probabilities from the kind"
    if not c.auctioned:
        p = probs[0]
        return np.array([p, 0, 0, 0, 1 - p])
    p1, p2, p3 = probs
    q = proc.takeover_probability
    out = [p1, (1 - p1) * p2, (1 - p1) * (1 - p2) * p3, (1 - p1) * (1 - p2) * (1 - p3) * q]
    return np.array(out + [max(0.0, 1 - sum(out))])


@dataclass(frozen=True, eq=False)
class EnforcementPath:
    """The enforcement path of one claim as a distribution over scenarios.

    Built by :meth:`repayplan.Enforcement.from_security` (or directly); the scenarios are
    drawn once (seeded) and every value — of the claim, or of what is owed when a plan
    defaults — is computed on the same draws.

    Parameters
    ----------
    security : Security
    claim : Claim
        The claim as of the start of enforcement; its ledger (:meth:`Claim.accrue`) gives
        the interest that runs while the case lasts.
    procedure : Procedure
    scenarios : int
        Number of scenarios drawn.
    seed : int or numpy.random.Generator, optional
    exact : bool
        Enumerate every combination of outcomes with its probability instead of drawing
        (the exact distribution; at most 100,000 combinations).

    Attributes
    ----------
    weights : ndarray
        Probability of each scenario (``1/scenarios`` when drawn).

    Examples
    --------
    A claim of 1,000,000 secured on equipment appraised at 600,000 that is certain to sell
    in the first round at 70% of the appraisal, 1 + 6 + 3 + 2 + 2 months after the default
    (filing, judgment, execution, time to sell, the auction).  The judgment awards the
    claim, 212 days of interest (29,444.44) and the court fees (18,800.00): 1,048,244.44,
    on which the execution fee is 12,400 + 1% × 48,244.44 = 12,882.44.  What is left of
    the price pays the costs, the interest to the sale (the 29,444.44 the judgment fixed and
    212 more days on the principal the judgment states, 1,000,000 × 5% × 212/360 = 29,444.44:
    58,888.88) and then principal (Art. 561):

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
    >>> sec = Security(collateral=[Collateral("lathe", appraisal=600_000, kind="equipment",
    ...                                       sale_probabilities=(1, 0, 0))])
    >>> proc = Procedure(judgment_probability=1, appeal_probability=0, distribution_months=0)
    >>> path = EnforcementPath(sec, claim, proc, exact=True)
    >>> path.months_to_sale()
    14.0
    >>> w = path.waterfall()
    >>> w.loc["lathe", ["proceeds", "execution_fee", "to_creditor", "to_costs", "to_interest", "to_principal"]].tolist()
    [420000.0, 12882.44, 407117.56, 18800.0, 58888.88, 329428.68]
    """

    security: Security
    claim: Claim
    procedure: Procedure = Procedure()
    scenarios: int = 1000
    seed: int | np.random.SeedSequence | np.random.Generator | None = None
    exact: bool = False
    weights: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        from .claim import Claim

        if TYPE_CHECKING:  # state set below by object.__setattr__, not dataclass fields
            self._won: np.ndarray
            self._appeal: np.ndarray
            self._outcome: np.ndarray
            self._preserved: np.ndarray
            self._ev_month: np.ndarray
            self._ev_type: np.ndarray
            self._ev_amount: np.ndarray
            self._ev_taken: np.ndarray
            self._ev_index: np.ndarray
            self._t_judg: np.ndarray
            self._t_exec: np.ndarray
            self._last: np.ndarray
            self._accrued_cents: np.ndarray
            self._ordinal: np.ndarray
            self._interest_cents: np.ndarray
            self._principal_cents: np.ndarray
            self._not_due_cents: np.ndarray
            self._basis_den: int
            self._order: tuple[str, ...]
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        if not isinstance(self.security, Security):
            raise InputError("security", self.security, "a repayplan.Security")
        if not isinstance(self.claim, Claim):
            raise InputError("claim", self.claim, "a repayplan.Claim")
        if not isinstance(self.procedure, Procedure):
            raise InputError("procedure", self.procedure, "a repayplan.security.Procedure")
        put("scenarios", check_int("scenarios", self.scenarios, low=1, high=1_000_000))
        check_seed("seed", self.seed)
        if not isinstance(self.exact, bool):
            raise InputError("exact", self.exact, "true or false")
        if self.claim.total <= 0:
            raise InputError("claim.total", self.claim.total, "a claim with something owed")
        self._draw()
        self._timeline()

    # -- equality: the same inputs give the same distribution ---------------------------
    def _key(self):
        seed = self.seed if isinstance(self.seed, (int, type(None))) else id(self.seed)
        return (self.security, self.claim, self.procedure, self.scenarios, seed, self.exact)

    def __eq__(self, other):
        return isinstance(other, EnforcementPath) and self._key() == other._key()

    def __hash__(self):
        return hash((self.scenarios, self.exact, len(self.security.collateral)))

    def __repr__(self) -> str:
        n = "exact" if self.exact else f"{self.scenarios} scenarios, seed {self.seed!r}"
        return (
            f"EnforcementPath({len(self.security.collateral)} collateral, "
            f"{len(self.security.guarantees)} guarantees; {n})"
        )

    # -- drawing the scenarios -------------------------------------------------------------
    def _draw(self):
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        proc, coll = self.procedure, self.security.collateral
        probs = [_outcome_probs(c, proc) for c in coll]
        if self.exact:
            # preservation, or failing it execution, reaches the debtor's other assets; it matters
            # only for them: one outcome without them
            reach = (
                proc.preservation_probability
                + (1.0 - proc.preservation_probability) * proc.execution_probability
            )
            pres = [1.0 - reach, reach] if self.security.unsecured_recovery > 0 else [0.0, 1.0]
            axes = (
                [
                    np.array([1.0 - proc.judgment_probability, proc.judgment_probability]),
                    np.array([1.0 - proc.appeal_probability, proc.appeal_probability]),
                ]
                + probs
                + [np.array(pres)]
            )
            sizes = [len(a) for a in axes]
            if math.prod(sizes) > 100_000:
                raise InputError(
                    "exact",
                    True,
                    "at most 100,000 combinations of outcomes "
                    f"({math.prod(sizes)} here): draw scenarios instead",
                )
            grid = np.array(
                list(itertools.product(*[range(n) for n in sizes])), dtype=np.int64
            ).reshape(-1, len(sizes))
            w = np.ones(len(grid))
            for j, a in enumerate(axes):
                w = w * a[grid[:, j]]
            keep = w > 0
            grid, w = grid[keep], w[keep]
            won, appeal, outcome = grid[:, 0].astype(bool), grid[:, 1].astype(bool), grid[:, 2:-1]
            preserved = grid[:, -1].astype(bool)
        else:
            rng = (
                self.seed
                if isinstance(self.seed, np.random.Generator)
                else np.random.default_rng(self.seed)
            )
            S = self.scenarios
            won = rng.random(S) < proc.judgment_probability
            appeal = rng.random(S) < proc.appeal_probability
            outcome = np.empty((S, len(coll)), dtype=np.int64)
            for i, p in enumerate(probs):
                outcome[:, i] = np.minimum(
                    np.searchsorted(np.cumsum(p), rng.random(S), side="right"), 4
                )
            preserved = rng.random(S) < proc.preservation_probability
            w = np.full(S, 1.0 / S)
            # found in execution (drawn last: the draws before it do not move)
            preserved = preserved | (rng.random(S) < proc.execution_probability)
        put("weights", w)
        put("_won", won)
        put("_appeal", appeal)
        put("_outcome", outcome)
        put("_preserved", preserved)  # the debtor's other assets reached: preserved or found

    def _timeline(self):
        """Event months and amounts that do not depend on what is owed."""
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        proc, sec = self.procedure, self.security
        S = len(self.weights)
        units = self.claim.minor_units
        t_judg = (
            proc.filing_months
            + proc.judgment_months
            + np.where(self._appeal, proc.appeal_months, 0)
        )
        t_exec = t_judg + proc.execution_months
        rounds = np.cumsum(
            [
                proc.first_auction_months,
                proc.second_auction_months,
                proc.sale_months,
                proc.takeover_months,
            ]
        )
        cut = _fraction(proc.second_cut)
        months, types, amount, taken, idx = [], [], [], [], []
        last = t_exec.copy()
        for i, c in enumerate(sec.collateral):
            r1, r2 = c._reserve_cents(cut, units)
            out = self._outcome[:, i]
            if c.auctioned:
                offs = np.concatenate([rounds, [0]])[np.minimum(out, 4)]
            else:
                offs = np.zeros(S, dtype=np.int64)
            m = t_exec + c.time_to_sell + offs
            price = np.where(out == SOLD_1, r1, np.where(out == RETURNED, 0, r2))
            prior = money.to_minor(c.prior_claims, units)
            net = np.maximum(price - prior, 0)
            months.append(m)
            types.append(np.full(S, _COLL))
            amount.append(np.where(out == RETURNED, 0, net))
            taken.append(out == TAKEN)
            idx.append(np.full(S, i))
            last = np.where(out == RETURNED, last, np.maximum(last, m))
        # Art. 392: the debtor's own collateral first; then the joint guarantors; the debtor's
        # other assets; a general guarantor only after that has failed (Art. 687)
        t_unsec = last + proc.unsecured_months
        for j, g in enumerate(sec.guarantees):
            start = last if g.kind == "joint" else t_unsec
            months.append(start + g.collection_months)
            types.append(np.full(S, _JOINT if g.kind == "joint" else _GENERAL))
            amount.append(np.full(S, money.to_minor(g.capacity, units)))
            taken.append(np.zeros(S, dtype=bool))
            idx.append(np.full(S, j))
        months.append(t_unsec)
        types.append(np.full(S, _UNSEC))
        amount.append(np.zeros(S, dtype=np.int64))
        taken.append(np.zeros(S, dtype=bool))
        idx.append(np.full(S, -1))
        M, T = np.stack(months, axis=1), np.stack(types, axis=1)
        order = np.lexsort((T, M), axis=1) if M.shape[1] > 1 else np.zeros_like(M)
        take = lambda a: np.take_along_axis(  # noqa: E731
            np.stack(a, axis=1) if isinstance(a, list) else a, order, axis=1
        )
        put("_ev_month", take(M))
        put("_ev_type", take(T))
        put("_ev_amount", take(amount).astype(np.int64))
        put("_ev_taken", take(taken))
        put("_ev_index", take(idx))
        put("_t_judg", t_judg)
        put("_t_exec", t_exec)
        put("_last", last)
        # the ledger: the claim accrued to every month an event can fall in
        top = int(max(self._ev_month.max(), t_judg.max())) + 1
        ledger = np.array(
            [money.to_minor(self._accrued(m).total, units) for m in range(top + 1)], dtype=np.int64
        )
        base = money.to_minor(self.claim.total, units)
        put("_accrued_cents", ledger - base)  # interest accrued by month m on the whole claim
        put(
            "_ordinal",
            np.array([self._date(m).toordinal() for m in range(top + 1)], dtype=np.int64),
        )
        fig = lambda f: np.array(  # noqa: E731
            [money.to_minor(f(self._accrued(m)), units) for m in range(top + 1)],
            dtype=np.int64,
        )
        put("_interest_cents", fig(lambda c: c.interest))
        put("_principal_cents", fig(lambda c: c.principal))
        put("_not_due_cents", fig(lambda c: c.principal - c.overdue_principal))
        self._basis(top)

    def _basis(self, top: int) -> None:
        r"""The ledger's accrual, after the judgment, per minor unit of each component.

        The remainder after a recovery is a stated claim (all principal due under the
        judgment): overdue principal :math:`P`, contract interest :math:`I`, penalty and
        compound, costs.  The ledger (:meth:`repayplan.Claim.accrue`) accrues penalty on
        :math:`P` and, where the rule set charges it, compound interest on :math:`I`, both
        linear in them: rolling one basis claim of :math:`K` (the ledger's common
        denominator :math:`D_L`, so that its figures are exact integers) forward from the
        claim's date gives the accrual numerators :math:`N_P(m)`, :math:`N_I(m)`, and the
        ledger's figure for the remainder from month :math:`a` to :math:`b` is
        :math:`\mathrm{round}(P\,(N_P(b) - N_P(a)) / D_L) + \mathrm{round}(I\,(N_I(b) - N_I(a)) / D_L)`.
        """
        from .claim import Claim

        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        c, units = self.claim, self.claim.minor_units
        rs = c.rules
        den = _ledger.Terms(
            c.penalty_rate,
            c.annual_rate,
            rs.compound_interest,
            rs.compound_rate,
            c.accrual_day_count,
            rs.allocation_order,
            rs.allocation_by,
            "principal",
            0,
            "exact",
            units,
        ).den
        k = money.from_minor(den, units)
        like: dict[str, Any] = dict(
            annual_rate=c.annual_rate,
            penalty_rate=c.penalty_rate,
            rules=rs,
            as_of=c.as_of,
            currency=c.currency,
            accrual_day_count=c.accrual_day_count,
            contract_date=c.contract_date,
            maturity=c.maturity,
            accelerated=c.accelerated,
            accrual_rounding="exact",
        )
        due = Claim(principal=k, overdue_principal=k, interest=k, **like)  # overdue P, unpaid I
        not_due = Claim(principal=k, **like)  # P not yet due
        n = {key: [0] for key in ("pp", "i", "ni", "np")}
        seen = self.__dict__.setdefault(
            "_basis_cache", {}
        )  # by month: the claim's alone (with_assumption)
        for m in range(1, top + 1):
            if m not in seen:
                b, d = due.accrue(self._date(m)), not_due.accrue(self._date(m))
                seen[m] = (
                    money.to_minor(b.penalty - b.compound, units),  # penalty on overdue P
                    money.to_minor(b.compound, units),  # compound on unpaid I
                    money.to_minor(d.interest, units),  # contract interest on P not due
                    money.to_minor(d.penalty, units),
                )  # penalty on it once due
            for key, x in zip(("pp", "i", "ni", "np"), seen[m], strict=True):
                n[key].append(x)
        dt = object if den > 2**40 else np.int64
        put("_basis_den", den)
        for key, vals in n.items():
            put("_basis_" + key, np.array(vals, dtype=dt))
        # the Art. 561 order of the remainder's parts, from the rule set (then 法释〔2014〕8号 Art. 4)
        kind = {"co": "costs", "pe": "penalty", "ci": "interest", "pr": "principal"}
        rank = {
            k_: (ci, ki) for ci, cls in enumerate(rs.allocation_order) for ki, k_ in enumerate(cls)
        }
        put("_order", tuple(sorted(kind, key=lambda b_: rank.get(kind[b_], (99, 0)))) + ("di",))

    def _date(self, m: int) -> _dt.date:
        from .calendar import add_months

        return add_months(self.claim.as_of, int(m), eom=False)

    def _accrued(self, m: int):
        cache = self.__dict__.setdefault("_ledger_cache", {})
        if m not in cache:
            cache[m] = self.claim if m == 0 else self.claim.accrue(self._date(m))
        return cache[m]

    # -- the value of enforcing on an amount owed ------------------------------------------
    def _owed_parts(self, x) -> dict:
        r"""What an amount owed ``x`` (minor units, array) is, by the claim's parts.

        A plan's payments pay the claim in the rule set's order (民法典 Art. 561: costs,
        then interest, then principal), so what a plan leaves unpaid is the claim's parts
        filled from the *last* class paid: principal first, then contract interest, then
        penalty and compound, then costs and fees.  More than the claim (a plan that
        capitalised interest) is principal too: the plan's balance bears interest.
        """
        c, units = self.claim, self.claim.minor_units
        base = {
            "co": money.to_minor(c.fees, units),
            "pe": money.to_minor(c.penalty, units),
            "ci": money.to_minor(c.interest, units),
            "pr": money.to_minor(c.principal, units),
        }
        rest = x
        out = {}
        for name in reversed(self._order[:-1]):
            out[name] = np.minimum(rest, base[name])
            rest = rest - out[name]
        out["pr"] = out["pr"] + rest
        return out

    def _run(self, owed_cents: np.ndarray, discount_rate: float | Decimal, detail: bool = False):
        """Per owed amount (n) and scenario (S): the NPV, and the details of each event."""
        proc = self.procedure
        units = self.claim.minor_units
        x = np.asarray(owed_cents, dtype=np.int64)[:, None]  # n × 1
        P0 = money.to_minor(self.claim.principal, units)
        T0 = money.to_minor(self.claim.total, units)
        reach = max(
            1,
            int(np.abs(self._accrued_cents).max(initial=1)),
            *(
                int(np.abs(getattr(self, "_basis_" + k)).max(initial=1))
                for k in ("pp", "i", "ni", "np")
            ),
        )
        # the recovery shares enter as exact fractions: their denominators bound the products too;
        # x × P0 (the principal share) and x × the accrual numerators must fit after doubling
        den = max(
            _fraction(r).denominator
            for r in [self.security.unsecured_recovery]
            + [g.recovery_rate for g in self.security.guarantees]
        )
        top = int(x.max(initial=0))
        big = top * max(reach, P0, T0) > 2**61 or (4 * top + reach) * den > 2**62
        dt = object if big else np.int64
        x = x.astype(dt)
        pr = money.div_round(x * P0, T0, nonneg=True) if P0 else x * 0
        acc, pre = _fees_cents(x, units, proc.procedure, proc.preserve)
        lawyer = money.to_minor(proc.lawyer_fee, units)
        appraisal = money.to_minor(proc.appraisal_fee, units)
        on_debtor = (
            acc
            + pre
            + (lawyer if proc.lawyer_fee_on_debtor else 0)
            + (appraisal if proc.appraisal_fee_on_debtor else 0)
        )
        S = len(self.weights)
        shape = (x.shape[0], S)
        tj = self._t_judg[None, :]
        gain = lambda m: self._accrued_cents[m]  # noqa: E731
        D = self._basis_den
        # the claim itself: its own ledger to the judgment (Claim.accrue), principal not yet
        # due included; the judgment awards principal, interest and the costs it puts on the debtor
        it_j = (x - pr) + (money.div_round(gain(tj) * pr, P0, nonneg=True) if P0 else 0)
        ci = (
            np.minimum(
                money.div_round(self._interest_cents[tj].astype(dt) * pr, P0, nonneg=True), it_j
            )
            if P0
            else it_j * 0
        )
        p_j = self._principal_cents[tj].astype(dt)
        pn = np.where(
            p_j > 0,
            money.div_round(
                self._not_due_cents[tj].astype(dt) * pr, np.maximum(p_j, 1), nonneg=True
            ),
            0,
        )
        co = on_debtor + x * 0
        # any other amount (a default part-way through a plan): what is owed then by its parts
        # (_owed_parts), all of it due, accrued to the judgment by the same ledger (_basis)
        whole = x == T0
        if not whole.all():
            parts = self._owed_parts(x)
            grow = lambda key: (  # noqa: E731
                getattr(self, "_basis_" + key)[tj] - getattr(self, "_basis_" + key)[0]
            ).astype(dt)
            pe_p = (
                parts["pe"]
                + money.div_round(parts["pr"] * grow("pp"), D, nonneg=True)
                + money.div_round(parts["ci"] * grow("i"), D, nonneg=True)
            )
            ci = np.where(whole, ci, parts["ci"])
            it_j = np.where(whole, it_j, pe_p + parts["ci"])
            pr = np.where(whole, pr, parts["pr"])
            pn = np.where(whole, pn, 0)
            co = np.where(whole, co, on_debtor + parts["co"])
        co = np.broadcast_to(co, shape).astype(dt).copy()
        pr = np.broadcast_to(pr, shape).astype(dt).copy()
        it_j = np.broadcast_to(it_j, shape).astype(dt).copy()
        # the judgment's interest as the rule set's parts: contract interest (it bears compound
        # interest) and penalty with compound; the unpaid part of it_j is the judgment debt's
        ci = np.broadcast_to(ci, shape).astype(dt).copy()
        pe = it_j - ci
        # principal not yet due at the judgment (by the ledger); overdue principal is paid
        # first (its due date comes first)
        pn = np.broadcast_to(pn, shape).astype(dt).copy()
        di = np.zeros(shape, dtype=dt)
        di_n = np.zeros(shape, dtype=dt)  # numerators over DELAY_RATE.denominator
        rounding = self.claim.accrual_rounding
        judgment_debt = co + pr + it_j
        exe_fee = _band_fee(judgment_debt, _EXECUTION, units)  # Art. 38: the debtor's
        deadline = self._ordinal[tj] + proc.performance_days
        cap_left: dict = {}
        v = 1.0 / (1.0 + float(discount_rate) / 12.0)
        won = self._won[None, :]
        npv = np.zeros(shape)
        prev = tj  # months and days depend on the scenario only: shape 1 × S
        events = []
        E = self._ev_month.shape[1]
        for e in range(E):
            m = self._ev_month[:, e][None, :]
            typ = self._ev_type[:, e][None, :]
            # interest until this event: the ledger's rate on the principal still owed, and the
            # doubled interest on the unpaid judgment debt after the deadline
            # the remainder, stated by its parts, accrued by the ledger (see _basis)
            b = np.maximum(m, prev)
            d = {
                key: (
                    getattr(self, "_basis_" + key)[b] - getattr(self, "_basis_" + key)[prev]
                ).astype(dt)
                for key in ("pp", "i", "ni", "np")
            }
            pn = np.minimum(pn, pr)
            po = pr - pn
            pe = (
                pe
                + money.div_round(po * d["pp"], D, nonneg=True)
                + money.div_round(ci * d["i"], D, nonneg=True)
                + money.div_round(pn * d["np"], D, nonneg=True)
            )
            ci = ci + money.div_round(pn * d["ni"], D, nonneg=True)
            d0 = np.maximum(self._ordinal[prev], deadline)
            days = np.maximum(self._ordinal[np.maximum(m, prev)] - d0, 0)
            # the ledger's accrual, carried exactly under the claim's policy and rounded where paid
            di_n = di_n + _ledger.delay_accrual(co + pr + it_j, days, rounding=rounding)
            di = money.div_round(di_n, DELAY_RATE.denominator, nonneg=True)
            prev = np.maximum(m, prev)
            owed = co + pe + ci + pr + di
            raw = self._ev_amount[:, e][None, :].astype(dt)
            # what this source pays before the execution fee
            gj = self._ev_index[:, e]
            avail = np.where(typ == _COLL, raw, 0)
            for j, g in enumerate(self.security.guarantees):
                sel = (self._ev_index[:, e] == j) & np.isin(self._ev_type[:, e], (_JOINT, _GENERAL))
                if not sel.any():
                    continue
                left = cap_left.get(j)
                left = (
                    np.broadcast_to(money.to_minor(g.capacity, units), shape).astype(dt)
                    if left is None
                    else left
                )
                r = _fraction(g.recovery_rate)
                due = np.minimum(left, owed + exe_fee)
                pay = money.div_round(due * r.numerator, r.denominator, nonneg=True)
                avail = np.where(sel[None, :], pay, avail)
                cap_left[j] = np.where(sel[None, :], left - pay, left)
            u = _fraction(self.security.unsecured_recovery)
            unsec = money.div_round((owed + exe_fee) * u.numerator, u.denominator, nonneg=True)
            avail = np.where((typ == _UNSEC) & self._preserved[None, :], unsec, avail)
            avail = np.where(won, avail, 0)
            fee = np.minimum(exe_fee, avail)
            exe_fee = exe_fee - fee
            credit = np.minimum(avail - fee, owed)
            # Art. 561: costs, interest, principal; then the doubled interest (法释〔2014〕8号 Art. 4)
            parts = {}
            rest = credit
            buckets = {"co": co, "pe": pe, "ci": ci, "pr": pr, "di": di}
            for name in self._order:
                bucket = buckets[name]
                p = np.minimum(rest, bucket)
                parts[name] = p
                rest = rest - p
            co, pe, ci, pr, di = (
                co - parts["co"],
                pe - parts["pe"],
                ci - parts["ci"],
                pr - parts["pr"],
                di - parts["di"],
            )
            # interest paid pays the judgment's interest first: what is left of it stays in the base
            it_j = np.maximum(it_j - parts["pe"] - parts["ci"], 0)
            # what is paid leaves the carried numerators; paid in full, the remainder is settled
            di_n = np.where(di == 0, 0, di_n - parts["di"] * DELAY_RATE.denominator)
            taken = self._ev_taken[:, e][None, :]
            keep = 1.0 - proc.takeover_discount
            cash = np.where(taken, credit.astype(float) * keep, credit.astype(float))
            when = np.where(taken, m + proc.takeover_resale_months, m + proc.distribution_months)
            npv = npv + cash * (v ** when.astype(float))
            if detail:
                events.append(
                    {
                        "month": np.broadcast_to(when, shape),
                        "type": np.broadcast_to(typ, shape),
                        "index": np.broadcast_to(gj[None, :], shape),
                        "available": avail,
                        "execution_fee": fee,
                        "credit": credit,
                        "cash": cash,
                        "to_costs": parts["co"],
                        "to_interest": parts["pe"] + parts["ci"],
                        "to_principal": parts["pr"],
                        "to_delay_interest": parts["di"],
                        "taken": np.broadcast_to(taken, shape),
                    }
                )
        # what the creditor advances: court fees at filing, its lawyer, the appraisal in execution
        out0 = (acc + pre + lawyer).astype(float)
        npv = npv - out0 - np.where(won, appraisal * v ** self._t_exec[None, :].astype(float), 0.0)
        scale = 10.0**units
        npv = npv / scale
        if detail:
            return (
                npv,
                events,
                {
                    "owed_at_end": (co + pe + ci + pr + di),
                    "judgment_debt": judgment_debt,
                    "court_fees": acc + pre,
                },
            )
        return npv

    def _owed_cents(self, owed, one: bool = False) -> np.ndarray:
        """``owed`` in minor units: one amount (exact, by Decimal) or an array of them."""
        units = self.claim.minor_units
        top = money.from_minor(MAX_BATCH_MINOR, units)
        allowed = (
            f"one amount >= 0, below {top}"
            if one
            else f"an amount >= 0, or an array of them, below {top}"
        )
        if isinstance(owed, (list, tuple, np.ndarray)):
            if one:
                raise InputError("owed", owed, allowed)
            try:
                a = np.asarray(owed, dtype=float)
            except (TypeError, ValueError, OverflowError):
                raise InputError("owed", owed, allowed) from None
            if (
                a.size == 0
                or not np.all(np.isfinite(a))
                or np.any(a < 0)
                or np.any(a * 10.0**units >= MAX_BATCH_MINOR)
            ):
                raise InputError("owed", owed, allowed)
            return np.floor(a * 10.0**units + 0.5).astype(np.int64)
        cents = money.to_minor(check_amount("owed", owed, allow_zero=True), units)
        if cents >= MAX_BATCH_MINOR:
            raise InputError("owed", owed, allowed)
        return np.asarray(cents, dtype=np.int64)

    def value(self, owed=None, discount_rate: float | Decimal = 0.06):
        """Expected present value, at the start of enforcement, of enforcing on ``owed``.

        ``owed`` (currency units, scalar or array; default the claim's total).  The claim's
        total is the claim itself, replayed by its own ledger (:meth:`Claim.accrue`) to the
        judgment.  Any other amount is what a plan left unpaid when it defaulted: the claim's
        parts filled from the last class the rule set pays (民法典 Art. 561: principal, then
        contract interest, then penalty and compound, then costs; beyond the claim,
        principal), all of it due on the default, accrued to the judgment by the same
        ledger, part by part (penalty on the principal, compound interest on the unpaid
        interest where the rule set charges it), plus the court fees on it; after the
        judgment its remainder accrues by its parts.  Arrays are evaluated on their distinct
        values in blocks; more than 256 distinct values on a grid of 1,025 points (kept per
        discount rate), interpolated linearly.

        Examples
        --------
        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
        >>> sec = Security(collateral=[Collateral("flat", appraisal=900_000, kind="real_estate")])
        >>> path = EnforcementPath(sec, claim, seed=1)
        >>> round(path.value(discount_rate=0.06))
        455767
        """
        discount_rate = _rate(discount_rate)
        cents = self._owed_cents(self.claim.total if owed is None else owed)
        flat = cents.reshape(-1)
        uniq, inv = np.unique(flat, return_inverse=True)
        if len(uniq) > 256:  # on a grid: the value is piecewise linear in what is owed
            grid, on_grid = self._grid(int(uniq.max()), float(discount_rate))
            vals = np.interp(uniq, grid, on_grid)
        else:
            vals = self._mean(uniq, discount_rate)
        out = vals[inv].reshape(cents.shape)
        return float(out) if out.ndim == 0 else out

    def _grid(self, top: int, discount_rate: float):
        """1,025 points from 0 to at least twice the claim, and the value on them (kept)."""
        cache = self.__dict__.setdefault("_grid_cache", {})
        hit = cache.get(discount_rate)
        if hit is None or hit[0][-1] < top:
            units = self.claim.minor_units
            hi = max(top, 2 * money.to_minor(self.claim.total, units))
            grid = np.unique(np.linspace(0, hi, 1025).astype(np.int64))
            hit = cache[discount_rate] = (grid, self._mean(grid, discount_rate))
        return hit

    def _mean(self, cents: np.ndarray, discount_rate: float | Decimal) -> np.ndarray:
        S = len(self.weights)
        block = max(1, 2_000_000 // max(S, 1))
        out = np.empty(len(cents))
        for a in range(0, len(cents), block):
            out[a : a + block] = self._run(cents[a : a + block], discount_rate) @ self.weights
        return out

    def distribution(self, discount_rate: float = 0.06, owed=None) -> pd.DataFrame:
        """One row per scenario: its probability, NPV, months to the last money and outcomes.

        ``won`` and ``appeal`` the judgment; ``assets_reached`` whether the debtor's other
        assets were preserved or found in execution (else 终结本次执行); one column per
        collateral item with its outcome.

        Examples
        --------
        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=500_000, annual_rate=0.05, as_of=date(2026, 1, 1))
        >>> sec = Security(collateral=[Collateral("cash", appraisal=100_000, kind="deposits")])
        >>> d = EnforcementPath(sec, claim, exact=True).distribution()
        >>> d[["weight", "won", "appeal", "npv", "recovered", "months"]].round(2)
           weight    won  appeal       npv  recovered  months
        0    0.04  False   False -11820.00       0.00       0
        1    0.02  False    True -11820.00       0.00       0
        2    0.66   True   False  75150.43   92334.58      12
        3    0.28   True    True  73354.33   92249.86      16

        A lost case costs the creditor its acceptance fee (8,800) and preservation fee
        (3,020); a won one pays them back out of the deposit, after the execution fee.
        """
        discount_rate = _rate(discount_rate)
        cents = self._owed_cents(self.claim.total if owed is None else owed, one=True).reshape(1)
        npv, events, _ = self._run(cents, discount_rate, detail=True)
        frame = pd.DataFrame(
            {
                "weight": self.weights,
                "npv": npv[0],
                "won": self._won,
                "appeal": self._appeal,
                "assets_reached": self._preserved,
            }
        )
        got = np.zeros(len(self.weights))
        last = np.zeros(len(self.weights), dtype=np.int64)
        for ev in events:
            paid = ev["cash"][0] > 0
            got += ev["cash"][0] / 10.0**self.claim.minor_units
            last = np.where(paid, np.maximum(last, ev["month"][0]), last)
        frame["recovered"] = got
        frame["months"] = last
        for i, c in enumerate(self.security.collateral):
            frame[c.name] = [
                _OUTCOME_NAMES[k] if c.auctioned else ("collected" if k == 0 else "not collected")
                for k in self._outcome[:, i]
            ]
        return frame

    def waterfall(self, discount_rate: float = 0.06, owed=None) -> pd.DataFrame:
        """Where the money comes from and what it pays, expected over the scenarios.

        One row per source (each collateral item, each guarantor, the debtor's other
        assets) and a total: ``proceeds`` (before prior claims: the price, the guarantor's
        or the debtor's payment), ``prior_claims``, ``execution_fee`` (to the court),
        ``to_creditor`` (credited to the claim), split into ``to_costs``, ``to_interest``,
        ``to_principal`` and ``to_delay_interest`` (Art. 561, then 法释〔2014〕8号 Art. 4),
        and ``cash`` (what the creditor ends up with: an asset taken in payment is resold
        at a discount).  Currency units, probability-weighted means.

        Examples
        --------
        See :class:`EnforcementPath`.
        """
        discount_rate = _rate(discount_rate)
        cents = self._owed_cents(self.claim.total if owed is None else owed, one=True).reshape(1)
        units = self.claim.minor_units
        _, events, _ = self._run(cents, discount_rate, detail=True)
        names = (
            [c.name for c in self.security.collateral]
            + [g.name for g in self.security.guarantees]
            + ["other assets"]
        )
        cols = [
            "proceeds",
            "prior_claims",
            "execution_fee",
            "to_creditor",
            "to_costs",
            "to_interest",
            "to_principal",
            "to_delay_interest",
            "cash",
        ]
        table = pd.DataFrame(0.0, index=pd.Index(names, name="source"), columns=cols)
        w = self.weights
        scale = 10.0**units
        n_coll = len(self.security.collateral)
        for ev in events:
            typ, idx = ev["type"][0], ev["index"][0]
            row = np.where(typ == _COLL, idx, np.where(typ == _UNSEC, len(names) - 1, n_coll + idx))
            prior = np.zeros(len(w))
            price = ev["available"][0].astype(float)
            for i, c in enumerate(self.security.collateral):
                sel = (typ == _COLL) & (idx == i)
                out = self._outcome[:, i]
                pc = money.to_minor(c.prior_claims, units)
                r1, r2 = c._reserve_cents(_fraction(self.procedure.second_cut), units)
                gross = np.where(out == SOLD_1, r1, np.where(out == RETURNED, 0, r2)).astype(float)
                gross = np.where(self._won, gross, 0.0)
                prior = np.where(sel, np.minimum(gross, pc), prior)
                price = np.where(sel, gross, price)
            vals = {
                "proceeds": price,
                "prior_claims": prior,
                "execution_fee": ev["execution_fee"][0],
                "to_creditor": ev["credit"][0],
                "to_costs": ev["to_costs"][0],
                "to_interest": ev["to_interest"][0],
                "to_principal": ev["to_principal"][0],
                "to_delay_interest": ev["to_delay_interest"][0],
                "cash": ev["cash"][0],
            }
            for k, a in vals.items():
                sums = np.bincount(
                    row, weights=np.asarray(a, dtype=float) * w, minlength=len(names)
                )
                table[k] += sums / scale
        table.loc["total"] = table.sum()
        return table.round(2)

    def months_to_sale(self) -> float:
        """Expected months from the start of enforcement to the last collateral event.

        See :class:`EnforcementPath`.
        """
        return float(self._last @ self.weights)

    def summary(self, discount_rate: float = 0.06) -> dict:
        """The quick-form equivalents: recovery share, months to the money, the debtor's costs.

        ``recovery_rate`` is the expected undiscounted cash, as a share of the claim, at most
        the whole claim; ``delay_months`` the expected months to the last payment, rounded;
        ``costs`` the court fees and other costs the judgment puts on the debtor, on the claim.

        Examples
        --------
        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
        >>> sec = Security(collateral=[Collateral("cash", appraisal=300_000, kind="deposits")])
        >>> s = EnforcementPath(sec, claim, exact=True).summary()
        >>> s["costs"], s["delay_months"]
        (Decimal('18800.00'), 13)
        """
        d = self.distribution(_rate(discount_rate))
        total = float(self.claim.total)
        rec = min(1.0, float((np.minimum(d["recovered"], total) * d["weight"]).sum()) / total)
        paid = d["recovered"] > 0
        wsum = float(d["weight"][paid].sum())
        months = float((d["months"][paid] * d["weight"][paid]).sum() / wsum) if wsum > 0 else 0.0
        units = self.claim.minor_units
        acc, pre = _fees_cents(
            np.array([money.to_minor(self.claim.total, units)]),
            units,
            self.procedure.procedure,
            self.procedure.preserve,
        )
        proc = self.procedure
        extra = (money.to_minor(proc.lawyer_fee, units) if proc.lawyer_fee_on_debtor else 0) + (
            money.to_minor(proc.appraisal_fee, units) if proc.appraisal_fee_on_debtor else 0
        )
        return {
            "recovery_rate": round(rec, 6),
            "delay_months": int(math.floor(months + 0.5)),
            "costs": money.from_minor(int(acc[0] + pre[0]) + extra, units),
        }

    def plan_values(self, pay, owed_after, total, *, discount_rate: float) -> dict:
        """``enforcement_npv`` and ``default_value`` of :func:`repayplan.evaluate.plan_values`
        with this path in place of the quick form: a default in month *k* enforces on what
        is owed then, :math:`\\sum_{j<k} p_j v^j + v^{\\max(k-1,0)} V(o_{k-1})`.

        Examples
        --------
        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=1_000, annual_rate=0.05, as_of=date(2026, 1, 1))
        >>> path = EnforcementPath(Security(collateral=[Collateral("c", appraisal=500, kind="deposits")]),
        ...                        claim, exact=True)
        >>> out = path.plan_values(np.array([[0.0, 1000.0]]), np.array([[1000.0, 0.0]]), 1000.0,
        ...                        discount_rate=0.06)
        >>> bool(out["default_value"][0, 0] == out["enforcement_npv"]), float(out["default_value"][0, 1])
        (True, ...)
        """
        discount_rate = _rate(discount_rate)
        pay = np.asarray(pay, dtype=float)
        owed_after = np.asarray(owed_after, dtype=float)
        P, H1 = pay.shape[:2]
        v = 1.0 / (1.0 + float(discount_rate) / 12.0)
        k = np.arange(H1)
        pv = pay * v**k
        cum = np.concatenate([np.zeros((P, 1)), np.cumsum(pv, axis=1)[:, :-1]], axis=1)
        owed_prev = np.concatenate([np.full((P, 1), float(total)), owed_after[:, :-1]], axis=1)
        ev = self.value(np.maximum(owed_prev, 0.0), discount_rate)
        return {
            "enforcement_npv": self.value(float(total), discount_rate) * np.ones(P),
            "default_value": cum + v ** np.maximum(k - 1, 0) * ev,
        }

    def with_assumption(self, name: str, value) -> EnforcementPath:
        r"""The same path, on the same drawn scenarios, with one creditor's assumption changed.

        What :func:`repayplan.concessions.sensitivity` and :func:`repayplan.break_even`
        push on a path, each assumption meaning what it means on the quick form:

        ``"recovery_rate"``
            The recovery on what the security does not cover: the security's
            ``unsecured_recovery`` (0..1).  The collateral's haircuts, sale probabilities and
            the guarantors' recovery rates do not move with it: they are the assets' own
            figures, and the first reserve cannot go below the legal 70% anyway.
        ``"delay_months"``
            The path's months to the money, as :meth:`summary` states them (the quick
            form's ``delay_months``), a whole number: every step after filing moves by
            :math:`s = \text{value} - \text{summary()["delay_months"]}` months, the judgment
            (:math:`t_j + s`; shortening beyond it takes the execution, then the filing
            months), so that every event and the interest that runs to it move by *s*.
        ``"costs"``
            The creditor's own costs on the path, lawyer plus appraisal fees
            (:class:`Procedure`), scaled in proportion (all on the lawyer when both are 0);
            the court fees are the law's (:func:`court_fees`) and do not move.

        The drawn outcomes (judgment, appeal, sales, assets reached) are copied, never drawn
        again, so the pushed path differs from this one only by the assumption; an exact
        path is enumerated again.

        Examples
        --------
        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
        >>> sec = Security(collateral=[Collateral("flat", appraisal=600_000, kind="real_estate")],
        ...                unsecured_recovery=0.1)
        >>> path = EnforcementPath(sec, claim, Procedure(lawyer_fee=20_000), seed=1)
        >>> later = path.with_assumption("delay_months", 30)       # six months longer in court
        >>> path.summary()["delay_months"], later.summary()["delay_months"], later.procedure.judgment_months
        (24, 30, 12)
        >>> bool(later.value() < path.value() < path.with_assumption("recovery_rate", 0.3).value())
        True
        >>> round(path.value() - path.with_assumption("costs", 30_000).value(), 2)  # 10,000 more at filing
        10000.0
        """
        check_choice("name", name, ("recovery_rate", "delay_months", "costs"))
        sec, proc = self.security, self.procedure
        if name == "recovery_rate":
            check_fraction("recovery_rate", value)  # named as pushed; kept exact below
            sec = sec.replace(unsecured_recovery=value)
        elif name == "costs":
            total = money.quantize(check_amount("costs", value, allow_zero=True))
            base = proc.lawyer_fee + proc.appraisal_fee
            lawyer = total if base == 0 else money.quantize(total * proc.lawyer_fee / base)
            proc = proc.replace(lawyer_fee=lawyer, appraisal_fee=total - lawyer)
        else:
            now = self.summary()["delay_months"]
            fields = ("judgment_months", "execution_months", "filing_months")
            shortest = now - sum(getattr(proc, k) for k in fields)
            longest = now + _MONTHS_MAX - proc.judgment_months
            shift = check_int("delay_months", value, low=shortest, high=longest) - now
            change = {k: getattr(proc, k) for k in fields}
            change["judgment_months"] += max(shift, 0)
            short = max(-shift, 0)
            for k in fields:  # shorter: the judgment first, then execution, then filing
                cut = min(short, change[k])
                change[k] -= cut
                short -= cut
            proc = proc.replace(**change)
        out = object.__new__(EnforcementPath)
        caches = ("_grid_cache", "_ledger_cache", "_basis_cache")
        out.__dict__.update(
            {k: v for k, v in self.__dict__.items() if k not in caches},
            security=sec,
            procedure=proc,
        )
        for k in caches[1:]:  # the same claim's ledger, by month
            out.__dict__[k] = dict(self.__dict__.get(k, {}))
        if self.exact and sec.unsecured_recovery != self.security.unsecured_recovery:
            out._draw()  # the enumeration has an axis for the debtor's other assets only when they pay
        if name == "delay_months" or self.exact:
            out._timeline()
        return out

    def _repr_html_(self) -> str:
        return f"<div><b>{escape(repr(self))}</b>{self.waterfall().to_html()}</div>"


# ----------------------------------------------------------------------------------------
# many accounts at once: one collateral item and one guarantee per account
# ----------------------------------------------------------------------------------------
#: The columns of a book that secure an account (:func:`values_many`, :mod:`repayplan.portfolio`):
#: one collateral item and one guarantee per account; an empty cell (or a column left out)
#: means none, or the default shown.  name -> (meaning, what is allowed).
SECURITY_COLUMNS = {
    "collateral_appraisal": (
        "appraised value of the account's one collateral item (empty: none)",
        "an amount > 0, or empty",
    ),
    "collateral_kind": (
        "its kind, with the defaults of security.KINDS",
        "one of " + ", ".join(KINDS) + " (required with an appraisal)",
    ),
    "lien_rank": ("rank of the creditor's charge on it (empty: 1)", "a whole number from 1 to 99"),
    "prior_claims": (
        "what ranks ahead of that charge, in total (empty: 0)",
        "an amount >= 0, more than 0 ahead of a charge of rank 2 or later",
    ),
    "guarantee_capacity": (
        "the most the account's one guarantor can pay (empty: no guarantee)",
        "an amount >= 0, or empty",
    ),
    "guarantee_recovery_rate": (
        "share of what is demanded from the guarantor that is collected (empty: 0.5)",
        "a fraction from 0 to 1",
    ),
    "guarantee_kind": (
        "joint (连带责任保证) or general (一般保证) guarantee (empty: joint)",
        "joint or general",
    ),
}
_KIND_LIST = tuple(KINDS)


def _present(col: pd.Series) -> np.ndarray:
    """Cells that hold something: not missing and not a blank string."""
    filled = col.notna().to_numpy().copy()
    if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
        blank = col.map(lambda s: isinstance(s, str) and not s.strip()).to_numpy(dtype=bool)
        filled &= ~blank
    return filled


def _cell_numbers(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(col.dtype):
        return np.full(len(col), np.nan)
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def security_cells(accounts: pd.DataFrame, units: int = 2):
    """Read and check the :data:`SECURITY_COLUMNS` of a book, vectorised over its rows.

    Returns ``(data, problems)``: ``data`` a dict of arrays, one value per row
    (``has_collateral``, ``has_guarantee``, ``appraisal`` and ``prior`` and ``capacity`` in
    minor units, ``kind`` an index into :data:`KINDS`, ``lien_rank``,
    ``guarantee_recovery_rate``, ``general`` a guarantee's kind); ``problems`` a DataFrame
    with one row per bad cell: ``pos`` (row position), ``field``, ``value`` (its repr) and
    ``allowed``.  Bad rows hold harmless values in ``data``.

    Examples
    --------
    >>> book = pd.DataFrame({"collateral_appraisal": [500_000, None, -1],
    ...                      "collateral_kind": ["equipment", None, "equipment"]})
    >>> data, problems = security_cells(book)
    >>> data["has_collateral"].tolist(), data["appraisal"].tolist()
    ([True, False, False], [50000000, 0, 0])
    >>> problems[["pos", "field", "value"]].to_dict("records")
    [{'pos': 2, 'field': 'collateral_appraisal', 'value': '-1.0'}]
    """
    from .kernel import float_decimals

    if not isinstance(accounts, pd.DataFrame):
        raise InputError(
            "accounts", type(accounts).__name__, "a pandas DataFrame, one row per account"
        )
    if not any(k in accounts.columns for k in SECURITY_COLUMNS):
        raise InputError(
            "accounts.columns", list(accounts.columns), f"at least one of {list(SECURITY_COLUMNS)}"
        )
    units = check_int("units", units, low=0, high=6)
    n = len(accounts)
    problems = []

    def col(name):
        return (
            accounts[name]
            if name in accounts.columns
            else pd.Series(np.full(n, np.nan), index=accounts.index)
        )

    def fail(name, bad, allowed=None):
        if bad.any():
            pos = np.flatnonzero(bad)
            shown = pd.Series(col(name).iloc[pos].tolist(), dtype=object).map(repr)
            problems.append(
                pd.DataFrame(
                    {
                        "pos": pos,
                        "field": name,
                        "value": shown.to_numpy(dtype=object),
                        "allowed": allowed or SECURITY_COLUMNS[name][1],
                    }
                )
            )

    def amount(name, positive):
        raw = col(name)
        has = _present(raw)
        x = _cell_numbers(raw)
        ok = np.isfinite(x) & ((x > 0) if positive else (x >= 0)) & (np.abs(x) < 1e13)
        ok[ok] &= float_decimals(x[ok]) <= units
        bad = has & ~ok
        fail(
            name,
            bad,
            SECURITY_COLUMNS[name][1] + f" (at most {units} decimal places, below 10**13)",
        )
        good = has & ok
        return (
            good,
            bad,
            np.where(good, np.rint(np.where(good, x, 0.0) * 10.0**units), 0).astype(np.int64),
        )

    def choice(name, allowed, default):
        raw = col(name)
        has = _present(raw)
        text = raw.map(lambda s: s.strip() if isinstance(s, str) else s)
        code = np.full(n, -1, dtype=np.int64)
        for i, k in enumerate(allowed):
            code[(text == k).to_numpy(dtype=bool, na_value=False)] = i
        bad = has & (code < 0)
        fail(name, bad)
        return has, bad, np.where(has & ~bad, code, default)

    c_has, c_bad, appraisal = amount("collateral_appraisal", True)
    k_has, k_bad, kind = choice("collateral_kind", _KIND_LIST, 0)
    orphan = (c_has & ~k_has) | (k_has & ~_present(col("collateral_appraisal")))
    fail("collateral_kind", c_has & ~k_has, "one of " + ", ".join(KINDS) + " with an appraisal")
    fail(
        "collateral_appraisal",
        k_has & ~_present(col("collateral_appraisal")),
        "an amount > 0 where collateral_kind is given",
    )
    raw = col("lien_rank")
    r_has = _present(raw)
    r = _cell_numbers(raw)
    r_ok = np.isfinite(r) & (r >= 1) & (r <= 99) & (r == np.floor(r))
    fail("lien_rank", r_has & ~r_ok)
    rank = np.where(r_has & r_ok, r, 1).astype(np.int64)
    p_has, p_bad, prior = amount("prior_claims", False)
    behind = (rank > 1) & (prior == 0) & ~p_bad & c_has
    fail(
        "prior_claims", behind, "more than 0 ahead of a charge of rank 2 or later (or lien_rank 1)"
    )
    c_orphan = (r_has | p_has) & ~_present(col("collateral_appraisal"))
    fail(
        "collateral_appraisal",
        c_orphan & ~k_has,
        "an amount > 0 where lien_rank or prior_claims is given",
    )
    g_has, g_bad, capacity = amount("guarantee_capacity", False)
    raw = col("guarantee_recovery_rate")
    q_has = _present(raw)
    q = _cell_numbers(raw)
    q_ok = np.isfinite(q) & (q >= 0) & (q <= 1)
    fail("guarantee_recovery_rate", q_has & ~q_ok)
    gk_has, gk_bad, general = choice("guarantee_kind", ("joint", "general"), 0)
    g_orphan = (q_has | gk_has) & ~_present(col("guarantee_capacity"))
    fail(
        "guarantee_capacity",
        g_orphan,
        "an amount >= 0 where guarantee_recovery_rate or guarantee_kind is given",
    )
    bad = (
        c_bad
        | k_bad
        | orphan
        | c_orphan
        | (r_has & ~r_ok)
        | p_bad
        | behind
        | g_bad
        | (q_has & ~q_ok)
        | gk_bad
        | g_orphan
    )
    data = {
        "has_collateral": c_has & k_has & ~bad,
        "appraisal": np.where(bad, 0, appraisal),
        "kind": kind,
        "lien_rank": rank,
        "prior": np.where(bad, 0, prior),
        "has_guarantee": g_has & ~bad,
        "capacity": np.where(bad, 0, capacity),
        "guarantee_recovery_rate": np.where(q_has & q_ok, q, 0.5),
        "general": general.astype(bool),
    }
    table = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame(
            {
                "pos": np.array([], np.int64),
                "field": pd.Series([], dtype=object),
                "value": pd.Series([], dtype=object),
                "allowed": pd.Series([], dtype=object),
            }
        )
    )
    return data, table


def _add_months_many(start: np.ndarray, months: np.ndarray) -> np.ndarray:
    """:func:`repayplan.calendar.add_months` (``eom=False``) on datetime64[D] arrays."""
    ym = start.astype("datetime64[M]")
    day = (start - ym.astype("datetime64[D]")).astype(np.int64)  # 0-based day of the month
    target = ym + months.astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    return target.astype("datetime64[D]") + np.minimum(day, length - 1).astype("timedelta64[D]")


def _exact_rate(x: np.ndarray):
    """Rates as exact fractions ``num / den`` (int64 or object arrays), read by their repr."""
    from .kernel import exact_decimals

    num, dec = exact_decimals(np.asarray(x, dtype=float))
    den = (
        money.object_ints([10 ** int(d) for d in dec])
        if dec.size and int(dec.max()) > 18
        else 10 ** dec.astype(np.int64)
    )
    return num, den


def values_many(
    accounts: pd.DataFrame,
    *,
    owed=None,
    discount_rate: float = 0.06,
    procedure: Procedure | None = None,
    currency: str = "CNY",
) -> np.ndarray:
    r"""The enforcement value of many secured accounts at once, without a loop over accounts.

    Every row is the claim ``rp.Claim(principal, interest=…, penalty=…, fees=…,
    annual_rate=…, as_of=…)`` (the generic rule set: contract interest runs on the
    principal, ACT/360, no compound interest) secured by at most one collateral item and one
    guarantee (:data:`SECURITY_COLUMNS`; kinds with their :data:`KINDS` defaults), with
    ``recovery_rate`` the share of the debtor's other assets (``Security.unsecured_recovery``).
    The value of row *a* is what
    ``EnforcementPath(security_a, claim_a, procedure, exact=True).value(discount_rate=d)``
    gives, and so ``Enforcement.from_security(security_a, claim_a, exact=True)``'s
    enforcement NPV: the exact distribution (judgment × appeal × the item's outcome ×
    whether the other assets are reached, 40 combinations), the court fees by their bands
    (:func:`court_fees`), the ledger's interest to the judgment
    :math:`\mathrm{round}(P\,r\,n/360)` over the :math:`n` days to it, the doubled interest
    after the deadline (法释〔2014〕8号), the auction rounds, the prior claims, the guarantor,
    the Art. 561 order and the discounting of :class:`EnforcementPath`, all as arrays
    accounts × scenarios; the only Python loop runs over the (at most three) events of a
    scenario.

    Parameters
    ----------
    accounts : pandas.DataFrame
        Columns ``principal`` (> 0), ``interest``, ``penalty``, ``fees`` (>= 0),
        ``annual_rate``, ``as_of``, ``recovery_rate`` and any of :data:`SECURITY_COLUMNS`.
    owed : array_like, optional
        What each account owes when enforcement starts (currency units, >= 0; default its
        claim's total): as ``EnforcementPath.value(owed)``, what a plan left unpaid is the
        claim's parts filled from the last class paid, all due, with penalty on its principal.
    discount_rate : float
        The creditor's annual rate, monthly at ``discount_rate / 12``.
    procedure : Procedure, optional
        One procedure for every account (default ``Procedure()``).
    currency : str

    Returns
    -------
    ndarray of float
        One value per row, currency units.

    Raises
    ------
    InputError
        On the first bad cell, naming the row and the column.

    Examples
    --------
    Two accounts of 1,000,000 at 5%: one with the workshop of :meth:`Enforcement.from_security`,
    one with a joint guarantor only; the first agrees with the path built alone:

    >>> from datetime import date
    >>> import repayplan as rp
    >>> book = pd.DataFrame({"principal": [1_000_000, 1_000_000], "interest": 0.0, "penalty": 0.0, "fees": 0.0,
    ...                      "annual_rate": 0.05, "as_of": pd.Timestamp("2026-01-01"), "recovery_rate": 0.0,
    ...                      "collateral_appraisal": [900_000, None], "collateral_kind": ["real_estate", None],
    ...                      "guarantee_capacity": [None, 200_000]})
    >>> v = values_many(book)
    >>> claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
    >>> one = EnforcementPath(Security(collateral=[Collateral("c", appraisal=900_000, kind="real_estate")]),
    ...                       claim, exact=True).value()
    >>> bool(abs(v[0] - one) < 1e-6 * one), bool(v[1] < v[0])
    (True, True)
    """
    if not isinstance(accounts, pd.DataFrame):
        raise InputError(
            "accounts", type(accounts).__name__, "a pandas DataFrame, one row per account"
        )
    d = _rate(discount_rate)
    proc = Procedure() if procedure is None else procedure
    if not isinstance(proc, Procedure):
        raise InputError("procedure", procedure, "a repayplan.security.Procedure")
    units = money.minor_units_for(currency)
    need = ("principal", "interest", "penalty", "fees", "annual_rate", "as_of", "recovery_rate")
    missing = [c for c in need if c not in accounts.columns]
    if missing:
        raise InputError("accounts.columns", list(accounts.columns), f"columns including {missing}")
    data, problems = _claim_cells(accounts, units)
    bare = not any(k in accounts.columns for k in SECURITY_COLUMNS)  # no security: the path alone
    sec, sec_problems = security_cells(
        accounts.assign(collateral_appraisal=np.nan) if bare else accounts, units
    )
    for table in (problems, sec_problems):
        if len(table):
            first = table.iloc[0]
            pos, name = int(first["pos"]), first["field"]
            value = accounts[name].iloc[pos] if name in accounts.columns else None
            raise InputError(f"accounts.{name}[{accounts.index[pos]!r}]", value, first["allowed"])
    cents = {
        k: np.rint(data[k] * 10.0**units).astype(np.int64)
        for k in ("principal", "interest", "penalty", "fees")
    }
    rows = {
        "as_of": data["as_of"].to_numpy(dtype="datetime64[D]"),
        "annual_rate": data["annual_rate"],
        "recovery_rate": data["recovery_rate"],
        **cents,
        **sec,
    }
    if owed is not None:
        allowed = f"one amount >= 0 per row ({len(accounts)}), with at most {units} decimal places, below 10**13"
        try:
            o = np.asarray(owed, dtype=float).reshape(-1)
        except (TypeError, ValueError, OverflowError):
            raise InputError("owed", owed, allowed) from None
        if (
            len(o) != len(accounts)
            or not np.all(np.isfinite(o))
            or np.any(o < 0)
            or np.any(o >= 1e13)
        ):
            raise InputError("owed", owed, allowed)
        rows["owed"] = np.rint(o * 10.0**units).astype(np.int64)
    return values_rows(rows, proc, d, units)


def _claim_cells(accounts: pd.DataFrame, units: int):
    """The claim columns of :func:`values_many`, checked vectorised (as the portfolio's book)."""
    from .kernel import float_decimals

    problems: list[pd.DataFrame] = []
    data: dict[str, pd.Series | np.ndarray] = {}
    for name, allowed in (
        ("principal", "an amount > 0"),
        ("interest", "an amount >= 0"),
        ("penalty", "an amount >= 0"),
        ("fees", "an amount >= 0"),
        ("annual_rate", "a rate from 0 to 1 a year, as a fraction"),
        ("recovery_rate", "a fraction from 0 to 1"),
        ("as_of", "a date"),
    ):
        raw = accounts[name]
        if name == "as_of":
            dates = pd.to_datetime(raw, errors="coerce")
            bad = dates.isna().to_numpy().copy()
            if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_bool_dtype(raw.dtype):
                bad[:] = True
            data[name] = dates.where(~bad, pd.Timestamp("2000-01-01"))
        else:
            x = _cell_numbers(raw)
            ok = np.isfinite(x) & ((x > 0) if name == "principal" else (x >= 0))
            if name in ("annual_rate", "recovery_rate"):
                ok &= x <= 1
            else:
                ok &= np.abs(x) < 1e13
                ok[ok] &= float_decimals(x[ok]) <= units
                allowed += f" with at most {units} decimal places, below 10**13"
            bad = ~ok
            data[name] = np.where(ok, x, 0.0)
        if bad.any():
            pos = np.flatnonzero(bad)
            problems.append(
                pd.DataFrame(
                    {
                        "pos": pos,
                        "field": name,
                        "allowed": allowed,
                        "value": pd.Series(raw.iloc[pos].tolist(), dtype=object).map(repr),
                    }
                )
            )
    table = (
        pd.concat(problems, ignore_index=True).sort_values("pos", kind="stable")
        if problems
        else pd.DataFrame({"pos": []})
    )
    return data, table


def values_rows(
    rows: dict, proc: Procedure, discount_rate: float, units: int, block: int = 4096
) -> np.ndarray:
    """:func:`values_many` on arrays already checked by :func:`security_cells` (the portfolio
    calls it on its own grid of owed amounts), in blocks of accounts."""
    n = len(rows["principal"])
    # accounts of a kind together, so that a block's impossible scenarios can be dropped
    order = np.lexsort(
        (np.asarray(rows["recovery_rate"]) > 0, rows["kind"], rows["has_collateral"])
    )
    out = np.empty(n)
    for a in range(0, n, block):
        take = order[a : a + block]
        part = {k: v[take] for k, v in rows.items()}
        out[take] = _values_block(part, proc, discount_rate, units)
    return out


def _kind_tables(proc: Procedure):
    """Per kind: outcome probabilities, haircut kept (num, den), whether auctioned, time to sell."""
    probs, keep_n, keep_d, auction, tts = [], [], [], [], []
    for k, dflt in KINDS.items():
        c = Collateral("x", appraisal=Decimal(1), kind=k)
        probs.append(_outcome_probs(c, proc))
        keep = 1 - _fraction(c.haircut)
        if c.auctioned:
            keep = max(FIRST_RESERVE_MIN, keep)
        keep_n.append(keep.numerator)
        keep_d.append(keep.denominator)
        auction.append(bool(dflt["auction"]))
        tts.append(c.time_to_sell)
    return (
        np.array(probs),
        np.array(keep_n, np.int64),
        np.array(keep_d, np.int64),
        np.array(auction),
        np.array(tts, np.int64),
    )


def _values_block(r: dict, proc: Procedure, discount_rate: float, units: int) -> np.ndarray:
    from .claim import Claim

    A = len(r["principal"])
    # the exact distribution, in the order EnforcementPath enumerates it: won, appeal, outcome, reached
    # a lost case is worth minus the fees advanced in every scenario: only the won ones are run
    grid = np.array(
        list(itertools.product(range(1, 2), range(2), range(5), range(2))), dtype=np.int64
    )
    g_won, g_app, g_out, g_res = grid.T
    S = len(grid)
    probs, keep_n, keep_d, auction, tts = _kind_tables(proc)
    kind, has_c, has_g = r["kind"], r["has_collateral"], r["has_guarantee"]
    o_prob = np.where(has_c[:, None], probs[kind], np.array([1.0, 0, 0, 0, 0])[None, :])
    u = np.asarray(r["recovery_rate"], dtype=float)
    reach = (
        proc.preservation_probability
        + (1.0 - proc.preservation_probability) * proc.execution_probability
    )
    res_p = np.where(
        (u > 0)[:, None], np.array([1.0 - reach, reach])[None, :], np.array([0.0, 1.0])[None, :]
    )
    w = np.ones((A, S))
    w = w * proc.judgment_probability
    w = w * np.array([1.0 - proc.appeal_probability, proc.appeal_probability])[g_app][None, :]
    w = w * np.take_along_axis(o_prob, np.broadcast_to(g_out, (A, S)), axis=1)
    w = w * np.take_along_axis(res_p, np.broadcast_to(g_res, (A, S)), axis=1)
    live = (w > 0).any(axis=0)  # scenarios impossible for every account of the block: dropped
    S_all = S
    if not live.all():
        w, g_won, g_app, g_out, g_res = (
            w[:, live],
            g_won[live],
            g_app[live],
            g_out[live],
            g_res[live],
        )
        S = int(live.sum())
    won, preserved = g_won.astype(bool)[None, :], g_res.astype(bool)[None, :]
    out = np.broadcast_to(g_out, (A, S))
    # the timeline (months from the start of enforcement), accounts × scenarios
    t_judg = (
        proc.filing_months + proc.judgment_months + np.where(g_app == 1, proc.appeal_months, 0)
    )[None, :]
    t_exec = t_judg + proc.execution_months
    rounds = np.cumsum(
        [
            proc.first_auction_months,
            proc.second_auction_months,
            proc.sale_months,
            proc.takeover_months,
        ]
    )
    offs = np.where(auction[kind][:, None], np.concatenate([rounds, [0]])[out], 0)
    m_c = t_exec + tts[kind][:, None] + offs
    a_c = r["appraisal"]
    kn, kd = keep_n[kind], keep_d[kind]
    r1 = money.div_round(a_c * kn, kd, nonneg=True)
    cut = 1 - _fraction(proc.second_cut)
    r2 = np.where(
        auction[kind], money.div_round(r1 * cut.numerator, cut.denominator, nonneg=True), r1
    )
    price = np.where(out == SOLD_1, r1[:, None], np.where(out == RETURNED, 0, r2[:, None]))
    amount_c = np.where(out == RETURNED, 0, np.maximum(price - r["prior"][:, None], 0))
    last = np.where(has_c[:, None] & (out != RETURNED), np.maximum(t_exec, m_c), t_exec)
    t_unsec = last + proc.unsecured_months
    general = r["general"][:, None]
    m_g = np.where(general, t_unsec, last) + 6
    far = 10**6
    M = np.stack(
        [np.where(has_c[:, None], m_c, far), np.where(has_g[:, None], m_g, far), t_unsec], axis=2
    )
    T = np.stack(
        [
            np.full((A, S), _COLL),
            np.where(general, _GENERAL, _JOINT) + np.zeros((A, S), np.int64),
            np.full((A, S), _UNSEC),
        ],
        axis=2,
    )
    real = np.stack(
        [
            np.broadcast_to(has_c[:, None], (A, S)),
            np.broadcast_to(has_g[:, None], (A, S)),
            np.ones((A, S), bool),
        ],
        axis=2,
    )
    amt = np.stack(
        [amount_c, np.broadcast_to(r["capacity"][:, None], (A, S)), np.zeros((A, S), np.int64)],
        axis=2,
    )
    taken_all = np.stack([out == TAKEN, np.zeros((A, S), bool), np.zeros((A, S), bool)], axis=2)
    order = np.lexsort((T, M), axis=2)
    M, T, real, amt, taken_all = (
        np.take_along_axis(np.broadcast_to(x, (A, S, 3)), order, axis=2)
        for x in (M, T, real, amt, taken_all)
    )
    M = np.where(real, M, 0)
    # dates: month m after each account's claim date; days of ACT/360 from it
    top = int(max(M.max(), t_judg.max())) + 1
    start = r["as_of"]
    dates = _add_months_many(
        np.repeat(start[:, None], top + 1, axis=1),
        np.broadcast_to(np.arange(top + 1), (A, top + 1)),
    )
    ordinal = (dates - np.datetime64("0001-01-01", "D")).astype(np.int64) + 1  # date.toordinal()
    days = ordinal - ordinal[:, :1]
    flat_at = (np.arange(A) * (top + 1))[:, None]
    at = lambda tab, m: tab.reshape(-1)[flat_at + m]  # noqa: E731  tab[a, m[a, s]]
    num, den = _exact_rate(r["annual_rate"])
    den = den * 360
    P0, I0, F0 = r["principal"], r["interest"], r["fees"]
    T0 = P0 + I0 + r["penalty"] + F0
    g_num, g_den = _exact_rate(r["guarantee_recovery_rate"])
    u_num, u_den = _exact_rate(np.asarray(r["recovery_rate"], dtype=float))
    span = top * 31 + 1  # days, at most
    reach_top = max(
        int(np.abs(num).max(initial=1)) * span,
        int(g_num.max(initial=1)),
        int(u_num.max(initial=1)),
        DELAY_RATE.numerator * span,
        1,
    )
    amounts = (
        int(T0.max(initial=0))
        + int(np.max(r.get("owed", T0), initial=0))
        + int(r["appraisal"].max(initial=0))
        + int(r["capacity"].max(initial=0))
    )
    big = (
        (amounts * 4 + 1) * reach_top > 2**61
        or den.dtype == object
        or g_den.dtype == object
        or u_den.dtype == object
    )
    dt = object if big else np.int64
    col = lambda x: np.asarray(x).astype(dt)[:, None]  # noqa: E731
    num_c, den_c = col(num), col(den)
    # the ledger: contract interest on the principal (not due) to the judgment, rounded once
    tj = np.broadcast_to(t_judg, (A, S))
    gain = money.div_round(col(P0) * num_c * at(days, tj).astype(dt), den_c, nonneg=True)
    x = np.asarray(r.get("owed", T0), dtype=np.int64)
    acc, pre = _fees_cents(x, units, proc.procedure, proc.preserve)
    lawyer = money.to_minor(proc.lawyer_fee, units)
    appraisal = money.to_minor(proc.appraisal_fee, units)
    on_debtor = (
        acc
        + pre
        + (lawyer if proc.lawyer_fee_on_debtor else 0)
        + (appraisal if proc.appraisal_fee_on_debtor else 0)
    )
    shape = (A, S)
    pr = np.broadcast_to(col(P0), shape).astype(dt).copy()
    it_j = (col(T0 - P0) + gain).astype(dt)
    ci = np.minimum(col(I0) + gain, it_j).astype(dt)
    pe = it_j - ci
    pn = pr.copy()
    co = np.broadcast_to(col(on_debtor), shape).astype(dt).copy()
    whole = (x == T0)[:, None]
    if not whole.all():
        # a default part-way through a plan: what is owed then, filled from the last class paid
        # (EnforcementPath._owed_parts), all of it due, penalty on its principal to the judgment
        rest, parts = x, {}
        for name, base in (("pr", P0), ("ci", I0), ("pe", r["penalty"]), ("co", F0)):
            parts[name] = np.minimum(rest, base)
            rest = rest - parts[name]
        parts["pr"] = parts["pr"] + rest
        q = {k_: col(v_) for k_, v_ in parts.items()}
        pe_p = q["pe"] + money.div_round(
            q["pr"] * num_c * at(days, tj).astype(dt), den_c, nonneg=True
        )
        ci = np.where(whole, ci, q["ci"])
        it_j = np.where(whole, it_j, pe_p + q["ci"])
        pe = it_j - ci
        pr = np.where(whole, pr, q["pr"])
        pn = np.where(whole, pn, 0).astype(dt)
        co = np.where(whole, co, co + q["co"])
    di = np.zeros(shape, dtype=dt)
    di_n = np.zeros(shape, dtype=dt)
    judgment_debt = co + pr + it_j
    exe_fee = _band_fee(judgment_debt, _EXECUTION, units)
    deadline = at(ordinal, tj) + proc.performance_days
    cap_left = np.broadcast_to(col(r["capacity"]), shape).astype(dt).copy()
    g_num, g_den, u_num, u_den = col(g_num), col(g_den), col(u_num), col(u_den)
    v = 1.0 / (1.0 + float(discount_rate) / 12.0)
    npv = np.zeros(shape)
    prev = tj.copy()
    rs = Claim(principal=Decimal(1), annual_rate=Decimal(0), as_of=_dt.date(2026, 1, 1)).rules
    kinds = {"co": "costs", "pe": "penalty", "ci": "interest", "pr": "principal"}
    rank = {k_: (c_, k2) for c_, cls in enumerate(rs.allocation_order) for k2, k_ in enumerate(cls)}
    order_parts = tuple(sorted(kinds, key=lambda b_: rank.get(kinds[b_], (99, 0)))) + ("di",)
    keep = 1.0 - proc.takeover_discount
    for e in range(3):
        ok = real[:, :, e]
        m, typ = M[:, :, e], T[:, :, e]
        b = np.maximum(m, prev)
        dn = (at(days, b) - at(days, prev)).astype(dt) * num_c
        pn2 = np.minimum(pn, pr)
        po = pr - pn2
        pe2 = pe + money.div_round(po * dn, den_c, nonneg=True)
        ci2 = ci + money.div_round(pn2 * dn, den_c, nonneg=True)
        d0 = np.maximum(at(ordinal, prev), deadline)
        late = np.maximum(at(ordinal, b) - d0, 0).astype(dt)
        di_n2 = di_n + _ledger.delay_accrual(co + pr + it_j, late, rounding="exact")
        di2 = money.div_round(di_n2, DELAY_RATE.denominator, nonneg=True)
        owed = co + pe2 + ci2 + pr + di2
        avail = np.where(typ == _COLL, amt[:, :, e].astype(dt), 0)
        is_g = (typ == _JOINT) | (typ == _GENERAL)
        due = np.minimum(cap_left, owed + exe_fee)
        pay = money.div_round(due * g_num, g_den, nonneg=True)
        avail = np.where(is_g, pay, avail)
        cap_left = np.where(is_g & ok, cap_left - pay, cap_left)
        unsec = money.div_round((owed + exe_fee) * u_num, u_den, nonneg=True)
        avail = np.where((typ == _UNSEC) & preserved, unsec, avail)
        avail = np.where(won & ok, avail, 0)
        fee = np.minimum(exe_fee, avail)
        credit = np.minimum(avail - fee, owed)
        buckets = {"co": co, "pe": pe2, "ci": ci2, "pr": pr, "di": di2}
        parts, rest = {}, credit
        for name in order_parts:
            parts[name] = np.minimum(rest, buckets[name])
            rest = rest - parts[name]

        def sel(new: np.ndarray, old: np.ndarray, ok: np.ndarray = ok) -> np.ndarray:
            return np.where(ok, new, old)  # a missing item changes nothing

        exe_fee = exe_fee - fee
        co, pe, ci, pr = (
            sel(buckets[k] - parts[k], old)
            for k, old in (("co", co), ("pe", pe), ("ci", ci), ("pr", pr))
        )
        di_left = di2 - parts["di"]
        di_n = sel(np.where(di_left == 0, 0, di_n2 - parts["di"] * DELAY_RATE.denominator), di_n)
        di = sel(di_left, di)
        it_j = sel(np.maximum(it_j - parts["pe"] - parts["ci"], 0), it_j)
        pn = sel(pn2, pn)
        prev = sel(b, prev)
        taken = taken_all[:, :, e]
        cash = np.where(taken, credit.astype(float) * keep, credit.astype(float))
        when = np.where(taken, m + proc.takeover_resale_months, m + proc.distribution_months)
        npv = npv + np.where(ok, cash * v ** when.astype(float), 0.0)
    out0 = (acc + pre + lawyer).astype(float)[:, None]
    npv = npv - out0 - np.where(won, appraisal * v ** t_exec.astype(float), 0.0)
    lost = (1.0 - proc.judgment_probability) * -out0[:, 0]
    full = np.zeros((A, S_all))  # summed in the full layout: the same bits in any block
    full[:, live] = npv * w
    return (full.sum(axis=1) + lost) / 10.0**units
