"""Following up an agreed plan: payments, arrears, penalty, breach and renegotiation.

An :class:`Agreement` is a :class:`~repayplan.plans.Plan` signed on a
:class:`~repayplan.claim.Claim`, with its clauses: grace days, the penalty rate on
missed instalments and the breach (acceleration) clauses.  ``agreement.status(as_of,
payments)`` replays the payments received against the agreed schedule and returns a
:class:`Status`: one row per instalment (due, paid, what each payment went to, days past
due, state), the totals, and the agreement's state (performing, in arrears, breached with
the clause that triggered it).  ``agreement.claim(as_of, payments)`` states what is owed
then as a new :class:`~repayplan.claim.Claim`, ready for a renegotiation.

Conventions (all exact, in integer minor units)
-----------------------------------------------
* **Due dates.**  The schedule of ``plan.schedule(claim)`` is counted from the signing
  date: period 0 (what is paid at signing) is due on ``signed``, period *k* on
  ``add_months(signed, k)``.  A period with nothing to pay (a deferral month) is not an
  instalment; its interest is capitalised into the balance.
* **Grace days.**  An instalment is *late* when it is not paid in full (interest and
  principal) by the end of ``due + grace_days``; a payment on that day is in time.  Grace
  days decide lateness only: penalty interest runs from the due date, and is waived when
  the instalment is paid in full within the grace days, as the People's Bank treats
  payments within a card issuer's grace period as made on time (《中国人民银行关于信用卡业务
  有关事项的通知》 银发〔2016〕111号 三(三): 还款宽限期内还款视同按时还款).  If the grace
  days pass without full payment, penalty is charged from the due date.
* **Penalty.**  From the day after the due date, the unpaid principal part of an
  instalment bears penalty interest at the agreement's penalty rate, and where the rule set
  says so (``compound_interest``) its unpaid interest part bears compound interest at the
  same rate (银发〔2003〕251号 三).  Accrual is daily on the rule set's day count (ACT/360,
  银发〔2005〕129号), ``amount × rate × days / 360``, by the one ledger
  (:func:`repayplan.ledger.replay`, shared with :meth:`repayplan.Loan.claim`): carried
  exactly and rounded half-up once where it is stated, unless the agreement's
  ``accrual_rounding`` says per stretch or per day.  The default penalty rate is the plan's
  rate with the claim's penalty markup (cn-bank: +30 % to +50 %); for an interest-free plan
  the original contract's penalty rate.
* **Allocation.**  A payment first pays what is due on its date (instalments, penalty
  and compound interest) in the rule set's order by :func:`repayplan.rules.allocate_minor`
  (Civil Code Art. 561 by default: interest with penalty and compound interest before
  principal, the oldest first).  What is left (``overpayment``) goes to the next
  instalments, each in full in turn (``"next"``, the default), or pays the interest accrued
  to date and reduces the principal of the remaining instalments pro rata, keeping the
  term (``"principal"``).  Beyond the whole debt it is held as ``credit``.  Every payment is
  accounted for once: ``paid == allocated + credit``.
* **Breach.**  An instalment is *missed* when it is not paid in full within its grace
  days.  The clauses (:class:`ConsecutiveMisses`, :class:`DaysPastDue`,
  :class:`CumulativeShortfall`) are judged from the payment history; the first to trigger
  gives the breach date.  The default clause is two consecutive missed instalments (or a
  missed last instalment, which no later one can follow).  A breach does not accelerate the
  schedule by itself (that is the creditor's decision); :meth:`Agreement.claim` states the
  whole balance anyway, with conditional waivers revoked.

The package
-----------
* :mod:`repayplan.tracking.clauses`: the breach clauses and the payment history they judge;
* :mod:`repayplan.tracking.agreement`: :class:`Agreement`, its :class:`Status` and the
  restructured-asset :class:`Observation` period;
* :mod:`repayplan.tracking.statement`: the :class:`Statement` (text, HTML, CSV);
* :mod:`repayplan.tracking.batch`: :func:`figures_many` and :func:`status_many` for a register.

Every name is importable from ``repayplan.tracking`` as before.
"""

from __future__ import annotations

from .agreement import INSTALMENT_STATES, OVERPAYMENT, STATES, Agreement, Observation, Status
from .batch import figures_many, status_many
from .clauses import Breach, ConsecutiveMisses, CumulativeShortfall, DaysPastDue
from .clauses import (
    read_clauses as read_clauses,  # not in __all__; repayplan.register reads clauses
)
from .statement import Statement

__all__ = [
    "Agreement",
    "Status",
    "Breach",
    "Observation",
    "Statement",
    "ConsecutiveMisses",
    "DaysPastDue",
    "CumulativeShortfall",
    "STATES",
    "INSTALMENT_STATES",
    "OVERPAYMENT",
    "figures_many",
    "status_many",
]
