"""Case files: one negotiation saved as TOML (for people) or JSON (for programs).

A :class:`Case` bundles everything a negotiation needs: the parties, the claim (stated, or
computed from the loan and its payment history), the borrower's cash flow (a seeded
projection or monthly data), the creditor's settings and the named candidate plans.
``Case.load(path)`` reads a file and reports *every* problem in it with its location;
``case.save(path)`` writes it back atomically, and saving then loading gives an equal case.

The schema (TOML; JSON has the same structure)
-----------------------------------------------
::

    format_version = 1                 # optional; this module reads version 1
    title = "..."                      # optional
    rules = "cn-bank"                  # the case's rule set; default the claim's
    notes = "..."                      # optional

    [borrower]                         # a Party: name (required), other_name,
    name = "华东精密机械有限公司"        # registration, address, representative
    other_name = "Huadong Precision Machinery Co., Ltd."
    discount_rate = 0.12               # optional: the borrower's side of the bargain
    going_concern_loss = 300000.00     # (repayplan.evaluate.Borrower)

    [creditor]                         # a Party, plus the creditor's settings
    name = "..."
    discount_rate = 0.06               # annual, as a fraction (default 0.06)
    [creditor.enforcement]             # the creditor's alternative to agreeing
    recovery_rate = 0.55               # (the quick form; ignored when [security] is
    delay_months = 18                  # given)
    costs = 60000.00

    [loan]                             # EITHER the loan and its history ...
    principal = 1200000.00             # every keyword of repayplan.Loan
    annual_rate = 0.0435
    periods = 12
    start = 2025-03-20
    method = "interest_only"
    penalty_markup = 0.5
    payments = [{date = 2025-04-20, amount = 4350.00}, ...]
    costs = [...]                      # optional, same form
    fees = [...]                       # optional, same form
    options = {grace = 3}              # optional further amortize keywords
    [claim]                            # ... and the date the claim is computed on
    as_of = 2026-06-30
    accelerated = 2026-01-05           # optional: the loan was declared due in full

    [claim]                            # OR the claim stated directly: every keyword
    principal = 1200000.00             # of repayplan.Claim (principal, annual_rate and
    annual_rate = 0.0435               # as_of required)
    as_of = 2026-06-30

    [cashflow]                         # EITHER a seeded projection (CashFlow.project) ...
    base = 38000.00
    months = 72
    start = "2026-07"                  # the first month, YYYY-MM
    trend = -0.15
    seasonality = [0.7, 0.6, ...]      # 12 weights summing to 12
    volatility = 0.25
    scenarios = 500
    seed = 2026                        # required: a saved case reloads to the same cash
    buffer = 150000.00
    minimum_cash = 60000.00
    [[cashflow.shocks]]                # every keyword of repayplan.Shock
    probability = 0.25
    impact = 0.35

    [cashflow]                         # ... OR monthly data from the first month on
    start = "2026-07"
    values = [45000.0, 47000.5, ...]   # one path; [[...], [...]] for scenarios
    buffer = 150000.00
    minimum_cash = 60000.00
    [cashflow.source]                  # optional: where the data came from
    kind = "history"                   # data, statement, accounts, history, projection
    description = "forecast from 36 months of history 2023-07..2026-06 (bank statement ...)"
    model = "ETS(A,Ad,A) on ln(cash), statsmodels ETSModel, ..."
    calibration = "conformal: band widened x1.24 from 6 rolling backtests ..."
    history_start = "2023-07"          # the history the forecast was fitted to
    history = [41000.0, ...]
    notes = ["..."]
    overrides = ["loss of main customer: cash -35% from 2027-03 (probability 100%)"]
    [cashflow.source.backtest]         # optional figures: coverage_90 = 0.9, mape = 0.08 ...

    [[plans]]                          # each candidate plan: a name and every
    name = "Bank proposal"             # keyword of repayplan.Plan
    term = 36

    [negotiation]                      # optional: how Case.negotiate / `repayplan
    objective = "nash"                 # suggest` search (objective, beta, seed)
    seed = 1
    [negotiation.constraints]          # any field of repayplan.negotiate.Constraints;
    max_term = 84                      # "none" lifts one that has a default
    min_dscr = "none"

    [security]                         # optional: the alternative built from what secures
    unsecured_recovery = 0.05          # the claim (Enforcement.from_security)
    scenarios = 1000
    seed = 17                          # required unless exact = true
    [security.procedure]               # any field of repayplan.security.Procedure
    lawyer_fee = 40000.00
    [[security.collateral]]            # every keyword of repayplan.Collateral
    name = "factory"
    kind = "real_estate"
    appraisal = 1650000.00
    [[security.guarantees]]            # every keyword of repayplan.Guarantee
    name = "Chen Jianguo"
    capacity = 600000.00

    [[meeting]]                        # optional record of the meeting: a table
    date = 2026-07-08                  # per entry; ``date`` is a date, the other
    text = "..."                       # values text, whole numbers or true/false

The full description is in ``docs/case-files.md``.

Numbers and money
-----------------
Money is exact.  In TOML an amount is written as a decimal literal (``1200000.00``) and
read with :class:`decimal.Decimal` (``tomllib.loads(..., parse_float=Decimal)``), so what
is written is what is read, digit for digit; a quoted string (``"1200000.00"``) is
accepted too.  JSON is read the same way (``json.loads(..., parse_float=Decimal)``), and
written with every Decimal (money, the claim's rates) as a string, because other programs
read JSON numbers as binary floats.  Rates, shares and cash-flow values that the library
holds as floats are written by their shortest ``repr``, which reads back to the same float.
:meth:`Case.dumps` writes TOML with `tomli-w <https://github.com/hukkin/tomli-w>`_: the same
document the reader takes, without comments (a small Decimal may come out with an exponent,
``1e-7``, which reads back to the same Decimal, digits and exponent).

The package
-----------
``model`` (:class:`Party`, :class:`Projection`, :class:`Settings`, :class:`Case`,
:class:`CaseError`), ``schema`` (the shape of the document as pydantic models: tables,
keys, required keys, arrays of tables; unknown keys refused with the key named), ``read``
(text -> document -> schema -> value objects -> Case) and ``write`` (Case -> document ->
TOML with tomli-w, or JSON).  :meth:`Case.json_schema` gives the JSON Schema of the
document (pydantic's).  The schema, and pydantic, are imported when a case is first read,
not with the package.

Problems are reported with their location: ``plans[2]`` is the third ``[[plans]]`` table
(counting from 0), ``loan.payments[0].date`` the date of the first payment.
"""

# ``X as X``: names importable from here as before the package (show_value and write_atomic
# are used by the command line and the dashboard, _toml_dumps by the tests)
from .._io import write_atomic as write_atomic
from .model import (
    FORMAT_VERSION,
    FORMATS,
    Case,
    CaseError,
    Party,
    Projection,
    Settings,
)
from .model import MAX_CASE_CHARS as MAX_CASE_CHARS
from .model import MAX_DEPTH as MAX_DEPTH
from .model import sample_text as sample_text
from .model import show_value as show_value
from .write import toml_dumps

_toml_dumps = toml_dumps  # the tests' name for the TOML writer

__all__ = ["Case", "CaseError", "Party", "Projection", "Settings", "FORMAT_VERSION", "FORMATS"]
