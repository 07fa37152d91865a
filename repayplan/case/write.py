"""Writing a case file: :class:`~repayplan.case.Case` -> document -> TOML (tomli-w) or JSON.

The document is the one the reader takes (:mod:`repayplan.case.schema`): amounts as
Decimals, written digit for digit (TOML decimal literals; JSON strings), rates and shares
that the library holds as floats by their shortest ``repr``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import os
from collections.abc import Mapping
from decimal import Decimal

import numpy as np
import pandas as pd

from .. import money
from .. import rules as _rules
from .._io import check_path, write_atomic
from .._validate import as_decimal
from ..cashflow import Shock
from ..claim import Claim
from ..errors import InputError
from ..negotiate import Constraints
from ..plans import Plan
from .model import (
    FORMAT_VERSION,
    FORMATS,
    PARTY_KEYS,
    Case,
    Party,
    Projection,
    Settings,
    format_of,
)

__all__ = ["dumps", "save", "to_dict"]

_LOAN_HISTORY = ("payments", "costs", "fees")
_CLAIM_AMOUNTS = (
    "principal",
    "overdue_principal",
    "interest",
    "overdue_interest",
    "penalty",
    "compound",
    "fees",
    "enforcement_costs",
    "credit",
)


def to_dict(case: Case) -> dict:
    """The case as the structure of a case file: :meth:`Case.to_dict`."""
    return _case_doc(case)


def dumps(case: Case, format: str = "toml") -> str:
    """The text of the case file: :meth:`Case.dumps`."""
    if not isinstance(format, str) or format not in FORMATS.values():
        raise InputError("format", format, "'toml' or 'json'")
    fmt = format_of("<string>", format)
    doc = _case_doc(case)
    return toml_dumps(doc) if fmt == "toml" else _json_dumps(doc)


def save(case: Case, path, *, format: str | None = None) -> None:
    """Write the case file atomically: :meth:`Case.save`."""
    target = os.fspath(check_path(path))
    text = dumps(case, format_of(target, format))
    write_atomic(target, text)


def _security_doc(path) -> dict:
    from ..security import KINDS, Procedure

    if not path.exact and not (isinstance(path.seed, int) and not isinstance(path.seed, bool)):
        raise InputError(
            "creditor.enforcement.path.seed",
            path.seed,
            "a whole-number seed (or exact=True), so that the saved case reloads to the same scenarios",
        )
    sec = path.security
    doc: dict = {"unsecured_recovery": sec.unsecured_recovery}
    if path.exact:
        doc["exact"] = True
    else:
        doc["scenarios"] = path.scenarios
        doc["seed"] = path.seed
    proc = {
        f.name: getattr(path.procedure, f.name)
        for f in dataclasses.fields(Procedure)
        if getattr(path.procedure, f.name) != f.default
    }
    if proc:
        doc["procedure"] = proc
    coll = []
    for c in sec.collateral:
        d = {
            "name": c.name,
            "kind": c.kind,
            "appraisal": c.appraisal,
            "lien_rank": c.lien_rank,
            "prior_claims": list(c.prior_ranks) if len(c.prior_ranks) > 1 else c.prior_claims,
        }
        for k in ("haircut", "time_to_sell", "sale_probabilities"):
            default = KINDS[c.kind][k]
            if getattr(c, k) != default:
                d[k] = list(c.sale_probabilities) if k == "sale_probabilities" else getattr(c, k)
        coll.append(d)
    if coll:
        doc["collateral"] = coll
    guar = [
        {
            "name": g.name,
            "kind": g.kind,
            "capacity": g.capacity,
            "recovery_rate": g.recovery_rate,
            "collection_months": g.collection_months,
        }
        for g in sec.guarantees
    ]
    if guar:
        doc["guarantees"] = guar
    return doc


def _source_doc(p) -> dict:
    d: dict = {"kind": p.kind}
    for k in ("description", "model", "calibration"):
        if getattr(p, k):
            d[k] = getattr(p, k)
    if p.history:
        d["history_start"] = str(p.history_start)
        d["history"] = list(p.history)
    if p.backtest:
        d["backtest"] = dict(p.backtest)
    for k in ("notes", "overrides"):
        if getattr(p, k):
            d[k] = list(getattr(p, k))
    return d


# ----------------------------------------------------------------------------------------
# writing: the document
# ----------------------------------------------------------------------------------------
def _case_doc(case: Case) -> dict:
    doc: dict = {"format_version": FORMAT_VERSION}
    if case.title:
        doc["title"] = case.title
    if case.contract:
        doc["contract"] = case.contract
    doc["rules"] = case.rules
    if case.notes:
        doc["notes"] = case.notes
    doc["borrower"] = _party_doc(case.borrower)
    if case.borrower_side is not None:
        doc["borrower"]["discount_rate"] = case.borrower_side.discount_rate
        if case.borrower_side.going_concern_loss is not None:
            doc["borrower"]["going_concern_loss"] = case.borrower_side.going_concern_loss
    assert case.creditor_party is not None and case.rules is not None  # Case fills both in
    cred = _party_doc(case.creditor_party)
    cred["discount_rate"] = case.creditor.discount_rate
    e = case.creditor.enforcement
    if e.path is None:  # built from [security] otherwise
        cred["enforcement"] = {
            "recovery_rate": e.recovery_rate,
            "delay_months": e.delay_months,
            "costs": e.costs,
        }
    doc["creditor"] = cred
    claim = case.claim
    if claim.loan is not None:
        doc["loan"] = _loan_doc(claim, case.rules)
        doc["claim"] = {"as_of": claim.as_of}
        if claim.accelerated is not None:
            doc["claim"]["accelerated"] = claim.accelerated
    else:
        doc["claim"] = _claim_doc(claim, case.rules)
    doc["cashflow"] = _cashflow_doc(case)
    doc["plans"] = [_plan_doc(p) for p in case.plans.values()]
    doc["negotiation"] = _settings_doc(case.negotiation)
    if case.meeting:
        doc["meeting"] = [dict(m) for m in case.meeting]
    if e.path is not None:
        doc["security"] = _security_doc(e.path)
    return doc


def _settings_doc(s: Settings) -> dict:
    d: dict = {}
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    for k in ("objective", "beta", "seed"):
        if k == "objective" or getattr(s, k) != defaults[k]:
            d[k] = getattr(s, k)
    if s.constraints is not None:
        c: dict = {}
        for f in dataclasses.fields(Constraints):
            v = getattr(s.constraints, f.name)
            if v != f.default:
                c[f.name] = "none" if v is None else v
        d["constraints"] = c
    return d


def _party_doc(p: Party) -> dict:
    return {k: getattr(p, k) for k in PARTY_KEYS if k == "name" or getattr(p, k)}


def _rules_name(rs, field_name: str) -> str:
    name = rs.name
    if name not in _rules.names() or _rules.get(name) != rs:
        raise InputError(
            field_name,
            rs,
            "a rule set shipped with repayplan (by name) to be saved",
            "a custom RuleSet cannot be written to a case file",
        )
    return name


def _penalty_doc(obj) -> dict:
    """The penalty as a markup when that states it exactly, else as a rate (and markup)."""
    if (
        obj.penalty_markup is not None
        and obj.annual_rate * (1 + obj.penalty_markup) == obj.penalty_rate
    ):
        return {"penalty_markup": obj.penalty_markup}
    out = {"penalty_rate": obj.penalty_rate}
    if obj.penalty_markup is not None:
        out["penalty_markup"] = obj.penalty_markup
    return out


def _loan_doc(claim: Claim, case_rules: str) -> dict:
    loan = claim.loan
    assert loan is not None  # called for a claim made from a loan
    units = loan.minor_units
    d: dict = {
        "principal": loan.principal,
        "annual_rate": loan.annual_rate,
        "periods": loan.periods,
        "start": loan.start,
    }
    if isinstance(loan.method, str):
        d["method"] = loan.method
    else:
        d["method"] = [_plain_number("loan.method", x) for x in loan.method]  # type: ignore[attr-defined]  # not a str: the amounts
    if loan.frequency != 12:
        d["frequency"] = loan.frequency
    if loan.day_count != "30/360":
        d["day_count"] = loan.day_count
    d.update(_penalty_doc(loan))
    rules = _rules_name(loan.rules, "loan.rules")
    if rules != case_rules:
        d["rules"] = rules
    d["currency"] = loan.currency
    if loan.signed != loan.start:
        d["signed"] = loan.signed
    if loan.product != "loan":
        d["product"] = loan.product
    if loan.accrual_day_count != loan.rules.accrual_day_count:
        d["accrual_day_count"] = loan.accrual_day_count
    if loan.accrual_rounding != "exact":
        d["accrual_rounding"] = loan.accrual_rounding
    if loan.options:
        d["options"] = {k: _option_value(f"loan.options.{k}", v) for k, v in loan.options.items()}
    for name, items in zip(_LOAN_HISTORY, claim.history, strict=True):
        if items or name == "payments":
            d[name] = [{"date": day, "amount": money.from_minor(a, units)} for day, a in items]
    return d


def _plain_number(loc: str, x):
    if isinstance(x, bool) or not isinstance(x, (int, float, Decimal, np.integer, np.floating)):
        raise InputError(loc, x, "numbers only, to be written to a case file")
    if isinstance(x, (np.integer, int)):
        return int(x)
    return as_decimal(loc, x) if isinstance(x, Decimal) else float(x)


def _option_value(loc: str, v):
    if isinstance(v, (bool, str)):
        return v
    if isinstance(v, Mapping):
        return {str(k): _option_value(f"{loc}.{k}", x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_option_value(f"{loc}[{i}]", x) for i, x in enumerate(v)]
    if isinstance(v, (_dt.date,)) and not isinstance(v, _dt.datetime):
        return v
    return _plain_number(loc, v)


def _claim_doc(claim: Claim, case_rules: str) -> dict:
    d: dict = {"as_of": claim.as_of, "currency": claim.currency}
    for k in _CLAIM_AMOUNTS:
        v = getattr(claim, k)
        if k == "overdue_interest" and v == claim.interest:
            continue
        if k == "credit" and not v:
            continue
        d[k] = v
    d["annual_rate"] = claim.annual_rate
    d.update(_penalty_doc(claim))
    rules = _rules_name(claim.rules, "claim.rules")
    if rules != case_rules:
        d["rules"] = rules
    if claim.accrual_day_count != claim.rules.accrual_day_count:
        d["accrual_day_count"] = claim.accrual_day_count
    if claim.accrual_rounding != "exact":
        d["accrual_rounding"] = claim.accrual_rounding
    for k in ("contract_date", "maturity", "term_months", "accelerated"):
        if getattr(claim, k) is not None:
            d[k] = getattr(claim, k)
    if claim.product != "loan":
        d["product"] = claim.product
    return d


def _cashflow_doc(case: Case) -> dict:
    p = case.projection
    if p is None:
        cf = case.cashflow
        d: dict = {"start": str(cf.start)}
        d["values"] = cf.values[0].tolist() if cf.n_scenarios == 1 else cf.values.tolist()
        d["buffer"] = cf.buffer
        d["minimum_cash"] = cf.minimum_cash
        if cf.provenance is not None:
            d["source"] = _source_doc(cf.provenance)
        return d
    d = {"base": p.base, "months": p.months}
    if p.start is not None:
        d["start"] = str(p.start)
    defaults = {f.name: f.default for f in dataclasses.fields(Projection)}
    for k in (
        "trend",
        "seasonality",
        "volatility",
        "persistence",
        "scenarios",
        "seed",
        "buffer",
        "minimum_cash",
    ):
        v = getattr(p, k)
        if k == "seed" or v != defaults[k]:
            d[k] = list(v) if k == "seasonality" else v
    if p.shocks:
        d["shocks"] = [_shock_doc(s) for s in p.shocks]
    return d


def _shock_doc(s: Shock) -> dict:
    d: dict = {"probability": s.probability, "impact": s.impact}
    defaults = {f.name: f.default for f in dataclasses.fields(Shock)}
    for k in ("start", "duration", "end", "per", "label"):
        v = getattr(s, k)
        if v != defaults[k]:
            d[k] = str(v) if isinstance(v, pd.Period) else v
    return d


def _plan_doc(p: Plan) -> dict:
    d: dict = {"name": p.name}
    for f in dataclasses.fields(Plan):
        if f.name in d:
            continue
        v = getattr(p, f.name)
        shown = f.name in ("method", "term") and not p.is_settlement  # the shape of a schedule
        if v is None or (v == f.default and not shown):
            continue
        d[f.name] = list(v) if isinstance(v, tuple) else v
    return d


# ----------------------------------------------------------------------------------------
# writing: TOML and JSON
# ----------------------------------------------------------------------------------------
def _toml_ready(v, loc: str):
    """``v`` in the types tomli-w writes, every number checked finite, named by ``loc`` if not.

    A Decimal with no fraction digits (``Decimal("1E+3")``, ``Decimal("7")``) becomes the TOML
    integer it was written as before (``1000``, ``7``); any other Decimal is handed to tomli-w,
    which writes its digits as they are (``120000.00``; ``1e-7`` for ``Decimal("1E-7")``), so the
    reader's ``parse_float=Decimal`` gives back the same Decimal, digit for digit.
    """
    if isinstance(v, bool) or isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise InputError(loc, v, "a finite number")
        exponent = v.as_tuple().exponent  # an int: v is finite
        return int(v) if isinstance(exponent, int) and exponent >= 0 else v
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(v):
            raise InputError(loc, v, "a finite number")
        return float(v)
    if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
        return v
    if isinstance(v, Mapping):
        return {str(k): _toml_ready(x, f"{loc}.{k}" if loc else str(k)) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_toml_ready(x, f"{loc}[{i}]") for i, x in enumerate(v)]
    raise InputError(loc, v, "a value that can be written to a case file")


def toml_dumps(doc: dict) -> str:
    import tomli_w

    return "# repayplan case file (see repayplan.case for the schema)\n" + tomli_w.dumps(
        _toml_ready(doc, "")
    )


def _json_ready(v, loc: str):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise InputError(loc, v, "a finite number")
        return format(v, "f")
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(v):
            raise InputError(loc, v, "a finite number")
        return float(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {str(k): _json_ready(x, f"{loc}.{k}") for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_ready(x, f"{loc}[{i}]") for i, x in enumerate(v)]
    raise InputError(loc, v, "a value that can be written to a case file")


def _json_dumps(doc: dict) -> str:
    return json.dumps(_json_ready(doc, ""), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
