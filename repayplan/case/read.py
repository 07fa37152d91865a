"""Reading a case file: text or a parsed document -> :class:`~repayplan.case.Case`.

The text is parsed (TOML with ``parse_float=Decimal``, JSON with Decimal floats), the
document's shape is checked by the schema (:mod:`repayplan.case.schema`, pydantic), and
every value is handed to the value object that checks it (``Loan``, ``Claim``, ``Plan``,
``CashFlow`` ...), one field at a time, so that every problem is reported at once with its
location.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import os
import re
from collections.abc import Mapping
from decimal import Decimal

import numpy as np

from .. import rules as _rules
from .._io import check_path
from .._validate import MAX_DIGITS, as_decimal, check_amount, check_date
from ..cashflow import CashFlow, Shock
from ..claim import Claim, Loan
from ..errors import InputError
from ..evaluate import Borrower, Creditor, Enforcement
from ..negotiate import Constraints
from ..plans import Plan
from . import schema
from .model import (
    FORMAT_VERSION,
    MAX_CASE_CHARS,
    MAX_DEPTH,
    PARTY_KEYS,
    Case,
    CaseError,
    Party,
    Projection,
    Settings,
    format_of,
    meeting_entry,
    party_text,
    show_value,
)

__all__ = ["from_dict", "load", "loads"]

_BIG = 10**12  # a stand-in whole for checking the parts of a claim one field at a time


class _LongNumber:
    """A JSON integer of more than :data:`MAX_DIGITS` digits, kept as text so that the field
    it is in reports it (converting it would fail, or take long, deep inside)."""

    def __init__(self, digits: str):
        self.digits = digits

    def __repr__(self) -> str:
        return f"<a number of {len(self.digits.lstrip('-')):,} digits>"

    __str__ = __repr__


def _json_int(text: str):
    return int(text) if len(text) <= MAX_DIGITS + 1 else _LongNumber(text)


def _long_number_line(text: str) -> str:
    m = re.search(r"\d{" + str(MAX_DIGITS + 1) + ",}", text)
    return f"line {text.count(chr(10), 0, m.start()) + 1}" if m else ""


def _walk(data) -> tuple[str | None, list[str]]:
    """The location of the first table or array nested deeper than :data:`MAX_DEPTH` (or
    None), and the locations of signalling NaNs; walked with a stack, so that a
    100,000-deep structure cannot overflow Python's own."""
    stack = [(data, "", 0)]
    snan = []
    while stack:
        value, loc, depth = stack.pop()
        if isinstance(value, Decimal) and value.is_snan():
            snan.append(loc)
            continue
        if isinstance(value, Mapping):
            items = [(_join(loc, str(k)), v) for k, v in value.items()]
        elif isinstance(value, (list, tuple)):
            items = [(f"{loc}[{i}]", v) for i, v in enumerate(value)]
        else:
            continue
        if depth >= MAX_DEPTH:
            return loc, snan
        stack.extend((v, k, depth + 1) for k, v in reversed(items))
    return None, snan


def _join(loc: str, field_name: str) -> str:
    if not loc:
        return field_name
    if not field_name:
        return loc
    return f"{loc}{field_name}" if field_name.startswith("[") else f"{loc}.{field_name}"


class _Problems:
    """Problems found so far, each with its location."""

    def __init__(self, items=(), flawed=()):
        self.items: list[tuple[str, str]] = list(items)
        #: where the schema refused a value or found a table without a required key
        self.flawed: set[str] = set(flawed)

    def add(self, loc: str, message: str) -> None:
        self.items.append((loc, message))

    def error(self, loc: str, e: Exception, *, value=None, rename=None) -> None:
        if isinstance(e, CaseError):
            for where, msg in e.problems:
                self.add(_join(loc, where), msg)
            return
        if isinstance(e, InputError):
            name = (rename or {}).get(e.field, e.field)
            msg = f"{show_value(e.value)} is not {e.allowed}"
            if e.hint:
                msg += f" ({e.hint})"
            self.add(_join(loc, name), msg)
        else:
            self.add(loc, f"{show_value(value)} is not valid ({type(e).__name__}: {e})")

    def __bool__(self) -> bool:
        return bool(self.items)


def _attempt(problems: _Problems, loc: str, make, *, value=None, rename=None):
    """``make()``, or None with the problem recorded at ``loc``."""
    try:
        return make()
    except (InputError, TypeError, ValueError, ArithmeticError) as e:
        problems.error(loc, e, value=value, rename=rename)
        return None


def _build(
    cls,
    kwargs: dict,
    loc: str,
    problems: _Problems,
    *,
    base=None,
    rename=None,
    skip=(),
    trials_only: bool = False,
):
    """``cls(**kwargs)``, checking each field alone first so that every bad field is reported.

    ``base(key)`` gives the other arguments of the one-field trial (defaults that cannot
    clash with the field, e.g. a long term when the grace is checked); fields in ``skip``
    depend on others and are checked only with all of them.
    """
    before = len(problems.items)
    for key, value in kwargs.items():
        if key in skip:
            continue
        trial = {**(base(key) if base else {}), key: value}
        _attempt(problems, loc, lambda t=trial: cls(**t), value=value, rename=rename)
    if len(problems.items) > before or trials_only or loc in problems.flawed:
        return None  # a table the schema found a key missing in is checked field by field only
    return _attempt(problems, loc, lambda: cls(**kwargs), rename=rename)


# ----------------------------------------------------------------------------------------
# the entry points
# ----------------------------------------------------------------------------------------
def load(path, *, format: str | None = None) -> Case:
    """Read a case file: :meth:`Case.load`."""
    source = os.fspath(check_path(path))
    fmt = format_of(source, format)
    try:
        size = os.path.getsize(source)
        if size > 4 * MAX_CASE_CHARS:  # refused before it is read into memory
            raise CaseError(
                [
                    (
                        "",
                        f"is {size:,} bytes; a case file has at most {MAX_CASE_CHARS:,} characters",
                    )
                ],
                source,
            )
        with open(source, "rb") as fh:
            raw = fh.read(4 * MAX_CASE_CHARS + 1)
    except OSError as e:
        raise CaseError([("", f"cannot read the file ({e.strerror or e})")], source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CaseError([("", f"is not UTF-8 text (byte {e.start})")], source) from None
    return loads(text, fmt, source=source)


def loads(text: str, format: str = "toml", *, source: str = "<string>") -> Case:
    """A case from the text of a case file: :meth:`Case.loads`."""
    if not isinstance(source, str):
        raise InputError("source", source, "text: the name problems are reported under")
    if not isinstance(text, str):
        raise InputError("text", type(text).__name__, "the text of a case file (str)")
    if not isinstance(format, str):
        raise InputError("format", format, "'toml' or 'json'")
    fmt = format_of(source, format)
    if len(text) > MAX_CASE_CHARS:
        raise CaseError(
            [
                (
                    "",
                    f"is {len(text):,} characters long; a case file has at most {MAX_CASE_CHARS:,}",
                )
            ],
            source,
        )
    try:
        if fmt == "toml":
            import tomllib

            try:
                data = tomllib.loads(text, parse_float=Decimal)
            except tomllib.TOMLDecodeError as e:
                raise CaseError([("", f"is not valid TOML: {e}")], source) from None
            except ValueError:  # an integer too long for Python to convert (> 4,300 digits)
                raise CaseError(
                    [
                        (
                            _long_number_line(text),
                            f"has a number of more than {MAX_DIGITS} digits",
                        )
                    ],
                    source,
                ) from None
        else:
            try:
                data = json.loads(text, parse_float=Decimal, parse_int=_json_int)
            except json.JSONDecodeError as e:
                raise CaseError(
                    [("", f"is not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})")],
                    source,
                ) from None
    except RecursionError:
        raise CaseError([("", f"is nested more than {MAX_DEPTH} levels deep")], source) from None
    return from_dict(data, source=source)


def from_dict(data, *, source: str = "<dict>") -> Case:
    """A case from the parsed structure of a case file: :meth:`Case.from_dict`."""
    if not isinstance(source, str):
        raise InputError("source", source, "text: the name problems are reported under")
    deep, snan = _walk(data)
    if deep is not None:
        raise CaseError([(deep, f"is nested more than {MAX_DEPTH} levels deep")], source)
    if snan:  # it signals on any comparison, so it is reported before anything reads it
        raise CaseError([(loc, "sNaN is not a number") for loc in snan], source)
    doc, found, flawed = schema.check(data)
    problems = _Problems(found, flawed)
    case = _read_case(doc, problems) if doc is not None else None
    if problems or case is None:
        raise CaseError(problems.items, source)
    return case


# ----------------------------------------------------------------------------------------
# reading: the document the schema kept -> the value objects
# ----------------------------------------------------------------------------------------
_BORROWER_KEYS = tuple(f.name for f in dataclasses.fields(Borrower))
_LOAN_HISTORY = ("payments", "costs", "fees")


def _tables(tab: Mapping, key: str) -> list[tuple[int, Mapping]]:
    """The tables of the array ``tab[key]`` that the schema kept, with their index."""
    return [(i, t) for i, t in enumerate(tab.get(key, ())) if t is not schema.GONE]


def _read_case(doc: dict, problems: _Problems) -> Case | None:
    """A case from the document :func:`schema.check` kept: its tables have only their own
    keys, its arrays of tables are arrays of tables; a required key may be missing (and is
    reported)."""
    version = doc.get("format_version", FORMAT_VERSION)
    if (
        type(version) is not type(FORMAT_VERSION) or version != FORMAT_VERSION
    ):  # not bool, array, ...
        problems.add(
            "format_version",
            f"{show_value(version)} is not {FORMAT_VERSION} "
            "(the case-file format this version of repayplan reads)",
        )
    texts = {}
    for k in ("title", "notes", "contract"):
        if k in doc:
            texts[k] = _attempt(problems, "", lambda k=k: party_text(k, doc[k]), value=doc[k])
    rules = doc.get("rules")
    if rules is not None:
        if _attempt(problems, "", lambda: _check_rule_name("rules", rules), value=rules) is None:
            rules = None
    borrower, side = (
        _read_borrower(doc["borrower"], problems) if "borrower" in doc else (None, None)
    )
    settings = _read_settings(doc.get("negotiation", {}), problems)
    creditor, party = (
        _read_creditor(doc["creditor"], problems) if "creditor" in doc else (None, None)
    )
    claim = _read_claim(doc, rules, problems)
    cashflow, projection = (
        _read_cashflow(doc["cashflow"], claim, problems) if "cashflow" in doc else (None, None)
    )
    plans = _read_plans(doc, problems)
    if "security" in doc and claim is not None:  # the creditor's alternative from its security
        enforcement = _read_security(doc["security"], claim, problems)
        if enforcement is not None and creditor is not None:
            creditor = creditor.replace(enforcement=enforcement)
    meeting = [
        _attempt(problems, "", lambda i=i, m=m: meeting_entry(i, m))
        for i, m in _tables(doc, "meeting")
    ]
    if problems:
        return None
    return _attempt(
        problems,
        "",
        lambda: Case(  # no problems: every part was read, none is None (hence the ignores)
            borrower,  # type: ignore[arg-type]
            creditor,  # type: ignore[arg-type]
            claim,  # type: ignore[arg-type]
            projection if projection is not None else cashflow,  # type: ignore[arg-type]
            plans,
            creditor_party=party,
            borrower_side=side,
            negotiation=settings,  # type: ignore[arg-type]
            rules=rules,
            title=texts.get("title") or "",
            contract=texts.get("contract") or "",
            notes=texts.get("notes") or "",
            meeting=tuple(meeting),
        ),
    )


def _check_rule_name(field_name: str, value) -> str:
    if not isinstance(value, str) or value not in _rules.names():
        raise InputError(field_name, value, "one of " + ", ".join(map(repr, _rules.names())))
    return value


def _read_party(tab: Mapping, loc: str, problems: _Problems) -> Party | None:
    party = {k: v for k, v in tab.items() if k in PARTY_KEYS}
    if "name" not in party:
        return None
    return _build(Party, party, loc, problems, base=lambda k: {"name": "x"})


def _read_borrower(tab: Mapping, problems: _Problems):
    side = None
    kw = {k: v for k, v in tab.items() if k in _BORROWER_KEYS}
    if kw:
        side = _build(Borrower, kw, "borrower", problems)
    return _read_party(tab, "borrower", problems), side


def _read_settings(tab: Mapping, problems: _Problems) -> Settings | None:
    kw = dict(tab)
    if "constraints" in kw:
        defaults = {f.name: f.default for f in dataclasses.fields(Constraints)}
        cw = {
            # TOML has no null: "none" lifts a constraint that has a default
            k: None if isinstance(v, str) and v == "none" and defaults[k] is not None else v
            for k, v in kw["constraints"].items()
        }
        kw["constraints"] = _build(Constraints, cw, "negotiation.constraints", problems)
        if kw["constraints"] is None:
            return None
    return _build(Settings, kw, "negotiation", problems)


def _read_creditor(tab: Mapping, problems: _Problems):
    party = _read_party(tab, "creditor", problems)
    enf_tab = tab.get("enforcement", {})
    enforcement = _build(Enforcement, enf_tab, "creditor.enforcement", problems)
    kw = {"discount_rate": tab["discount_rate"]} if "discount_rate" in tab else {}
    if enforcement is None or party is None:
        _build(Creditor, kw, "creditor", problems)
        return None, None
    creditor = _build(
        Creditor, {**kw, "enforcement": enforcement, "name": party.name}, "creditor", problems
    )
    return creditor, party


def _read_security(tab: Mapping, claim: Claim, problems: _Problems):
    """``[security]``: collateral, guarantees and the court procedure -> Enforcement.from_security."""
    from ..security import Collateral, Guarantee, Procedure, Security

    if "security.exact" in problems.flawed:  # not true or false: the seed cannot be judged
        return None
    exact = tab.get("exact", False)
    if "seed" not in tab and not exact:
        problems.add(
            "security.seed", "is missing (required, so that the case reloads to the same scenarios)"
        )
    coll = []
    for i, c in _tables(tab, "collateral"):
        loc = f"security.collateral[{i}]"
        ct = dict(c)
        if isinstance(ct.get("sale_probabilities"), list):
            ct["sale_probabilities"] = tuple(ct["sale_probabilities"])
        if isinstance(ct.get("prior_claims"), list):  # one amount per earlier rank
            ct["prior_claims"] = tuple(ct["prior_claims"])
        coll.append(
            _build(
                Collateral,
                ct,
                loc,
                problems,
                skip=("sale_probabilities", "lien_rank", "prior_claims"),
                base=lambda k: {"name": "x", "appraisal": 1, "kind": "real_estate"},
            )
        )
    guar = [
        _build(
            Guarantee,
            dict(g),
            f"security.guarantees[{i}]",
            problems,
            base=lambda k: {"name": "x", "capacity": 0},
        )
        for i, g in _tables(tab, "guarantees")
    ]
    proc = _build(Procedure, tab.get("procedure", {}), "security.procedure", problems)
    kw = {k: tab[k] for k in ("unsecured_recovery",) if k in tab}
    if problems or None in coll or None in guar or proc is None:
        return None
    sec = _build(Security, {"collateral": coll, "guarantees": guar, **kw}, "security", problems)
    opts = {k: tab[k] for k in ("scenarios", "seed") if k in tab}
    if sec is None:
        return None
    return _attempt(
        problems,
        "security",
        lambda: Enforcement.from_security(sec, claim, procedure=proc, exact=exact, **opts),
    )


def _read_amount_list(rows: list, loc: str, problems: _Problems) -> list:
    out = []
    for i, tab in enumerate(rows):
        where = f"{loc}[{i}]"
        if tab is schema.GONE or "date" not in tab or "amount" not in tab:
            continue
        day = _attempt(
            problems, where, lambda t=tab: check_date("date", t["date"]), value=tab["date"]
        )
        amount = _attempt(
            problems,
            where,
            lambda t=tab: check_amount("amount", t["amount"], allow_zero=True),
            value=tab["amount"],
        )
        if day is not None and amount is not None:
            out.append((day, tab["amount"]))
    return out


def _read_claim(doc, rules, problems: _Problems) -> Claim | None:
    if "claim" not in doc:
        return None
    if "loan" in doc or "loan" in problems.flawed:  # the claim is computed from the loan
        if "loan" not in doc:
            return None
        tab, loan_tab = doc["claim"], doc["loan"]
        history = {
            k: _read_amount_list(loan_tab[k], f"loan.{k}", problems)
            for k in _LOAN_HISTORY
            if k in loan_tab
        }
        kw = {k: v for k, v in loan_tab.items() if k not in _LOAN_HISTORY}
        if "rules" not in kw and rules is not None:
            kw["rules"] = rules
        if "options" in kw:
            kw["options"] = _read_options(kw["options"], problems)
        if "method" in kw and isinstance(kw["method"], list):
            kw["method"] = tuple(kw["method"])
        if (
            "rules" in kw
            and _attempt(
                problems, "loan", lambda: _check_rule_name("rules", kw["rules"]), value=kw["rules"]
            )
            is None
        ):
            return None
        base = {"principal": 1, "annual_rate": 0, "periods": 1, "start": _dt.date(2000, 1, 1)}
        custom = () if isinstance(kw.get("method", ""), str) else ("method",)
        loan = _build(
            Loan, kw, "loan", problems, base=lambda k: dict(base), skip=("options",) + custom
        )
        if loan is None or problems:
            return None
        rename = {"as_of": "claim.as_of", "accelerate": "claim.accelerated"}
        return _attempt(problems, "", lambda: _loan_claim(loan, tab, history), rename=rename)
    kw = dict(doc["claim"])
    if "rules" not in kw and rules is not None:
        kw["rules"] = rules
    if (
        "rules" in kw
        and _attempt(
            problems, "claim", lambda: _check_rule_name("rules", kw["rules"]), value=kw["rules"]
        )
        is None
    ):
        return None
    base = {
        "principal": _BIG,
        "interest": _BIG,
        "penalty": _BIG,
        "fees": _BIG,
        "annual_rate": 0,
        "as_of": _dt.date(2000, 1, 1),
    }
    return _build(Claim, kw, "claim", problems, base=lambda k: dict(base))


def _loan_claim(loan: Loan, tab: dict, history: dict) -> Claim:
    try:
        return loan.claim(
            tab["as_of"],
            history.get("payments", ()),
            costs=history.get("costs", ()),
            fees=history.get("fees", ()),
            accelerate=tab.get("accelerated"),
        )
    except InputError as e:
        # the loan reports its history as payments[i]; the file has them under [loan]
        if e.field.split("[")[0] in _LOAN_HISTORY:
            raise InputError("loan." + e.field, e.value, e.allowed, e.hint) from None
        raise


def _read_options(data: Mapping, problems: _Problems):
    out = dict(data)
    loc = "loan.options"
    for k in ("fee", "payment"):  # amounts, written as text in JSON
        if isinstance(out.get(k), str):
            out[k] = _attempt(problems, loc, lambda k=k: as_decimal(k, out[k]), value=out[k])
    if isinstance(out.get("rate_changes"), Mapping):
        changes = {}
        for k, v in out["rate_changes"].items():
            try:
                period = int(k)
            except (TypeError, ValueError):
                problems.add(f"{loc}.rate_changes.{k}", "is not a period number")
                continue
            changes[period] = (
                _attempt(
                    problems, f"{loc}.rate_changes", lambda k=k, v=v: as_decimal(k, v), value=v
                )
                if isinstance(v, str)
                else v
            )
        out["rate_changes"] = changes
    if isinstance(out.get("holidays"), list):  # dates, written as text in JSON
        out["holidays"] = [
            _attempt(problems, f"{loc}.holidays", lambda i=i, d=d: check_date(f"[{i}]", d), value=d)
            for i, d in enumerate(out["holidays"])
        ]
    return out


def _read_cashflow(tab: Mapping, claim: Claim | None, problems: _Problems):
    currency = claim.currency if claim is not None else "CNY"
    if "base" not in tab:  # monthly data (the schema refused a table with both)
        if "values" not in tab:
            return None, None
        values = _read_values(tab["values"], problems)
        kw = {k: v for k, v in tab.items() if k not in ("values", "source")}
        provenance = _read_source(tab["source"], problems) if "source" in tab else None
        kw.setdefault("currency", currency)
        before = len(problems.items)
        _build(
            CashFlow,
            kw,
            "cashflow",
            problems,
            base=lambda k: {"values": [0.0], "start": "2000-01"},
            trials_only=True,
        )
        if values is None or len(problems.items) > before:
            return None, None
        if "source" in tab and provenance is None:
            return None, None
        return _attempt(
            problems, "cashflow", lambda: CashFlow(values, **kw, provenance=provenance)
        ), None
    kw = dict(tab)
    kw.setdefault("currency", currency)
    shocks = [
        _build(
            Shock,
            dict(sh),
            f"cashflow.shocks[{i}]",
            problems,
            base=lambda k: {"probability": 0, "impact": 0},
        )
        for i, sh in _tables(kw, "shocks")
    ]
    kw.pop("shocks", None)
    before = len(problems.items)
    base = {"base": 1, "months": 1}
    _build(Projection, kw, "cashflow", problems, base=lambda k: dict(base), trials_only=True)
    if len(problems.items) > before or None in shocks:
        return None, None
    projection = _attempt(problems, "cashflow", lambda: Projection(**kw, shocks=tuple(shocks)))
    if projection is None:
        return None, None
    return projection.cashflow(), projection


def _read_source(data: Mapping, problems: _Problems):
    """[cashflow.source]: a repayplan.cashflow.Provenance, numbers read back to the same float."""
    from ..cashflow import Provenance

    if "kind" not in data:
        return None
    kw = dict(data)
    for k in ("history",):
        if k in kw:
            kw[k] = [
                float(x) if isinstance(x, (Decimal, int)) and not isinstance(x, bool) else x
                for x in kw[k]
            ]
    if "backtest" in kw:
        kw["backtest"] = {
            k: float(v) if isinstance(v, Decimal) else v for k, v in kw["backtest"].items()
        }
    return _attempt(problems, "cashflow.source", lambda: Provenance(**kw))


def _read_values(values, problems: _Problems):
    """Monthly cash: a list of numbers (one path) or a list of equal-length lists."""
    loc = "cashflow.values"
    if not isinstance(values, list) or not values:
        problems.add(loc, f"{show_value(values)} is not a non-empty array of monthly cash")
        return None
    nested = isinstance(values[0], list)
    rows = values if nested else [values]
    ok = True
    for s, row in enumerate(rows):
        if not isinstance(row, list):
            problems.add(f"{loc}[{s}]", f"{show_value(row)} is not an array (one scenario per row)")
            ok = False
            continue
        if len(row) != len(rows[0]):
            problems.add(
                f"{loc}[{s}]", f"has {len(row)} months, not {len(rows[0])} like the first scenario"
            )
            ok = False
        for t, x in enumerate(row):
            where = f"{loc}[{s}][{t}]" if nested else f"{loc}[{t}]"
            if isinstance(x, bool) or not isinstance(x, (int, Decimal, float)):
                problems.add(where, f"{show_value(x)} is not a number (cash of the month)")
                ok = False
            elif not math.isfinite(x):
                problems.add(where, f"{show_value(x)} is not a finite amount of cash")
                ok = False
    if not ok:
        return None
    return np.array([[float(x) for x in row] for row in rows], dtype=np.float64)


def _read_plans(doc: Mapping, problems: _Problems) -> dict:
    out: dict = {}
    seen: set = set()
    for i, item in _tables(doc, "plans"):
        loc = f"plans[{i}]"
        kw = dict(item)
        name = kw.get("name")
        if isinstance(name, str) and name in seen:
            problems.add(
                f"{loc}.name",
                f"{show_value(name)} is the name of an earlier plan; plan names must differ",
            )
            continue
        seen.add(name if isinstance(name, str) else None)
        if isinstance(kw.get("seasonal"), list):
            kw["seasonal"] = tuple(kw["seasonal"])
        plan = _build(
            Plan, kw, loc, problems, base=lambda k: {"term": 1200} if k == "grace" else {}
        )
        if plan is None:
            continue
        if not plan.name.strip():
            problems.add(f"{loc}.name", f"{show_value(plan.name)} is not a non-empty name")
        else:
            out[plan.name] = plan
    return out
