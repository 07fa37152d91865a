"""The shape of a case file, declared as pydantic models, and its located problems.

Each table of a case file is a :class:`Table`: its keys (in the order the messages list
them), which are required, which hold further tables (``[creditor.enforcement]``), arrays of
tables (``[[plans]]``), arrays or flags.  Unknown keys are refused with the key named.  The
values themselves (amounts, rates, dates, names ...) are declared :data:`Value` and pass
through untouched, digit for digit (a TOML ``1200000.00`` stays ``Decimal('1200000.00')``;
pydantic converts nothing): the value objects the reader builds from them (``Loan``,
``Claim``, ``Plan``, ``CashFlow`` ...) check them once, with their own messages.

:func:`check` validates a parsed document with `pydantic <https://docs.pydantic.dev>`_ and
maps each of its located errors to the message of a case file: the location ``loc`` joined
as ``plans[2].colour``, the value as written, what is allowed::

    plans[3].colour: is not a key of [plans]; allowed: method, term, annual_rate, ...
    borrower: "Acme" is not a table [borrower] with name = "..."
    cashflow.seed: is missing (required)

It returns a copy of the document with the parts it refused removed, so that the reader
checks every remaining value and reports all problems at once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError, WrapValidator, create_model
from pydantic_core import PydanticCustomError

from ..cashflow import Shock
from ..evaluate import Borrower
from ..negotiate import Constraints
from ..plans import Plan
from ..security import Collateral, Guarantee, Procedure
from .model import FORMAT_VERSION, Party, show_value

__all__ = ["Document", "check", "json_schema"]

#: A value checked by the value object it goes to (the schema passes it through as read).
Value = Any
_ABSENT: Any = None  # the default of an optional key (never validated, never used)


# ----------------------------------------------------------------------------------------
# kinds of values the schema checks itself
# ----------------------------------------------------------------------------------------
def _kind(check: Callable[[Any], bool], error: str, message: str):
    def validate(value, handler):
        if not check(value):
            raise PydanticCustomError(error, message)
        return handler(value)

    return WrapValidator(validate)


def _is_list(v) -> bool:
    return isinstance(v, list)


_TABLES = _kind(_is_list, "not_tables", "is not an array of tables")
#: An array: a TOML array, a JSON list.
Array = Annotated[list[Any], _kind(_is_list, "not_array", "is not an array")]
#: ``true`` or ``false`` (not 1, not "yes").
Flag = Annotated[Any, _kind(lambda v: isinstance(v, bool), "not_flag", "is not true or false")]


def _mapping(what: str):
    return Annotated[Any, _kind(lambda v: isinstance(v, Mapping), "not_table", f"is not {what}")]


class Table(BaseModel):
    """A table of a case file: only its declared keys; ``what`` names it in messages."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    what: ClassVar[str] = "a table"


def _table_of(
    name: str,
    *classes,
    what: str = "a table",
    required: tuple[str, ...] = (),
    flags: bool = False,
    extra: tuple[tuple[str, Any], ...] = (),
) -> type[Table]:
    """The table of value objects' keywords: one key per dataclass field of ``classes``.

    The table follows the value objects: a field added to ``Plan`` is a key of ``[[plans]]``.
    ``flags``: a field whose default is ``True``/``False`` must be true or false.
    """
    fields: dict[str, Any] = {}
    for f in (f for cls in classes for f in dataclasses.fields(cls)):
        kind = Flag if flags and isinstance(f.default, bool) else Value
        fields[f.name] = (kind, ... if f.name in required else _ABSENT)
    fields.update(extra)
    model = create_model(name, __base__=Table, **fields)
    model.what = what
    return model


# ----------------------------------------------------------------------------------------
# the tables
# ----------------------------------------------------------------------------------------
class Enforcement(Table):
    """``[creditor.enforcement]``: the quick form of the creditor's alternative."""

    recovery_rate: Value = _ABSENT
    delay_months: Value = _ABSENT
    costs: Value = _ABSENT


#: ``[borrower]``: a party, and the borrower's side of the bargain (repayplan.evaluate.Borrower).
BorrowerTable = _table_of(
    "BorrowerTable",
    Party,
    Borrower,
    what='a table [borrower] with name = "..."',
    required=("name",),
)
#: ``[creditor]``: a party, its discount rate and [creditor.enforcement].
CreditorTable = _table_of(
    "CreditorTable",
    Party,
    what='a table [creditor] with name = "..."',
    required=("name",),
    extra=(("discount_rate", (Value, _ABSENT)), ("enforcement", (Enforcement, _ABSENT))),
)


class DatedAmount(Table):
    """One row of ``loan.payments``, ``loan.costs`` or ``loan.fees``."""

    what: ClassVar[str] = "a table {date = YYYY-MM-DD, amount = ...}"
    date: Value
    amount: Value


_Rows = Annotated[list[DatedAmount], _TABLES]


class LoanTable(Table):
    """``[loan]``: every keyword of :class:`repayplan.Loan`, and its history."""

    principal: Value
    annual_rate: Value
    periods: Value
    start: Value
    method: Value = _ABSENT
    frequency: Value = _ABSENT
    day_count: Value = _ABSENT
    penalty_rate: Value = _ABSENT
    penalty_markup: Value = _ABSENT
    rules: Value = _ABSENT
    currency: Value = _ABSENT
    signed: Value = _ABSENT
    product: Value = _ABSENT
    accrual_day_count: Value = _ABSENT
    options: _mapping("a table of further amortize keywords") = _ABSENT  # type: ignore[valid-type]
    accrual_rounding: Value = _ABSENT
    payments: _Rows = _ABSENT
    costs: _Rows = _ABSENT
    fees: _Rows = _ABSENT


class ClaimDate(Table):
    """``[claim]`` beside a ``[loan]``: the date the claim is computed on."""

    what: ClassVar[str] = "a table [claim] with as_of = YYYY-MM-DD"
    as_of: Value
    accelerated: Value = _ABSENT


class ClaimTable(Table):
    """``[claim]`` stated directly: every keyword of :class:`repayplan.Claim`."""

    principal: Value
    overdue_principal: Value = _ABSENT
    interest: Value = _ABSENT
    overdue_interest: Value = _ABSENT
    penalty: Value = _ABSENT
    compound: Value = _ABSENT
    fees: Value = _ABSENT
    enforcement_costs: Value = _ABSENT
    credit: Value = _ABSENT
    annual_rate: Value
    penalty_rate: Value = _ABSENT
    penalty_markup: Value = _ABSENT
    as_of: Value
    currency: Value = _ABSENT
    rules: Value = _ABSENT
    accrual_day_count: Value = _ABSENT
    contract_date: Value = _ABSENT
    maturity: Value = _ABSENT
    term_months: Value = _ABSENT
    product: Value = _ABSENT
    accelerated: Value = _ABSENT
    accrual_rounding: Value = _ABSENT


#: ``[[cashflow.shocks]]``: every keyword of :class:`repayplan.Shock`.
ShockTable = _table_of("ShockTable", Shock, required=("probability", "impact"))


class Projection(Table):
    """``[cashflow]`` as a seeded projection (:meth:`repayplan.CashFlow.project`)."""

    what: ClassVar[str] = "a table [cashflow]"
    base: Value
    months: Value
    trend: Value = _ABSENT
    seasonality: Value = _ABSENT
    volatility: Value = _ABSENT
    scenarios: Value = _ABSENT
    shocks: Annotated[list[ShockTable], _TABLES] = _ABSENT  # type: ignore[valid-type]
    seed: Value
    start: Value = _ABSENT
    buffer: Value = _ABSENT
    minimum_cash: Value = _ABSENT
    persistence: Value = _ABSENT
    currency: Value = _ABSENT


class Source(Table):
    """``[cashflow.source]``: where monthly data came from (repayplan.cashflow.Provenance)."""

    kind: Value
    description: Value = _ABSENT
    model: Value = _ABSENT
    calibration: Value = _ABSENT
    history_start: Value = _ABSENT
    history: Array = _ABSENT
    backtest: _mapping("a table") = _ABSENT  # type: ignore[valid-type]
    notes: Array = _ABSENT
    overrides: Array = _ABSENT


class Data(Table):
    """``[cashflow]`` as monthly data from the first month on."""

    what: ClassVar[str] = (
        "a table [cashflow] with base = ... (a projection) or values = [...] (data)"
    )
    start: Value
    values: Value
    buffer: Value = _ABSENT
    minimum_cash: Value = _ABSENT
    currency: Value = _ABSENT
    source: Source = _ABSENT


#: ``[[plans]]``: a name and every keyword of :class:`repayplan.Plan`.
PlanTable = _table_of(
    "PlanTable", Plan, what='a table [[plans]] with name = "..."', required=("name",)
)
#: ``[negotiation.constraints]``: any field of :class:`repayplan.negotiate.Constraints`.
ConstraintsTable = _table_of("ConstraintsTable", Constraints, flags=True)


class Negotiation(Table):
    """``[negotiation]``: how :meth:`Case.negotiate` searches."""

    objective: Value = _ABSENT
    beta: Value = _ABSENT
    seed: Value = _ABSENT
    constraints: ConstraintsTable = _ABSENT  # type: ignore[valid-type]


#: ``[[security.collateral]]``: every keyword of :class:`repayplan.Collateral`.
CollateralTable = _table_of("CollateralTable", Collateral, required=("name", "appraisal", "kind"))
#: ``[[security.guarantees]]``: every keyword of :class:`repayplan.Guarantee`.
GuaranteeTable = _table_of("GuaranteeTable", Guarantee, required=("name", "capacity"))
#: ``[security.procedure]``: any field of :class:`repayplan.security.Procedure`.
ProcedureTable = _table_of("ProcedureTable", Procedure)


class SecurityTable(Table):
    """``[security]``: what secures the claim (Enforcement.from_security)."""

    collateral: Annotated[list[CollateralTable], _TABLES] = _ABSENT  # type: ignore[valid-type]
    guarantees: Annotated[list[GuaranteeTable], _TABLES] = _ABSENT  # type: ignore[valid-type]
    unsecured_recovery: Value = _ABSENT
    procedure: ProcedureTable = _ABSENT  # type: ignore[valid-type]
    scenarios: Value = _ABSENT
    seed: Value = _ABSENT
    exact: Flag = _ABSENT


#: ``[[meeting]]``: one entry of the record, any keys (checked by the case: text keys, values
#: that are text, whole numbers, true/false).
MeetingEntry = _mapping("a mapping (a [[meeting]] table)")


class Document(Table):
    """A case file: its top-level keys and tables.

    ``claim`` and ``cashflow`` take one of two shapes each (:class:`ClaimDate` beside a
    ``[loan]``, else :class:`ClaimTable`; :class:`Projection` or :class:`Data`), chosen by
    :func:`check`.  The values pass through as they were read:

    Examples
    --------
    >>> doc = Document.model_validate({"borrower": {"name": "Acme Ltd"},
    ...                                "creditor": {"name": "First Bank", "discount_rate": "0.06"},
    ...                                "claim": {}, "cashflow": {}})
    >>> doc.borrower.name, doc.creditor.discount_rate
    ('Acme Ltd', '0.06')
    """

    what: ClassVar[str] = "a case (a table)"
    format_version: Value = _ABSENT
    title: Value = _ABSENT
    contract: Value = _ABSENT
    rules: Value = _ABSENT
    notes: Value = _ABSENT
    borrower: BorrowerTable  # type: ignore[valid-type]
    creditor: CreditorTable  # type: ignore[valid-type]
    loan: LoanTable = _ABSENT
    claim: Value
    cashflow: Value
    plans: Annotated[list[PlanTable], _TABLES] = _ABSENT  # type: ignore[valid-type]
    negotiation: Negotiation = _ABSENT
    meeting: Annotated[list[MeetingEntry], _TABLES] = _ABSENT  # type: ignore[valid-type]
    security: SecurityTable = _ABSENT


# ----------------------------------------------------------------------------------------
# checking a document
# ----------------------------------------------------------------------------------------
GONE = object()  # an item of an array the schema refused (the reader skips it)


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = str(part)
            out = part if not out else (f"{out}{part}" if part.startswith("[") else f"{out}.{part}")
    return out


def _model_at(model: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """The table model at ``path`` (array indices included) below ``model``."""
    for part in path:
        if isinstance(part, int):
            continue  # an item of an array of tables: the array's model, found below
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        kind = info.annotation
        args = getattr(kind, "__args__", ())
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            model = kind
        elif args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            model = args[0]
        else:
            return None
    return model


def _located(error: Mapping, prefix: tuple) -> str:
    loc = prefix + tuple(error["loc"])
    if error["type"] == "invalid_key":  # a key that is not text (5 = ...): named as it is
        table = _where(loc[:-1])
        return f"{table}.{loc[-1]}" if table else str(loc[-1])
    return _where(loc)


def _message(error: Mapping, model: type[BaseModel], prefix: tuple) -> str:
    """The case-file message of one pydantic error of ``model`` (validated at ``prefix``)."""
    kind, loc = error["type"], tuple(error["loc"])
    if kind in ("extra_forbidden", "invalid_key"):
        table = _where(prefix + loc[:-1])
        where = f"[{table.split('[')[0]}]" if table else "a case file"
        owner = _model_at(model, loc[:-1])
        allowed = ", ".join(owner.model_fields) if owner is not None else ""
        return f"is not a key of {where}; allowed: {allowed}"
    if kind == "missing":
        return "is missing (required)"
    if kind == "model_type":
        target = _model_at(model, loc)
        what = getattr(target, "what", "a table")
        return f"{show_value(error['input'])} is not {what}"
    if kind == "not_tables":
        where = _where(prefix + loc)
        return f"{show_value(error['input'])} is not an array of tables ([[{where}]])"
    if kind.startswith("not_"):
        return f"{show_value(error['input'])} {error['msg']}"
    return f"{show_value(error['input'])} is not valid ({error['msg']})"


def _copy(value):
    """The containers of a document copied (so that refused parts can be removed)."""
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _remove(doc, loc: tuple) -> None:
    parent = doc
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return  # already removed with what held it
    last = loc[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = GONE


def _validate(model, data, prefix: tuple, problems: list, doc, flawed: set) -> None:
    try:
        model.model_validate(data)
    except ValidationError as e:
        refused = []
        for error in e.errors(include_url=False):
            loc = tuple(error["loc"])
            problems.append((_located(error, prefix), _message(error, model, prefix)))
            if error["type"] == "missing":
                flawed.add(_where(prefix + loc[:-1]))  # a table without a required key
            else:
                refused.append(prefix + loc)
                flawed.add(_where(prefix + loc))
        for loc in sorted(refused, key=len, reverse=True):
            if loc:
                _remove(doc, loc)


def check(data) -> tuple[Any, list[tuple[str, str]], set[str]]:
    """Validate a parsed case file against the schema.

    Returns
    -------
    doc : dict or None
        A copy of ``data`` without what the schema refused (unknown keys, values of the
        wrong kind; an array item refused is :data:`GONE`); None if ``data`` is not a table.
    problems : list of (location, message)
        In the order of the document.
    flawed : set of str
        The locations of the refused values and of the tables that miss a required key:
        the reader does not build them.

    ``[claim]`` is a :class:`ClaimDate` when the file has a ``[loan]``, else a
    :class:`ClaimTable`; ``[cashflow]`` is a :class:`Projection` when it has ``base``, else
    :class:`Data` (never both).

    Examples
    --------
    >>> doc, problems, flawed = check({"borrower": {"name": "Acme", "colour": "red"},
    ...                                "creditor": "First Bank", "claim": {}, "cashflow": {}})
    >>> for where, message in problems:
    ...     print(f"{where}: {message}")
    borrower.colour: is not a key of [borrower]; allowed: name, other_name, registration, address, representative, account, discount_rate, going_concern_loss
    creditor: "First Bank" is not a table [creditor] with name = "..."
    claim.principal: is missing (required)
    claim.annual_rate: is missing (required)
    claim.as_of: is missing (required)
    cashflow.start: is missing (required)
    cashflow.values: is missing (required)
    >>> doc["borrower"], "creditor" in doc
    ({'name': 'Acme'}, False)
    """
    problems: list[tuple[str, str]] = []
    flawed: set[str] = set()
    if not isinstance(data, Mapping):
        return None, [("", f"{show_value(data)} is not {Document.what}")], {""}
    doc = _copy(data)
    _validate(Document, data, (), problems, doc, flawed)
    claim = data.get("claim")
    if isinstance(claim, Mapping):
        claim_shape: type[Table] = ClaimDate if "loan" in data else ClaimTable
        _validate(claim_shape, claim, ("claim",), problems, doc, flawed)
    elif "claim" in data:
        what = ClaimDate.what if "loan" in data else ClaimTable.what
        problems.append(("claim", f"{show_value(claim)} is not {what}"))
        _remove(doc, ("claim",))
        flawed.add("claim")
    cash = data.get("cashflow")
    if isinstance(cash, Mapping):
        if "base" in cash and "values" in cash:
            problems.append(
                ("cashflow", "has both base (a projection) and values (data); give one")
            )
            _remove(doc, ("cashflow",))
            flawed.add("cashflow")
        else:
            cash_shape: type[Table] = Projection if "base" in cash else Data
            _validate(cash_shape, cash, ("cashflow",), problems, doc, flawed)
    elif "cashflow" in data:
        problems.append(("cashflow", f"{show_value(cash)} is not {Projection.what}"))
        _remove(doc, ("cashflow",))
        flawed.add("cashflow")
    top = {k: i for i, k in enumerate(Document.model_fields)}  # in the order of the document
    problems.sort(key=lambda p: top.get(re.split(r"[.\[]", p[0], maxsplit=1)[0], -1))
    return doc, problems, flawed


def _no_defaults(node):
    """The schema without ``"default": null`` (an optional key has no default in the file)."""
    if isinstance(node, dict):
        return {k: _no_defaults(v) for k, v in node.items() if not (k == "default" and v is None)}
    if isinstance(node, list):
        return [_no_defaults(v) for v in node]
    return node


def json_schema() -> dict:
    """The JSON Schema of a case file (as pydantic writes it), for editors and other programs.

    ``[claim]`` and ``[cashflow]`` are described by their two shapes (``anyOf``); values
    are left open (``{}``): what they may be is checked by the library's value objects.

    Examples
    --------
    >>> s = json_schema()
    >>> s["required"], s["properties"]["plans"]["type"]
    (['borrower', 'creditor', 'claim', 'cashflow'], 'array')
    >>> sorted(s["$defs"]["PlanTable"]["properties"])[:3], s["$defs"]["PlanTable"]["required"]
    (['annual_rate', 'balloon', 'capitalize_arrears'], ['name'])
    """
    out = _no_defaults(Document.model_json_schema())
    defs = out.setdefault("$defs", {})
    for shape in (ClaimDate, ClaimTable, Projection, Data):
        sub = _no_defaults(shape.model_json_schema(ref_template="#/$defs/{model}"))
        defs.update(sub.pop("$defs", {}))
        defs[shape.__name__] = sub
    out["properties"]["claim"] = {
        "anyOf": [{"$ref": "#/$defs/ClaimDate"}, {"$ref": "#/$defs/ClaimTable"}]
    }
    out["properties"]["cashflow"] = {
        "anyOf": [{"$ref": "#/$defs/Projection"}, {"$ref": "#/$defs/Data"}]
    }
    out["properties"]["format_version"] = {"const": FORMAT_VERSION}
    return out
