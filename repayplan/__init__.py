"""repayplan: negotiate repayment plans on overdue loans.

Cent-exact schedules (:func:`amortize`), what is owed (:class:`Loan`, :class:`Claim`),
the options on the table (:class:`Plan`), the borrower's cash flow (:class:`CashFlow`),
what each plan does to both sides (:func:`evaluate`, :func:`compare`), and the search for
plans that balance them (:func:`negotiate`).
"""

from . import errors
from .errors import InfeasibleError, InputError, RepayplanError, RuleViolation

__version__ = "0.1.0"

__all__ = [
    "errors",
    "InfeasibleError",
    "InputError",
    "RepayplanError",
    "RuleViolation",
]

from .schedule import Schedule, amortize, amortize_many  # noqa: E402

__all__ += ["Schedule", "amortize", "amortize_many"]

from . import rules  # noqa: E402
from .cashflow import CashFlow, Shock  # noqa: E402
from .claim import Claim, Loan  # noqa: E402
from .money import amount_in_words  # noqa: E402
from .plans import Plan  # noqa: E402

__all__ += ["rules", "CashFlow", "Shock", "Claim", "Loan", "Plan", "amount_in_words"]

from .compare import Comparison, compare  # noqa: E402
from .evaluate import Creditor, Enforcement, Evaluation, evaluate  # noqa: E402

__all__ += ["Comparison", "compare", "Creditor", "Enforcement", "Evaluation", "evaluate"]

from .evaluate import Borrower  # noqa: E402
from .negotiate import Constraints, Negotiation, Range, SearchSpace, Waterfall, negotiate  # noqa: E402

__all__ += ["Borrower", "Constraints", "Negotiation", "Range", "SearchSpace", "Waterfall", "negotiate"]

from .concessions import break_even, concessions  # noqa: E402  (rp.concessions is the function)

__all__ += ["break_even", "concessions"]

from .tracking import (  # noqa: E402
    Agreement,
    Breach,
    ConsecutiveMisses,
    CumulativeShortfall,
    DaysPastDue,
    Observation,
    Statement,
    Status,
)

__all__ += ["Agreement", "Breach", "ConsecutiveMisses", "CumulativeShortfall", "DaysPastDue", "Observation",
            "Statement", "Status"]

from .security import Collateral, Guarantee, Security, court_fees  # noqa: E402

__all__ += ["Collateral", "Guarantee", "Security", "court_fees"]

from . import report  # noqa: E402

__all__ += ["report"]

from .report import comparison_sheet  # noqa: E402

__all__ += ["comparison_sheet"]

from .case import Case, CaseError, Party, Projection, Settings  # noqa: E402

__all__ += ["Case", "CaseError", "Party", "Projection", "Settings"]


def __getattr__(name):
    # the notebook front end needs Jupyter; import it only when asked for (rp.notebook)
    if name == "notebook":
        import importlib

        return importlib.import_module(".notebook", __name__)
    if name == "Register":  # the case register needs SQLAlchemy: loaded when first used
        from .register import Register

        return Register
    raise AttributeError(f"module 'repayplan' has no attribute {name!r}")

from . import portfolio  # noqa: E402

__all__ += ["portfolio"]

from . import statements  # noqa: E402  (bank statements and accounts; no statsmodels)

__all__ += ["statements"]
