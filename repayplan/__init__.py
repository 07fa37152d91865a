"""repayplan: negotiate repayment plans on overdue loans.

Cent-exact schedules (:func:`amortize`), what is owed (:class:`Loan`, :class:`Claim`),
the options on the table (:class:`Plan`), the borrower's cash flow (:class:`CashFlow`),
what each plan does to both sides (:func:`evaluate`, :func:`compare`), and the search for
plans that balance them (:func:`negotiate`).

``import repayplan`` loads only the errors; every other name is imported from its module
when first used (:pep:`562`), so a script that needs a schedule does not pay for the
report writers or the case file.
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING

from . import errors
from .errors import InfeasibleError, InputError, RepayplanError, RuleViolation

__version__ = "0.1.0"

if TYPE_CHECKING:  # what the lazy names are, for type checkers and the documentation's resolver
    from . import portfolio, report, rules, statements
    from .case import Case, CaseError, Party, Projection, Settings
    from .cashflow import CashFlow, Shock
    from .claim import Claim, Loan
    from .compare import Comparison, compare
    from .concessions import break_even, concessions
    from .evaluate import Borrower, Creditor, Enforcement, Evaluation, evaluate
    from .money import amount_in_words
    from .negotiate import Constraints, Negotiation, Range, SearchSpace, Waterfall, negotiate
    from .plans import Plan
    from .register import Register as Register  # on request (SQLAlchemy), not in __all__
    from .report import comparison_sheet
    from .schedule import Schedule, amortize, amortize_many
    from .security import Collateral, Guarantee, Security, court_fees
    from .tracking import (
        Agreement,
        Breach,
        ConsecutiveMisses,
        CumulativeShortfall,
        DaysPastDue,
        Observation,
        Statement,
        Status,
    )

#: Each public name and the module it comes from, in the order of ``__all__``; a name equal to
#: its module (``"report": "report"``) is the submodule itself, unless the module defines a
#: function of its own name (``evaluate``, ``compare``, ``negotiate``, ``concessions``): then the
#: package's name is that function, as it always was.
_LAZY = {
    "Schedule": "schedule",
    "amortize": "schedule",
    "amortize_many": "schedule",
    "rules": "rules",
    "CashFlow": "cashflow",
    "Shock": "cashflow",
    "Claim": "claim",
    "Loan": "claim",
    "Plan": "plans",
    "amount_in_words": "money",
    "Comparison": "compare",
    "compare": "compare",
    "Creditor": "evaluate",
    "Enforcement": "evaluate",
    "Evaluation": "evaluate",
    "evaluate": "evaluate",
    "Borrower": "evaluate",
    "Constraints": "negotiate",
    "Negotiation": "negotiate",
    "Range": "negotiate",
    "SearchSpace": "negotiate",
    "Waterfall": "negotiate",
    "negotiate": "negotiate",
    "break_even": "concessions",
    "concessions": "concessions",
    "Agreement": "tracking",
    "Breach": "tracking",
    "ConsecutiveMisses": "tracking",
    "CumulativeShortfall": "tracking",
    "DaysPastDue": "tracking",
    "Observation": "tracking",
    "Statement": "tracking",
    "Status": "tracking",
    "Collateral": "security",
    "Guarantee": "security",
    "Security": "security",
    "court_fees": "security",
    "report": "report",
    "comparison_sheet": "report",
    "Case": "case",
    "CaseError": "case",
    "Party": "case",
    "Projection": "case",
    "Settings": "case",
    "portfolio": "portfolio",
    "statements": "statements",  # bank statements and accounts; no statsmodels
}

#: Loaded only when asked for, and not in ``__all__``: the Jupyter front end and the case
#: register (SQLAlchemy).
_ON_REQUEST = {"notebook": "notebook", "Register": "register"}

#: Submodules that ``dir(repayplan)`` has always listed (an eager ``__init__`` had loaded them).
_SUBMODULES = (
    "_io",
    "_validate",
    "_words",
    "calendar",
    "case",
    "cashflow",
    "claim",
    "kernel",
    "ledger",
    "money",
    "plans",
    "schedule",
    "security",
    "tracking",
)

#: Names that are both a submodule and that submodule's main function.
_SHADOWED = frozenset({"compare", "evaluate", "negotiate", "concessions"})

__all__ = [
    "errors",
    "InfeasibleError",
    "InputError",
    "RepayplanError",
    "RuleViolation",
    "Schedule",
    "amortize",
    "amortize_many",
    "rules",
    "CashFlow",
    "Shock",
    "Claim",
    "Loan",
    "Plan",
    "amount_in_words",
    "Comparison",
    "compare",
    "Creditor",
    "Enforcement",
    "Evaluation",
    "evaluate",
    "Borrower",
    "Constraints",
    "Negotiation",
    "Range",
    "SearchSpace",
    "Waterfall",
    "negotiate",
    "break_even",
    "concessions",
    "Agreement",
    "Breach",
    "ConsecutiveMisses",
    "CumulativeShortfall",
    "DaysPastDue",
    "Observation",
    "Statement",
    "Status",
    "Collateral",
    "Guarantee",
    "Security",
    "court_fees",
    "report",
    "comparison_sheet",
    "Case",
    "CaseError",
    "Party",
    "Projection",
    "Settings",
    "portfolio",
    "statements",
]  # the eager names, then every key of _LAZY (tests/test_lazy_import.py checks they agree)


class _Package(types.ModuleType):
    # Importing ``repayplan.negotiate`` (the module) sets the package attribute ``negotiate``
    # to the module; the package's ``negotiate`` is the function, whoever imports the module
    # first and when, so the module is swapped for its function here.
    def __setattr__(self, name: str, value: object) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


def __getattr__(name: str) -> object:
    module = _LAZY.get(name) or _ON_REQUEST.get(name)
    if module is None and name in _SUBMODULES:
        module = name
    if module is None:
        raise AttributeError(f"module 'repayplan' has no attribute {name!r}")
    loaded = importlib.import_module(f".{module}", __name__)
    value = loaded if name == module and name not in _SHADOWED else getattr(loaded, name)
    globals()[name] = value  # found in the module's namespace from now on
    return value


def __dir__() -> list[str]:
    shown = {n for n in globals() if n.startswith("__") and n != "__dir__"}
    return sorted(shown | set(__all__) | set(_SUBMODULES))


sys.modules[__name__].__class__ = _Package
