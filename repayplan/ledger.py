"""The one ledger: dated obligations and dated payments, replayed exactly.

Every figure of what is owed and what was paid — :meth:`repayplan.Loan.claim`,
:meth:`repayplan.Claim.accrue`, :meth:`repayplan.Agreement.status`, ``.claim`` and
``.statement`` — comes from :func:`replay`, so the same obligations and payments always
give the same figures to the minor unit.

What the ledger holds
---------------------
* **Instalments** (rows): a due date, the contract interest and the principal payable
  with it, and the interest of its period (which may exceed what is payable when part is
  capitalised).  The contract interest of the current period accrues evenly over its
  actual days, ``accrued = I_k × elapsed / days of the period``, rounded half-up.
* **Charges**: dated fees and costs of realising the claim (实现债权的有关费用).
* **Payments**: dated amounts >= 0, applied in the order given on one day.

Daily accrual
-------------
From the day after its due date the unpaid principal :math:`P` of an instalment bears
penalty interest at :math:`r_p` and its unpaid contract interest :math:`I` bears compound
interest where the terms say so (``compound``), over :math:`n` day-count numerators of
denominator :math:`D` (ACT/360: days and 360):

.. math::

    S = \\sum_j P_j\\, r_p\\, n_j / D, \\qquad C = \\sum_j I_j\\, r_c(t_j)\\, n_j / D,

with :math:`r_c = r_p` (``compound_rate="penalty"``, 银发〔2003〕251号 三: 对不能按时支付的
利息，按罚息利率计收复利) or, under ``compound_rate="contract"``, the contract rate until the
loan's maturity (or acceleration) and the penalty rate after (as many bank contracts
provide).  Grace days decide lateness only: penalty of an instalment paid in full within
its grace days is waived; once they pass it is owed from the due date.

The accrual-rounding policy (:data:`ACCRUAL_ROUNDING`)
------------------------------------------------------
``"exact"`` (the default)
    :math:`S` and :math:`C` are carried exactly (as integers over a common denominator)
    and rounded half-up to the minor unit only where they are stated or paid, so a claim
    rolled forward in steps equals one rolled forward at once; a penalty paid in full is
    settled (its sub-cent remainder is dropped).
``"per_stretch"``
    Each stretch between two events is rounded: :math:`\\sum_j \\mathrm{round}(P_j r_p n_j / D)`.
``"per_day"``
    Each day's accrual is rounded: :math:`\\sum_{\\text{days}} \\mathrm{round}(P\\, r_p\\, n_d / D)`
    (core banking systems that post interest daily).

Allocation
----------
A payment first pays what is due on its date in the terms' order
(:func:`repayplan.rules.allocate_minor`; Civil Code Art. 561 by default).  The costs of
realising the claim come first in every order (Art. 561 gives them priority whatever the
parties agree about interest and principal).  What is left goes ahead: under
``overpayment="next"`` to the next instalments in full, one after another; under
``"principal"`` to the interest accrued to date and then to the principal of the remaining
instalments, which shrink pro rata and keep their dates.  Beyond the whole debt it is held
as ``credit``; ``paid == applied + credit`` always.

Entry points
------------
:func:`replay` (one history), :func:`read_payments` (the one rule for payments).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from . import money
from ._validate import check_choice, check_date, check_int
from .calendar import DAY_COUNT_DENOMINATOR, accrual_numerators, normalize_day_count
from .errors import InputError

__all__ = [
    "ACCRUAL_ROUNDING",
    "COMPOUND_RATES",
    "OVERPAYMENT",
    "Terms",
    "Ledger",
    "replay",
    "figures",
    "read_payments",
    "replay_many",
]

#: Accrual-rounding policies: carry exactly and round once when stated (default), round
#: each stretch between events, or round each day.
ACCRUAL_ROUNDING: tuple[str, ...] = ("exact", "per_stretch", "per_day")

#: The rate of compound interest on unpaid interest: the penalty rate throughout
#: (银发〔2003〕251号 三, the cn-bank default) or the contract rate until maturity and the
#: penalty rate after.
COMPOUND_RATES: tuple[str, ...] = ("penalty", "contract")

#: Where money beyond what is due goes: the next instalments in full, or principal.
OVERPAYMENT: tuple[str, ...] = ("next", "principal")

_NAT = np.datetime64("NaT", "D")
_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Terms:
    """The legal arithmetic a ledger runs on.

    Parameters
    ----------
    penalty_rate : Decimal
        Annual penalty rate on overdue principal.
    contract_rate : Decimal
        Annual contract rate (compound interest during the term under
        ``compound_rate="contract"``).
    compound : bool
        Unpaid contract interest bears compound interest.
    compound_rate : {"penalty", "contract"}
    day_count : str
        Day count of daily accrual (``"ACT/360"``).
    order : tuple of classes
        A normalised allocation order (:func:`repayplan.rules.normalize_order`).
    by : {"class", "installment"}
    overpayment : {"next", "principal"}
    grace_days : int
    rounding : {"exact", "per_stretch", "per_day"}
        The accrual-rounding policy (:data:`ACCRUAL_ROUNDING`).
    units : int
        Minor units of the currency.
    switch : (date, contract_rate, penalty_rate), optional
        From this date accrual runs at these rates (a contract straddling a change of the
        rules, e.g. private lending signed before 2020-08-20: 法释〔2020〕17号 第三十一条).

    Examples
    --------
    >>> from decimal import Decimal
    >>> from repayplan.rules import CIVIL_CODE_561
    >>> t = Terms(Decimal("0.09"), Decimal("0.06"), True, "penalty", "ACT/360", CIVIL_CODE_561,
    ...           "class", "principal", 0, "exact", 2)
    >>> t.den                  # 9/100 a year over 360 days: amounts carried in 1/36000 fen
    36000
    """

    penalty_rate: Decimal
    contract_rate: Decimal
    compound: bool
    compound_rate: str
    day_count: str
    order: tuple
    by: str
    overpayment: str
    grace_days: int
    rounding: str
    units: int
    switch: tuple | None = None

    def __post_init__(self):
        check_choice("compound_rate", self.compound_rate, COMPOUND_RATES)
        check_choice("overpayment", self.overpayment, OVERPAYMENT)
        check_choice("accrual_rounding", self.rounding, ACCRUAL_ROUNDING)
        object.__setattr__(self, "day_count", normalize_day_count(self.day_count))
        object.__setattr__(
            self, "grace_days", check_int("grace_days", self.grace_days, low=0, high=365)
        )

    @property
    def den(self) -> int:
        """Common denominator of exact accrual: ``lcm`` of the rates' denominators × D."""
        rates = [self.penalty_rate, self.contract_rate] + (
            list(self.switch[1:]) if self.switch else []
        )
        return (
            math.lcm(*(Fraction(r).denominator for r in rates))
            * DAY_COUNT_DENOMINATOR[self.day_count]
        )

    def segments(self, kind: str, maturity=None) -> list:
        """Piecewise rates as ``[(from_day or None, numerator over den), ...]``.

        ``kind`` is ``"penalty"`` or ``"contract"``; ``"compound"`` is the penalty rate, or
        under ``compound_rate="contract"`` the contract rate before ``maturity`` and the
        penalty rate from it.
        """

        def plain(rate_name: str) -> list:
            first = getattr(self, f"{rate_name}_rate")
            out: list[tuple[np.datetime64 | None, int]] = [(None, self.num(first))]
            if self.switch is not None:
                day, c1, p1 = self.switch
                out.append(
                    (np.datetime64(day, "D"), self.num(c1 if rate_name == "contract" else p1))
                )
            return out

        if kind in ("penalty", "contract"):
            return plain(kind)
        if self.compound_rate == "penalty" or maturity is None:
            return plain("penalty")
        m = np.datetime64(maturity, "D")
        before = [(d, n) for d, n in plain("contract") if d is None or d < m]
        pen = plain("penalty")
        at_m = [n for d, n in pen if d is None or d <= m][-1]
        return before + [(m, at_m)] + [(d, n) for d, n in pen if d is not None and d > m]

    def num(self, rate) -> int:
        """Numerator of ``rate / D`` over :attr:`den`."""
        r = Fraction(rate)
        return r.numerator * (self.den // (r.denominator * DAY_COUNT_DENOMINATOR[self.day_count]))


def _int_array(values) -> np.ndarray:
    return money.object_ints(list(values))


@dataclass
class Ledger:
    """The state of one replay: per-instalment arrays (exact Python ints) and the charges.

    Build it with :func:`replay`; read its fields.  Amounts are minor units; ``pen_n``,
    ``comp_n`` (owed) and ``pen_wait_n``, ``comp_wait_n`` (within grace days) are exact
    numerators over ``terms.den``.

    Examples
    --------
    Two monthly instalments of 500.00 principal and 5.00 interest; the first is paid 10 days
    late, so it carries ``50,000 × 9 % × 10 / 360 = 125`` fen of penalty and
    ``500 × 9 % × 10 / 360 = 1.25`` fen of compound interest, which the payment pays first:

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> import numpy as np
    >>> from repayplan.rules import CIVIL_CODE_561
    >>> t = Terms(Decimal("0.09"), Decimal("0.06"), True, "penalty", "ACT/360",
    ...           CIVIL_CODE_561, "class", "principal", 0, "exact", 2)
    >>> due = np.array(["2026-02-01", "2026-03-01"], dtype="datetime64[D]")
    >>> led = replay(start=date(2026, 1, 1), due=due, interest=[500, 500], principal=[50_000, 50_000],
    ...              terms=t, as_of=date(2026, 2, 11), payments=[(date(2026, 2, 11), 50_626)])
    >>> led.log[0]["penalty"], led.log[0]["compound"], led.log[0]["interest"], led.log[0]["principal"]
    (125, 1, 500, 50000)
    >>> led.p_out.tolist(), led.credit
    ([0, 50000], 0)
    """

    terms: Terms
    t: np.datetime64
    due: np.ndarray
    grace: np.ndarray
    begin: np.ndarray
    payable: np.ndarray
    i_sched: np.ndarray
    i_full: np.ndarray
    p_due: np.ndarray
    p_out: np.ndarray
    cap: np.ndarray
    acc0: np.ndarray
    i_paid: np.ndarray
    p_paid: np.ndarray
    i_ahead: np.ndarray
    p_ahead: np.ndarray
    pen_n: np.ndarray
    comp_n: np.ndarray
    pen_wait_n: np.ndarray
    comp_wait_n: np.ndarray
    pen_paid: np.ndarray
    comp_paid: np.ndarray
    waived: np.ndarray
    paid_on: np.ndarray
    short_unpaid: np.ndarray
    short_due: np.ndarray
    ch_day: np.ndarray
    ch_kind: np.ndarray
    ch_amt: np.ndarray
    ch_sched: np.ndarray
    ch_paid: np.ndarray
    maturity: np.datetime64
    i_daily: np.ndarray | None = None
    credit: int = 0
    accelerated: np.datetime64 | None = None
    log: list = field(default_factory=list)

    _ROWS = (
        "due",
        "grace",
        "begin",
        "payable",
        "i_sched",
        "i_full",
        "p_due",
        "p_out",
        "cap",
        "acc0",
        "i_paid",
        "p_paid",
        "i_ahead",
        "p_ahead",
        "pen_n",
        "comp_n",
        "pen_wait_n",
        "comp_wait_n",
        "pen_paid",
        "comp_paid",
        "waived",
        "paid_on",
        "short_unpaid",
        "short_due",
    )

    # -- what is owed, rounded where stated ----------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.due)

    @property
    def pen(self) -> np.ndarray:
        """Penalty interest owed per instalment, rounded half-up."""
        return money.div_round(self.pen_n, self.terms.den)

    @property
    def comp(self) -> np.ndarray:
        """Compound interest owed per instalment, rounded half-up."""
        return money.div_round(self.comp_n, self.terms.den)

    @property
    def pen_wait(self) -> np.ndarray:
        """Penalty and compound interest within grace days, rounded half-up."""
        return money.div_round(self.pen_wait_n + self.comp_wait_n, self.terms.den)

    def outstanding(self) -> np.ndarray:
        """Instalment amounts unpaid (interest payable and principal)."""
        return self.i_sched - self.i_paid + self.p_out

    def current(self, t) -> int:
        """Index of the first instalment not yet due on ``t`` (``n`` when all are due)."""
        return int(np.searchsorted(self.due, t, side="right"))

    def accrued(self, k: int, t) -> int:
        """Contract interest of period ``k`` accrued by ``t``, evenly over its actual days."""
        if self.i_daily is not None and self.i_daily[k]:
            # interest accruing by the day at the contract rate (a stated claim's principal)
            tm = self.terms
            n = int(accrual_numerators(self.begin[k], np.datetime64(t, "D"), tm.day_count))
            return self.acc0[k] + money.div_round(
                self.p_out[k] * tm.num(tm.contract_rate) * n, tm.den
            )
        span = int((self.due[k] - self.begin[k]).astype(np.int64))
        gone = int((t - self.begin[k]).astype(np.int64))
        if span <= 0:
            return self.i_full[k]
        return self.acc0[k] + money.div_round((self.i_full[k] - self.acc0[k]) * gone, span)

    # -- time ------------------------------------------------------------------------------------
    def _grow(self, amounts: np.ndarray, num: int, since: np.ndarray, t) -> np.ndarray:
        """Accrual numerators over ``terms.den`` of ``amounts`` from ``since`` to ``t``."""
        tm, den = self.terms, self.terms.den
        if tm.rounding == "per_day":
            out = money.object_zeros(len(amounts))
            for j, (a, s) in enumerate(zip(amounts, since, strict=True)):
                days = np.arange(s, t, dtype="datetime64[D]")
                if not len(days) or not a:
                    continue
                per = accrual_numerators(days, days + _DAY, tm.day_count)
                vals, counts = np.unique(per, return_counts=True)
                out[j] = (
                    sum(
                        int(c) * money.div_round(a * num * int(v), den)
                        for v, c in zip(vals, counts, strict=True)
                    )
                    * den
                )
            return out
        n = accrual_numerators(since, np.datetime64(t, "D"), tm.day_count).astype(object)
        exact = amounts * num * n
        if tm.rounding == "per_stretch":
            return money.div_round(exact, den) * den
        return exact

    def accrue_to(self, t) -> None:
        """Penalty and compound interest on what is overdue, from the last event to ``t``.

        It waits (``*_wait_n``) while the instalment is within its grace days and is owed
        once they pass without full payment (:meth:`charge`).
        """
        if t <= self.t:
            return
        tm = self.terms
        late = self.due < t
        if late.any():
            since = np.maximum(self.due[late], self.t)
            pen_seg = tm.segments("penalty")
            comp_seg = tm.segments("compound", self.maturity) if tm.compound else None
            if (
                tm.rounding == "exact"
                and len(pen_seg) == 1
                and (comp_seg is None or len(comp_seg) == 1)
            ):
                # the common case: one rate each, the day count computed once for both
                n = accrual_numerators(since, np.datetime64(t, "D"), tm.day_count).astype(object)
                self.pen_wait_n[late] += self.p_out[late] * pen_seg[0][1] * n
                if comp_seg is not None:
                    self.comp_wait_n[late] += (
                        (self.i_sched[late] - self.i_paid[late]) * comp_seg[0][1] * n
                    )
            else:
                self.pen_wait_n[late] += self._piecewise(self.p_out[late], pen_seg, since, t)
                if comp_seg is not None:
                    unpaid = self.i_sched[late] - self.i_paid[late]
                    self.comp_wait_n[late] += self._piecewise(unpaid, comp_seg, since, t)
        self.t = t

    def _piecewise(self, amounts, segments, since, t) -> np.ndarray:
        """Accrual over ``[since, t)`` with the rate of each segment on its days."""
        if len(segments) == 1:
            return self._grow(amounts, segments[0][1], since, t)
        end = np.datetime64(t, "D")
        out = money.object_zeros(len(amounts))
        for i, (frm, num) in enumerate(segments):
            nxt = segments[i + 1][0] if i + 1 < len(segments) else end
            a = since if frm is None else np.maximum(since, frm)
            b = np.minimum(np.full(len(since), end, dtype="datetime64[D]"), nxt)
            b = np.maximum(a, b)
            out += self._grow_split(amounts, num, a, b)
        return out

    def _grow_split(self, amounts, num, since, until) -> np.ndarray:
        out = money.object_zeros(len(amounts))
        for end in np.unique(until):
            sel = until == end
            out[sel] = self._grow(amounts[sel], num, since[sel], end)
        return out

    def charge(self, t) -> None:
        """Penalty that waited through grace days which ended before ``t`` is now owed."""
        over = self.grace < t
        self.pen_n[over] += self.pen_wait_n[over]
        self.comp_n[over] += self.comp_wait_n[over]
        self.pen_wait_n[over] = 0
        self.comp_wait_n[over] = 0

    def drop_scheduled_fees_after(self, t) -> None:
        """Periodic fees of the schedule stop when the loan is accelerated or repaid."""
        gone = self.ch_sched & (self.ch_day > t)
        self.ch_amt[gone] = 0

    # -- events ----------------------------------------------------------------------------------
    def run(self, as_of: _dt.date, payments, accelerate=None) -> Ledger:
        """Replay the payments (and an acceleration) up to ``as_of``; returns the ledger.

        An acceleration cuts the rows, so the ledger returned may be a new object: use it.
        """
        led = self
        end = np.datetime64(as_of, "D")
        events: list[tuple] = [
            (np.datetime64(d, "D"), 1, i, a) for i, (d, a) in enumerate(payments)
        ]
        if accelerate is not None:
            events.append((np.datetime64(accelerate, "D"), 0, 0, None))
        events += [
            (led.grace[k], 2, k, None) for k in np.flatnonzero(led.payable & (led.grace < end))
        ]
        for t, kind, k, amount in sorted(events, key=lambda e: (e[0], e[1], e[2])):
            if kind == 0:
                led = led.accelerate(t)
            elif kind == 1:
                led.pay(t, amount)
            elif k < led.n:
                led.checkpoint(k)
        led.accrue_to(end)
        led.charge(end)
        if led.credit and (led.ch_amt - led.ch_paid)[led.ch_day <= end].sum() > 0:
            led.pay(end, 0)
        return led

    def checkpoint(self, k: int) -> None:
        """Cumulative shortfall when the grace days of row ``k`` end (after that day's payments)."""
        upto = self.payable & (self.grace <= self.grace[k])
        self.short_unpaid[k] = int(self.outstanding()[upto].sum())
        self.short_due[k] = int((self.i_sched + self.p_due)[upto].sum())

    def accelerate(self, t) -> Ledger:
        """The whole loan falls due on ``t`` (加速到期): interest accrued and all principal.

        Returns the ledger with the instalments after the current one merged into it (a new
        :class:`Ledger`, the rows cut to the current one).
        """
        self.accrue_to(t)
        self.charge(t)
        k = self.current(t)
        self.accelerated = t
        self.maturity = min(self.maturity, t)
        if k >= self.n:
            return self
        a = self.accrued(k, t)
        self.i_sched[k] = a
        self.i_full[k] = a
        self.due[k] = t
        self.grace[k] = t + np.timedelta64(self.terms.grace_days, "D")
        self.payable[k] = True
        for name in ("p_out", "p_due", "p_paid", "p_ahead", "cap"):
            arr = getattr(self, name)
            arr[k] = arr[k:].sum()
        self.drop_scheduled_fees_after(t)
        keep = k + 1
        cut = {name: getattr(self, name)[:keep].copy() for name in self._ROWS}
        if self.i_daily is not None:
            cut["i_daily"] = self.i_daily[:keep].copy()
        return dataclasses.replace(self, **cut)

    def pay(self, t, amount: int) -> None:
        """Apply a payment of ``amount`` minor units received on ``t`` (with the credit held)."""
        from .rules import allocate_minor

        tm = self.terms
        self.accrue_to(t)
        self.charge(t)
        credit_in, total = self.credit, amount + self.credit
        idx = np.flatnonzero(self.due <= t)
        ch = np.flatnonzero(self.ch_day <= t)
        pen_owed, comp_owed = self.pen[idx], self.comp[idx]
        owed = {
            "penalty": pen_owed,
            "compound": comp_owed,
            "interest": self.i_sched[idx] - self.i_paid[idx],
            "principal": self.p_out[idx],
        }
        m = len(idx)
        kinds = [k for k in owed for _ in idx] + list(self.ch_kind[ch])
        due = np.concatenate([np.tile(self.due[idx], len(owed)), self.ch_day[ch]])
        amounts = np.concatenate([*owed.values(), self.ch_amt[ch] - self.ch_paid[ch]]).astype(
            np.int64
        )
        applied = np.zeros(len(amounts), dtype=np.int64)
        # Civil Code Art. 561: the costs of realising the claim first, in every order
        is_cost = np.zeros(len(kinds), dtype=bool)
        is_cost[4 * m :] = self.ch_kind[ch] == "costs"
        left = total
        if is_cost.any():
            got_c, _ = allocate_minor(
                left,
                ["costs"] * int(is_cost.sum()),
                due[is_cost],
                amounts[is_cost],
                ((("costs",),)),
                "class",
            )
            applied[is_cost] = got_c
            left -= int(got_c.sum())
        rest_sel = ~is_cost
        got_r, _ = allocate_minor(
            left,
            [k for k, c in zip(kinds, is_cost, strict=True) if not c],
            due[rest_sel],
            amounts[rest_sel],
            tm.order,
            tm.by,
        )
        applied[rest_sel] = got_r
        applied = applied.astype(object)
        got = {k: applied[j * m : (j + 1) * m] for j, k in enumerate(owed)}
        den = tm.den
        settled = (got["penalty"] == pen_owed) & (got["penalty"] > 0)
        self.pen_n[idx] = np.where(settled, 0, self.pen_n[idx] - got["penalty"] * den)
        settled = (got["compound"] == comp_owed) & (got["compound"] > 0)
        self.comp_n[idx] = np.where(settled, 0, self.comp_n[idx] - got["compound"] * den)
        self.pen_paid[idx] += got["penalty"]
        self.comp_paid[idx] += got["compound"]
        self.i_paid[idx] += got["interest"]
        self.p_out[idx] -= got["principal"]
        self.p_paid[idx] += got["principal"]
        on_charges = applied[4 * m :]
        self.ch_paid[ch] += on_charges
        rest = total - int(applied.sum())
        row = {
            "date": t,
            "amount": amount,
            "credit_in": credit_in,
            "costs": int(on_charges[self.ch_kind[ch] == "costs"].sum()),
            "fees": int(on_charges[self.ch_kind[ch] == "fees"].sum()),
            **{k: int(v.sum()) for k, v in got.items()},
            "interest_ahead": 0,
            "principal_ahead": 0,
        }
        k = self.current(t)
        if rest > 0 and k < self.n:
            if tm.overpayment == "next":
                rest = self._pay_next(k, rest, row)
            else:
                rest, left_p = self._pay_principal(t, k, rest, row)
                if left_p == 0:
                    self.drop_scheduled_fees_after(t)
        self.credit = rest
        row["credit_out"] = rest
        self.log.append(row)
        # paid in full now: record the day, and drop penalty waiting in the grace days
        out = self.outstanding()
        done = (out == 0) & np.isnat(self.paid_on)
        self.paid_on[done] = t
        cured = (out == 0) & (self.grace >= t)
        self.waived[cured] += money.div_round(self.pen_wait_n[cured] + self.comp_wait_n[cured], den)
        self.pen_wait_n[cured] = 0
        self.comp_wait_n[cured] = 0

    def _pay_next(self, k: int, rest: int, row: dict) -> int:
        """Money beyond what is due pays the next instalments in full, one after another."""
        from .rules import allocate_minor

        fut = np.arange(k, self.n)
        i_owed = self.i_sched[fut] - self.i_paid[fut]
        kinds = ["interest"] * len(fut) + ["principal"] * len(fut)
        due = np.tile(self.due[fut], 2)
        amounts = np.concatenate([i_owed, self.p_out[fut]]).astype(np.int64)
        applied, _ = allocate_minor(rest, kinds, due, amounts, self.terms.order, "installment")
        applied = applied.astype(object)
        m = len(fut)
        gi, gp = applied[:m], applied[m:]
        self.i_paid[fut] += gi
        self.i_ahead[fut] += gi
        self.p_out[fut] -= gp
        self.p_paid[fut] += gp
        self.p_ahead[fut] += gp
        row["interest_ahead"], row["principal_ahead"] = int(gi.sum()), int(gp.sum())
        return rest - int(applied.sum())

    def _pay_principal(self, t, k: int, rest: int, row: dict) -> tuple[int, int | None]:
        """Money beyond what is due: interest accrued to date on instalment ``k``, then principal.

        The remaining instalments keep their dates and shrink pro rata: with balance
        :math:`B` and prepayment :math:`x`, principal parts scale by :math:`(B - x) / B`
        (largest remainders, exact in sum) and so does the interest still to accrue.
        Returns what is left and the principal left (``None`` when none was prepaid).
        """
        a = self.accrued(k, t)
        x = min(rest, max(0, a - self.i_paid[k]))
        self.i_paid[k] += x
        self.i_ahead[k] += x
        rest -= x
        row["interest_ahead"] = x
        balance = int(self.p_out[k:].sum())
        if rest <= 0 or balance <= 0:
            return rest, None
        xp = min(rest, balance)
        rest -= xp
        row["principal_ahead"] = xp
        left = balance - xp
        self.i_sched[k] = a + money.div_round((self.i_sched[k] - a) * left, balance)
        self.begin[k], self.acc0[k] = t, a
        self.i_sched[k + 1 :] = money.div_round(self.i_sched[k + 1 :] * left, balance)
        self.i_full[k:] = self.i_sched[k:]
        new = money.apportion(self.p_out[k:], left, balance)
        self.p_paid[k:] += self.p_out[k:] - new
        self.p_ahead[k:] += self.p_out[k:] - new
        self.p_out[k:] = new
        return rest, left


def replay(
    *,
    start,
    due,
    interest,
    principal,
    terms: Terms,
    as_of,
    payments=(),
    charges=(),
    interest_full=None,
    payable=None,
    accelerate=None,
    begin=None,
    accrued=None,
    daily=None,
    penalty=None,
    compound=None,
    maturity=None,
) -> Ledger:
    """Replay dated obligations against dated payments up to ``as_of``.

    The one entry point every figure of owed and paid comes from (loans, stated claims,
    agreements, the case register).

    Parameters
    ----------
    start : date
        Start of accrual (drawdown, claim or signing date); the first period begins here.
    due : array_like of datetime64[D]
        Due dates of the instalments, non-decreasing.
    interest, principal : array_like of int
        Contract interest and principal payable with each instalment, minor units.
    terms : Terms
    as_of : date
    payments : sequence of (date, int)
        From :func:`read_payments`: minor units, in the order received.
    charges : sequence of (date, kind, int, scheduled)
        Fees (``"fees"``) and costs of realising the claim (``"costs"``); ``scheduled``
        marks the periodic fees of a schedule (dropped after acceleration or repayment).
    interest_full : array_like of int, optional
        Interest of each period when more than is payable (capitalised interest).
    payable : array_like of bool, optional
        Rows with something to pay (default all).
    accelerate : date, optional
        The whole loan falls due on this date.
    begin, accrued : array_like, optional
        Start of each row's current period and its contract interest accrued by then
        (default: the previous due date, nothing accrued).
    daily : array_like of bool, optional
        Rows whose contract interest accrues by the day at the contract rate on the unpaid
        principal (a stated claim), instead of evenly over the scheduled period.
    penalty, compound : array_like of int, optional
        Penalty and compound interest already owed on each row at ``start``.
    maturity : date, optional
        The day the loan as a whole falls overdue (compound interest at the contract rate
        before it, ``compound_rate="contract"``); default the last due date.

    Returns
    -------
    Ledger

    Examples
    --------
    One instalment of 1,000.00 principal due 1 January, nothing paid, penalty at 6.525 %
    (4.35 % + 50 %) carried exactly for 30 days: ``100,000 × 0.06525 × 30 / 360 = 543.75``
    fen, stated as 5.44; thirty one-day stretches give the same:

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> import numpy as np
    >>> from repayplan.rules import CIVIL_CODE_561
    >>> t = Terms(Decimal("0.06525"), Decimal("0.0435"), True, "penalty", "ACT/360",
    ...           CIVIL_CODE_561, "class", "principal", 0, "exact", 2)
    >>> due = np.array(["2026-01-01"], dtype="datetime64[D]")
    >>> led = replay(start=date(2025, 12, 1), due=due, interest=[0], principal=[100_000],
    ...              terms=t, as_of=date(2026, 1, 31))
    >>> int(led.pen[0])
    544
    """
    due = np.asarray(due, dtype="datetime64[D]").copy()
    n = len(due)
    t0 = np.datetime64(start, "D")
    i_sched = _int_array(interest)
    i_full = i_sched.copy() if interest_full is None else _int_array(interest_full)
    p_due = _int_array(principal)
    pay_mask = np.ones(n, dtype=bool) if payable is None else np.asarray(payable, dtype=bool).copy()
    charges = sorted(charges, key=lambda c: c[0])
    z = money.object_zeros
    led = Ledger(
        terms=terms,
        t=t0,
        due=due,
        grace=due + np.timedelta64(terms.grace_days, "D"),
        begin=(np.concatenate([[t0], due[:-1]]) if begin is None else np.asarray(begin)).astype(
            "datetime64[D]"
        ),
        payable=pay_mask,
        i_sched=i_sched,
        i_full=i_full,
        p_due=p_due,
        p_out=p_due.copy(),
        cap=i_full - i_sched,
        acc0=z(n) if accrued is None else _int_array(accrued),
        i_paid=z(n),
        p_paid=z(n),
        i_ahead=z(n),
        p_ahead=z(n),
        pen_n=z(n) if penalty is None else _int_array(penalty) * terms.den,
        comp_n=z(n) if compound is None else _int_array(compound) * terms.den,
        pen_wait_n=z(n),
        comp_wait_n=z(n),
        pen_paid=z(n),
        comp_paid=z(n),
        waived=z(n),
        paid_on=np.where(pay_mask, _NAT, due).astype("datetime64[D]"),
        short_unpaid=z(n),
        short_due=z(n),
        ch_day=np.array([np.datetime64(d, "D") for d, _, _, _ in charges], dtype="datetime64[D]"),
        ch_kind=np.array([k for _, k, _, _ in charges], dtype=object),
        ch_amt=_int_array(a for _, _, a, _ in charges),
        ch_sched=np.array([s for _, _, _, s in charges], dtype=bool),
        ch_paid=z(len(charges)),
        maturity=(due[-1] if n else t0) if maturity is None else np.datetime64(maturity, "D"),
        i_daily=None if daily is None else np.asarray(daily, dtype=bool),
    )
    return led.run(as_of, payments, accelerate)


def read_payments(
    items,
    start: _dt.date,
    as_of: _dt.date,
    units: int,
    *,
    name: str = "payments",
    since: str = "the start date",
    allowed: str | None = None,
    hint: str | None = None,
) -> tuple:
    """Dated amounts as ``((date, minor units), ...)``: the one rule for payments.

    Each date from ``start`` to ``as_of``; each amount >= 0 with at most the currency's
    decimals.  A payment of zero is a line that pays nothing (a failed direct debit on a
    statement); it is accepted by loans and agreements alike.

    Parameters
    ----------
    items : sequence of (date, amount), Mapping, Series or DataFrame(date, amount)
    start, as_of : date
    units : int
        Minor units of the currency.
    name : str
        Field name for errors (``"payments"``, ``"costs"``, ``"fees"``).
    since : str
        What ``start`` is, for errors.
    allowed, hint : str, optional
        The allowed dates in words (for both bounds) and a hint for a date before ``start``.

    Examples
    --------
    >>> from datetime import date
    >>> read_payments([(date(2026, 1, 5), "100.50"), (date(2026, 1, 9), 0)],
    ...               date(2026, 1, 1), date(2026, 2, 1), 2)
    ((datetime.date(2026, 1, 5), 10050), (datetime.date(2026, 1, 9), 0))
    >>> read_payments([(date(2026, 1, 5), -1)], date(2026, 1, 1), date(2026, 2, 1), 2)
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: payments[0].amount ...
    """
    from ._validate import MAX_BATCH_MINOR, check_amount

    start = check_date("start", start)
    as_of = check_date("as_of", as_of)
    if items is None:
        return ()
    if isinstance(items, pd.DataFrame):
        if not {"date", "amount"} <= set(items.columns):
            raise InputError(name, list(items.columns), "a DataFrame with columns date and amount")
        pairs = list(zip(items["date"], items["amount"], strict=True))
    elif isinstance(items, (pd.Series, Mapping)):
        pairs = list(items.items())
    elif isinstance(items, (str, bytes)):
        raise InputError(name, items, "a sequence of (date, amount) pairs")
    else:
        try:
            pairs = [tuple(p) for p in items]
        except TypeError:
            raise InputError(name, items, "a sequence of (date, amount) pairs") from None
    out = []
    for i, pair in enumerate(pairs):
        if len(pair) != 2:
            raise InputError(f"{name}[{i}]", pair, "a pair (date, amount)")
        day = check_date(f"{name}[{i}].date", pair[0])
        if day < start:
            raise InputError(
                f"{name}[{i}].date", day, allowed or f"a date on or after {since} {start}", hint
            )
        if day > as_of:
            raise InputError(
                f"{name}[{i}].date", day, allowed or f"a date on or before as_of {as_of}"
            )
        check_amount(f"{name}[{i}].amount", pair[1], allow_zero=True)
        minor = money.to_minor(pair[1], units, field=f"{name}[{i}].amount", exact=True)
        if minor > MAX_BATCH_MINOR:  # the replay's arrays are int64
            raise InputError(
                f"{name}[{i}].amount",
                pair[1],
                f"an amount of at most {MAX_BATCH_MINOR:,} minor units",
            )
        out.append((day, minor))
    return tuple(out)


def figures(led: Ledger, as_of) -> dict:
    """What is owed on ``as_of`` by the ledger, in minor units, stated (rounded) once.

    Returns a dict: ``principal``, ``overdue_principal``, ``interest`` (overdue plus
    accrued in the current period), ``overdue_interest``, ``penalty`` (compound included),
    ``compound``, ``fees``, ``costs`` (the part of fees that are costs), ``credit``, and the
    per-row arrays ``i_out`` and ``due_now``.

    Examples
    --------
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> import numpy as np
    >>> from repayplan.rules import CIVIL_CODE_561
    >>> t = Terms(Decimal("0.09"), Decimal("0.06"), True, "penalty", "ACT/360",
    ...           CIVIL_CODE_561, "class", "principal", 0, "exact", 2)
    >>> led = replay(start=date(2026, 1, 1), due=np.array(["2026-02-01"], dtype="datetime64[D]"),
    ...              interest=[50_000], principal=[10_000_000], terms=t, as_of=date(2026, 3, 3))
    >>> f = figures(led, date(2026, 3, 3))          # 30 days: 100,000 x 9 % / 12; 500 x 9 % / 12
    >>> f["penalty"] - f["compound"], f["compound"]
    (75000, 375)
    """
    end = np.datetime64(as_of, "D")
    n = led.n
    due_now = led.due <= end
    pen, comp = led.pen, led.comp
    k = led.current(end)
    i_out = money.object_zeros(n)
    i_out[due_now] = led.i_sched[due_now] - led.i_paid[due_now]
    if k < n:
        i_out[k] = led.accrued(k, end) - led.i_paid[k]
    live = led.ch_day <= end
    ch_out = (led.ch_amt - led.ch_paid)[live]
    return {
        "principal": int(led.p_out.sum()),
        "overdue_principal": int(led.p_out[due_now].sum()),
        "interest": int(i_out.sum()),
        "overdue_interest": int(i_out[due_now].sum()),
        "penalty": int((pen + comp).sum()),
        "compound": int(comp.sum()),
        "fees": int(ch_out.sum()),
        "costs": int(ch_out[led.ch_kind[live] == "costs"].sum()),
        "credit": int(led.credit),
        "i_out": i_out,
        "due_now": due_now,
    }


def replay_many(
    *,
    start,
    due,
    interest,
    principal,
    penalty_rate,
    terms: Terms,
    as_of,
    pay_dates,
    pay_amounts,
    interest_full=None,
    payable=None,
) -> dict:
    """Many agreements replayed at once: the figures of :func:`figures` as arrays.

    The batch form of :func:`replay` for a case register: agreements in rows, instalments
    in columns, one loop over the payment index, the arithmetic over agreements and
    instalments at once.  It covers the agreements' default terms — overpayments to the next
    instalments, grace days, compound interest at the penalty rate, ``accrual_rounding``
    ``"exact"``, no fees, costs or acceleration — and gives exactly what :func:`replay` gives
    agreement by agreement (the tests check it); other terms are replayed one by one.

    Parameters
    ----------
    start : array_like of datetime64[D], shape (B,)
        Signing dates.
    due : array_like of datetime64[D], shape (B, N)
        Due dates, strictly increasing along each row; pad short schedules with
        ``"9999-12-31"`` and zero amounts.
    interest, principal : array_like of int, shape (B, N)
        Minor units payable with each instalment.
    penalty_rate : sequence of Decimal, shape (B,)
    terms : Terms
        The shared terms (order, grace days, day count, compound); its rates are ignored.
    as_of : date
    pay_dates : array_like of datetime64[D], shape (B, E)
        Payment dates, ``NaT`` for none; the order given is kept on one day.
    pay_amounts : array_like of int, shape (B, E)
    interest_full, payable : array_like, shape (B, N), optional
        As for :func:`replay`.

    Returns
    -------
    dict of ndarray
        ``principal``, ``overdue_principal``, ``interest``, ``overdue_interest``,
        ``penalty``, ``compound``, ``credit``, ``arrears`` (shape (B,)) and ``paid_on``
        (shape (B, N), the day each instalment was paid in full, NaT if not), and
        ``outstanding`` (shape (B, N), each instalment's interest and principal unpaid, as
        :meth:`Ledger.outstanding`).

    Examples
    --------
    Two agreements of one instalment each (1,000.00 due 1 February, 9 % penalty): the first
    paid on time, the second not at all (30 days: ``100,000 × 9 % × 30 / 360 = 750`` fen):

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> import numpy as np
    >>> from repayplan.rules import CIVIL_CODE_561
    >>> t = Terms(Decimal("0.09"), Decimal("0.06"), True, "penalty", "ACT/360", CIVIL_CODE_561,
    ...           "class", "next", 0, "exact", 2)
    >>> out = replay_many(start=np.array(["2026-01-01"] * 2, dtype="datetime64[D]"),
    ...                   due=np.array([["2026-02-01"]] * 2, dtype="datetime64[D]"),
    ...                   interest=[[0], [0]], principal=[[100_000], [100_000]],
    ...                   penalty_rate=[Decimal("0.09")] * 2, terms=t, as_of=date(2026, 3, 3),
    ...                   pay_dates=np.array([["2026-02-01"], ["NaT"]], dtype="datetime64[D]"),
    ...                   pay_amounts=[[100_000], [0]])
    >>> out["penalty"].tolist(), out["principal"].tolist()
    ([0, 750], [0, 100000])
    """
    if (
        terms.overpayment != "next"
        or terms.rounding != "exact"
        or terms.switch is not None
        or (terms.compound and terms.compound_rate != "penalty")
    ):
        raise InputError(
            "terms",
            terms,
            "overpayment 'next', accrual_rounding 'exact', compound "
            "interest at the penalty rate and no switch (replay the others one by one)",
        )
    due = np.asarray(due, dtype="datetime64[D]")
    if due.ndim != 2:
        raise InputError("due", due.shape, "a 2-d array (agreements x instalments)")
    b, n = due.shape
    if n > 1 and not (np.diff(due.astype(np.int64), axis=1) > 0).all():
        raise InputError("due", "not increasing", "due dates strictly increasing along each row")
    start = np.asarray(start, dtype="datetime64[D]").reshape(b)
    i_s = np.asarray(interest, dtype=np.int64).reshape(b, n).copy()
    i_f = (
        i_s.copy()
        if interest_full is None
        else np.asarray(interest_full, dtype=np.int64).reshape(b, n)
    )
    p_out = np.asarray(principal, dtype=np.int64).reshape(b, n).copy()
    pay_mask = np.ones((b, n), dtype=bool) if payable is None else np.asarray(payable, dtype=bool)
    dates = np.asarray(pay_dates, dtype="datetime64[D]").reshape(b, -1)
    amounts = np.asarray(pay_amounts, dtype=np.int64).reshape(b, -1)
    order = np.argsort(
        np.where(np.isnat(dates), np.iinfo(np.int64).max, dates.astype(np.int64)),
        axis=1,
        kind="stable",
    )
    dates = np.take_along_axis(dates, order, axis=1)
    amounts = np.take_along_axis(amounts, order, axis=1)
    rates = [Fraction(r) for r in penalty_rate]
    d_year = DAY_COUNT_DENOMINATOR[terms.day_count]
    num = np.array([r.numerator for r in rates], dtype=np.int64)[:, None]
    den = np.array([r.denominator * d_year for r in rates], dtype=np.int64)[:, None]
    end = np.datetime64(as_of, "D")
    horizon = int((end - start.min()).astype(np.int64)) + 1 if b else 1
    big = int(max(1, p_out.max(initial=0), i_s.max(initial=0))) * int(num.max(initial=1)) * horizon
    dtype = (
        np.int64 if big < 2**62 else object
    )  # exact either way; object only if int64 could overflow
    z = lambda: np.zeros((b, n), dtype=dtype)  # noqa: E731
    pen_n, comp_n, wpen, wcomp, i_paid = z(), z(), z(), z(), z()
    p_out = p_out.astype(dtype)
    i_s = i_s.astype(dtype)
    credit = np.zeros(b, dtype=dtype)
    paid_on = np.where(pay_mask, np.datetime64("NaT", "D"), due).astype("datetime64[D]")
    grace = due + np.timedelta64(terms.grace_days, "D")
    begin = np.concatenate([start[:, None], due[:, :-1]], axis=1)
    t_prev = start.copy()

    cls = {k: (ci, ki) for ci, c in enumerate(terms.order) for ki, k in enumerate(c)}
    kinds = ("penalty", "compound", "interest", "principal")
    if terms.by == "class":
        cols = sorted((cls[k][0], j, cls[k][1], kk) for j in range(n) for kk, k in enumerate(kinds))
        col_kind = np.array([c[3] for c in cols])
        col_row = np.array([c[1] for c in cols])
    else:
        cols = sorted((j, cls[k][0], cls[k][1], kk) for j in range(n) for kk, k in enumerate(kinds))
        col_kind = np.array([c[3] for c in cols])
        col_row = np.array([c[0] for c in cols])
    nxt = sorted(
        (j, cls[k][0], cls[k][1], kk)
        for j in range(n)
        for kk, k in enumerate(("interest", "principal"))
    )
    nxt_kind = np.array([c[3] for c in nxt])
    nxt_row = np.array([c[0] for c in nxt])

    def accrue(tt):
        nonlocal t_prev
        late = due < tt[:, None]
        since = np.maximum(due, t_prev[:, None])
        days = np.where(late, (tt[:, None] - since).astype(np.int64), 0).astype(dtype)
        wpen[...] += p_out * num * days
        if terms.compound:
            wcomp[...] += (i_s - i_paid) * num * days
        t_prev = tt
        over = grace < tt[:, None]
        pen_n[...] += np.where(over, wpen, 0)
        comp_n[...] += np.where(over, wcomp, 0)
        wpen[over] = 0
        wcomp[over] = 0

    def allocate(owed_by_kind, kind_of, row_of, amount):
        m = np.stack(owed_by_kind, axis=1)[:, kind_of, row_of]  # (B, columns) in paying order
        before = np.cumsum(m, axis=1) - m
        got = np.minimum(m, np.maximum(0, amount[:, None] - before))
        out = [np.zeros((b, n), dtype=dtype) for _ in owed_by_kind]
        for kk in range(len(owed_by_kind)):
            sel = kind_of == kk
            out[kk][:, row_of[sel]] = got[:, sel]
        return out, got.sum(axis=1)

    for e in range(dates.shape[1]):
        t = dates[:, e]
        act = ~np.isnat(t)
        if not act.any():
            continue
        tt = np.where(act, t, t_prev)
        accrue(tt)
        due_now = due <= tt[:, None]
        pen_owed = np.where(due_now, money.div_round(pen_n, den, nonneg=True), 0)
        comp_owed = np.where(due_now, money.div_round(comp_n, den, nonneg=True), 0)
        owed = [
            pen_owed,
            comp_owed,
            np.where(due_now, i_s - i_paid, 0),
            np.where(due_now, p_out, 0),
        ]
        amount = np.where(act, amounts[:, e].astype(dtype) + credit, 0)
        (g_pen, g_comp, g_int, g_prin), used = allocate(owed, col_kind, col_row, amount)
        pen_n = np.where((g_pen == pen_owed) & (g_pen > 0), 0, pen_n - g_pen * den)
        comp_n = np.where((g_comp == comp_owed) & (g_comp > 0), 0, comp_n - g_comp * den)
        i_paid = i_paid + g_int
        p_out = p_out - g_prin
        rest = amount - used
        future = ~due_now
        (f_int, f_prin), used2 = allocate(
            [np.where(future, i_s - i_paid, 0), np.where(future, p_out, 0)], nxt_kind, nxt_row, rest
        )
        i_paid = i_paid + f_int
        p_out = p_out - f_prin
        credit = np.where(act, rest - used2, credit)
        out = i_s - i_paid + p_out
        done = (out == 0) & np.isnat(paid_on) & act[:, None]
        paid_on = np.where(done, tt[:, None], paid_on)
        cured = (out == 0) & (grace >= tt[:, None]) & act[:, None]
        wpen[cured] = 0
        wcomp[cured] = 0

    accrue(np.full(b, end, dtype="datetime64[D]"))
    due_now = due <= end
    pen = money.div_round(pen_n, den, nonneg=True)
    comp = money.div_round(comp_n, den, nonneg=True)
    i_out = np.where(due_now, i_s - i_paid, 0)
    k = np.argmax(~due_now, axis=1)
    has_k = (~due_now).any(axis=1)
    rows = np.arange(b)
    span = (due[rows, k] - begin[rows, k]).astype(np.int64)
    gone = (end - begin[rows, k]).astype(np.int64)
    full = i_f[rows, k].astype(dtype)
    acc = np.where(
        span > 0, money.div_round(full * gone, np.maximum(span, 1).astype(dtype), nonneg=True), full
    )
    cur = np.where(has_k, acc - i_paid[rows, k], 0)
    i_out[rows[has_k], k[has_k]] = cur[has_k]
    return {
        "principal": p_out.sum(axis=1),
        "overdue_principal": np.where(due_now, p_out, 0).sum(axis=1),
        "interest": i_out.sum(axis=1),
        "overdue_interest": np.where(due_now, i_s - i_paid, 0).sum(axis=1),
        "penalty": (pen + comp).sum(axis=1),
        "compound": comp.sum(axis=1),
        "credit": credit,
        "arrears": np.where(due_now, i_s - i_paid + p_out, 0).sum(axis=1),
        "paid_on": paid_on,
        "outstanding": i_s - i_paid + p_out,
    }


# ----------------------------------------------------------------------------------------
# interest for delayed performance (法释〔2014〕8号): the doubled part, by the same policy
# ----------------------------------------------------------------------------------------

#: The doubled part of interest for delayed performance: 1.75 / 10,000 of the unpaid
#: judgment debt a day (法释〔2014〕8号 Art. 1).
DELAY_RATE = Fraction(175, 1_000_000)

__all__ += ["DELAY_RATE", "delay_accrual", "delay_interest"]


def delay_accrual(debt, days, *, rounding: str = "exact"):
    r"""Doubled interest for delayed performance, as numerators over ``DELAY_RATE.denominator``.

    ``debt`` (minor units, int or integer array) is the unpaid money debt the judgment
    fixed, general interest excluded; ``days`` (int or integer array, >= 0) the days of
    delay in one stretch over which it does not change.  With :math:`r = 1.75/10{,}000`
    a day (法释〔2014〕8号 Art. 1) and the accrual-rounding policy of the ledger
    (:data:`ACCRUAL_ROUNDING`),

    .. math::

        \text{exact: } N = B\,r\,n, \qquad
        \text{per\_stretch: } N = \mathrm{round}(B\,r\,n), \qquad
        \text{per\_day: } N = n\,\mathrm{round}(B\,r),

    in minor units times ``DELAY_RATE.denominator`` (half-up); under ``"exact"`` the
    numerators are carried across stretches and rounded once, where they are stated or
    paid, as the ledger carries penalty and compound interest.

    Examples
    --------
    100,000.00 yuan unpaid for 365 days, in fen: 10,000,000 × 175/1,000,000 × 365 = 638,750.

    >>> delay_accrual(10_000_000, 365) // DELAY_RATE.denominator
    638750
    >>> delay_accrual(np.array([3, 10_000_000]), 2, rounding="per_day") // DELAY_RATE.denominator
    array([     0, 3500])
    """
    rounding = check_choice("rounding", rounding, ACCRUAL_ROUNDING)
    b, n = _whole_numbers("debt", debt), _whole_numbers("days", days)
    num, den = DELAY_RATE.numerator, DELAY_RATE.denominator
    if rounding == "exact":
        out = b * (num * n)
    elif rounding == "per_stretch":
        out = money.div_round(b * (num * n), den, nonneg=True) * den
    else:
        out = n * (money.div_round(b * num, den, nonneg=True) * den)
    return out if np.ndim(out) else int(out)


def _whole_numbers(name: str, value) -> np.ndarray:
    """An int or an integer array >= 0 (ints of at most ``MAX_DIGITS`` digits), as an array."""
    from ._validate import MAX_DIGITS

    allowed = "whole numbers >= 0 (an int or an integer array)"
    if isinstance(value, (str, bytes, Mapping)) or value is None:
        raise InputError(name, value, allowed)
    try:
        a = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(name, value, allowed) from None
    if a.dtype.kind == "O":
        for i, v in enumerate(a.flat):
            check_int(name if a.ndim == 0 else f"{name}[{i}]", v, low=0, high=10**MAX_DIGITS)
            if not isinstance(v, (int, np.integer)):
                raise InputError(name if a.ndim == 0 else f"{name}[{i}]", v, allowed)
    elif a.dtype.kind not in "iu" or np.any(a < 0):
        raise InputError(name, value, allowed)
    return a


def delay_interest(debt, start, end, *, currency: str = "CNY", rounding: str = "exact") -> Decimal:
    r"""The doubled part of interest for delayed performance (加倍部分债务利息).

    :math:`\text{debt} \times 1.75/10{,}000 \times \text{days}` from ``start`` (the end of the
    period the judgment gives for performance, Art. 2) to ``end`` (the payment, or the ruling
    on the sale or the taking in payment, Art. 3), 法释〔2014〕8号 (《最高人民法院关于执行程序中
    计算迟延履行期间的债务利息适用法律若干问题的解释》).  ``debt`` is the unpaid money debt
    the judgment fixed, general interest excluded (Art. 1); what a payment covers goes to
    the judgment debt first and to this interest last (Art. 4).  Accrued by
    :func:`delay_accrual` under the ledger's ``rounding`` policy and rounded half-up to the
    minor unit.

    Examples
    --------
    100,000 yuan unpaid for 365 days: 100,000 × 0.000175 × 365 = 6,387.50.

    >>> from datetime import date
    >>> delay_interest(100_000, date(2027, 1, 1), date(2028, 1, 1))
    Decimal('6387.50')
    >>> delay_interest("0.03", date(2027, 1, 1), date(2027, 1, 3), rounding="per_day")
    Decimal('0.00')
    """
    from ._validate import check_amount

    units = money.minor_units_for(currency)
    cents = money.to_minor(check_amount("debt", debt, allow_zero=True), units)
    a, b = check_date("start", start), check_date("end", end)
    if b < a:
        raise InputError("end", b, f"a date on or after start ({a})")
    n = delay_accrual(cents, (b - a).days, rounding=rounding)
    return money.from_minor(money.div_round(n, DELAY_RATE.denominator), units)
