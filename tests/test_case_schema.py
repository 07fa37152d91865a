"""The case-file schema (repayplan.case.schema, pydantic): shape, located messages, exactness.

Oracles: the messages the hand-written walker gave before the schema replaced it (written out
here by hand), the value objects' own dataclass fields (the keys a table allows), Python's
``decimal`` digits of what was written (amounts read digit for digit), and an independent
JSON Schema validator (``jsonschema``) run on the exported schema.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
import tomllib
from datetime import date as rp_date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.case import Case, CaseError, Party, sample_text, schema
from repayplan.cashflow import Shock
from repayplan.negotiate import Constraints
from repayplan.security import Collateral, Guarantee, Procedure

DOC = tomllib.loads(sample_text(), parse_float=Decimal)
SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def problems_of(doc) -> list[tuple[str, str]]:
    with pytest.raises(CaseError) as info:
        Case.from_dict(doc, source="case.toml")
    return list(info.value.problems)


def mutated(change):
    doc = copy.deepcopy(DOC)
    change(doc)
    return doc


# ----------------------------------------------------------------------------------------
# the shape follows the value objects
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "table, cls",
    [
        (schema.PlanTable, rp.Plan),
        (schema.ShockTable, Shock),
        (schema.ConstraintsTable, Constraints),
        (schema.CollateralTable, Collateral),
        (schema.GuaranteeTable, Guarantee),
        (schema.ProcedureTable, Procedure),
    ],
)
def test_a_value_objects_table_has_its_fields_as_keys(table, cls):
    assert list(table.model_fields) == [f.name for f in dataclasses.fields(cls)]


def test_the_party_tables_have_the_fields_of_party_and_of_the_sides():
    party = [f.name for f in dataclasses.fields(Party)]
    side = [f.name for f in dataclasses.fields(rp.Borrower)]
    assert list(schema.BorrowerTable.model_fields) == party + side
    assert list(schema.CreditorTable.model_fields) == party + ["discount_rate", "enforcement"]


def test_the_loan_table_has_every_keyword_of_loan_and_its_history():
    import inspect

    keywords = list(inspect.signature(rp.Loan).parameters)
    assert list(schema.LoanTable.model_fields) == keywords + ["payments", "costs", "fees"]


def test_every_key_of_the_direct_claim_table_is_a_keyword_of_claim():
    import inspect

    assert set(schema.ClaimTable.model_fields) <= set(inspect.signature(rp.Claim).parameters)


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_the_accrual_rounding_of_a_loan_and_of_a_claim_is_saved(fmt):
    # before the schema a case file had no key for it: a saved case came back "exact"
    loan = rp.Loan(120_000, 0.06, 12, rp_date(2025, 1, 1), accrual_rounding="per_day")
    claim = loan.claim(rp_date(2025, 9, 30), [(rp_date(2025, 2, 1), "10000.00")])
    stated = rp.Claim(
        principal=1_000, annual_rate=0.05, as_of=rp_date(2026, 1, 1), accrual_rounding="per_stretch"
    )
    for c in (claim, stated):
        case = Case.sample().replace(claim=c)
        again = Case.loads(case.dumps(fmt), fmt)
        assert again == case and again.claim.accrual_rounding == c.accrual_rounding
        if c.loan is not None:
            assert again.claim.loan.accrual_rounding == "per_day"
            assert again.claim.total == claim.total


# ----------------------------------------------------------------------------------------
# the messages: as the hand-written walker gave them
# ----------------------------------------------------------------------------------------
TOP = (
    "format_version, title, contract, rules, notes, borrower, creditor, loan, claim, "
    "cashflow, plans, negotiation, meeting, security"
)


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda d: d.update(colour="red"),
            [("colour", f"is not a key of a case file; allowed: {TOP}")],
        ),
        (lambda d: d.update({5: 1}), [("5", f"is not a key of a case file; allowed: {TOP}")]),
        (
            lambda d: d["creditor"].update(enforcement={"foo": 1}),
            [
                (
                    "creditor.enforcement.foo",
                    "is not a key of [creditor.enforcement]; allowed: recovery_rate, "
                    "delay_months, costs",
                )
            ],
        ),
        (
            lambda d: d["loan"]["payments"][0].update(note="x"),
            [("loan.payments[0].note", "is not a key of [loan.payments]; allowed: date, amount")],
        ),
        (
            lambda d: d["claim"].update(principal=1),
            [("claim.principal", "is not a key of [claim]; allowed: as_of, accelerated")],
        ),
        (
            lambda d: d.update(borrower="Acme"),
            [("borrower", '"Acme" is not a table [borrower] with name = "..."')],
        ),
        (
            lambda d: d["plans"].__setitem__(1, "x"),
            [("plans[1]", '"x" is not a table [[plans]] with name = "..."')],
        ),
        (
            lambda d: d["loan"]["payments"].__setitem__(0, 7),
            [("loan.payments[0]", "7 is not a table {date = YYYY-MM-DD, amount = ...}")],
        ),
        (
            lambda d: d.update(claim="x"),
            [("claim", '"x" is not a table [claim] with as_of = YYYY-MM-DD')],
        ),
        (lambda d: d.update(cashflow=3), [("cashflow", "3 is not a table [cashflow]")]),
        (lambda d: d.update(negotiation=None), [("negotiation", "None is not a table")]),
        (
            lambda d: d.update(plans={"name": "x"}),
            [("plans", '{name = "x"} is not an array of tables ([[plans]])')],
        ),
        (
            lambda d: d["cashflow"].update(shocks={}),
            [("cashflow.shocks", "{} is not an array of tables ([[cashflow.shocks]])")],
        ),
        (
            lambda d: d.update(meeting=["x"]),
            [("meeting[0]", '"x" is not a mapping (a [[meeting]] table)')],
        ),
        (
            lambda d: d["loan"].update(options=[1]),
            [("loan.options", "[1] is not a table of further amortize keywords")],
        ),
        (
            lambda d: d["security"].update(exact="yes"),
            [("security.exact", '"yes" is not true or false')],
        ),
        (
            lambda d: d["negotiation"].setdefault("constraints", {}).update(hard_rules=1),
            [("negotiation.constraints.hard_rules", "1 is not true or false")],
        ),
        (lambda d: d["cashflow"].pop("seed"), [("cashflow.seed", "is missing (required)")]),
        (lambda d: d.pop("creditor"), [("creditor", "is missing (required)")]),
        (
            lambda d: d["security"]["collateral"][0].pop("appraisal"),
            [("security.collateral[0].appraisal", "is missing (required)")],
        ),
        (
            lambda d: d["cashflow"].update(values=[1.0]),
            [("cashflow", "has both base (a projection) and values (data); give one")],
        ),
    ],
)
def test_each_kind_of_structural_problem_has_its_message(change, expected):
    assert problems_of(mutated(change)) == expected


def test_a_tuple_is_not_an_array_of_tables():
    found = problems_of(mutated(lambda d: d.update(plans=tuple(d["plans"]))))
    assert [loc for loc, _ in found] == ["plans"]
    assert found[0][1].endswith("is not an array of tables ([[plans]])")


def test_a_missing_key_is_reported_once_not_again_by_the_value_object():
    # the walker also reported "None is not valid (TypeError: Shock.__init__() missing ...)"
    found = problems_of(mutated(lambda d: d["cashflow"]["shocks"][0].pop("impact")))
    assert found == [("cashflow.shocks[0].impact", "is missing (required)")]


def test_data_cash_flow_source_arrays_and_tables():
    case = Case.from_dict(
        {**copy.deepcopy(DOC), "cashflow": {"start": "2026-07", "values": [1.0, 2.0]}}
    )
    doc = case.to_dict()
    doc["cashflow"]["source"] = {"kind": "data", "history": "x", "notes": 3, "backtest": [1]}
    assert problems_of(doc) == [
        ("cashflow.source.history", '"x" is not an array'),
        ("cashflow.source.backtest", "[1] is not a table"),
        ("cashflow.source.notes", "3 is not an array"),
    ]


def test_structural_and_value_problems_are_all_reported_in_the_order_of_the_document():
    def change(d):
        d["plans"][0].update(term=-6, colour="red")
        d["claim"].update(yy=1)
        d.update(zz=3)
        del d["borrower"]["name"]
        d["cashflow"]["months"] = 0

    found = problems_of(mutated(change))
    assert [loc for loc, _ in found] == [
        "zz",
        "borrower.name",
        "claim.yy",
        "plans[0].colour",
        "cashflow.months",  # the value objects' checks follow the schema's
        "plans[0].term",
    ]
    assert dict(found)["plans[0].term"] == "-6 is not a whole number from 1 to 1200"
    assert dict(found)["cashflow.months"] == "0 is not a whole number from 1 to 1200"


def test_the_document_given_is_not_changed():
    doc = mutated(lambda d: d["plans"][3].update(colour="red"))
    before = copy.deepcopy(doc)
    problems_of(doc)
    assert doc == before


def test_check_keeps_what_it_does_not_refuse():
    doc, problems, flawed = schema.check(
        {"borrower": {"name": "A", "x": 1}, "plans": [{"name": "p"}, 5], "claim": {}}
    )
    assert doc["borrower"] == {"name": "A"} and doc["plans"] == [{"name": "p"}, schema.GONE]
    assert "plans[1]" in flawed and "claim" in flawed  # claim lacks its required keys
    assert ("cashflow", "is missing (required)") in problems


# ----------------------------------------------------------------------------------------
# amounts digit for digit
# ----------------------------------------------------------------------------------------
amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2, allow_nan=False
)


def small_doc(principal_literal: str) -> str:
    return f"""
[borrower]
name = "Acme Ltd"
[creditor]
name = "First Bank"
[claim]
principal = {principal_literal}
annual_rate = 0.0435
as_of = 2026-06-30
[cashflow]
start = "2026-07"
values = [15000.0, 15000.0]
"""


@SETTINGS
@given(amounts, st.integers(min_value=0, max_value=2))
def test_toml_amounts_are_read_digit_for_digit(amount, zeros):
    written = f"{amount:f}" + "0" * zeros  # 1200.50, 1200.500 ... as written in the file
    case = Case.loads(small_doc(written))
    assert case.claim.principal.as_tuple() == Decimal(written).quantize(Decimal("0.01")).as_tuple()
    assert str(case.claim.annual_rate) == "0.0435"


@SETTINGS
@given(amounts)
def test_json_numbers_are_read_digit_for_digit(amount):
    doc = json.loads(Case.loads(small_doc("1.00")).dumps("json"))
    text = json.dumps(doc).replace('"principal": "1.00"', f'"principal": {amount:f}')
    case = Case.loads(text, "json")
    assert case.claim.principal == amount and str(case.claim.principal) == f"{amount:f}"


# ----------------------------------------------------------------------------------------
# the JSON Schema export, checked by an independent validator
# ----------------------------------------------------------------------------------------
jsonschema = pytest.importorskip("jsonschema")
SCHEMA = Case.json_schema()
SAMPLE_JSON = json.loads(Case.sample().dumps("json"))


def test_the_exported_schema_is_a_valid_json_schema_the_sample_satisfies():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(SAMPLE_JSON, SCHEMA)
    data_case = json.loads(Case.loads(small_doc("1200.00")).dumps("json"))
    jsonschema.validate(data_case, SCHEMA)


def tables_of(doc, loc=()):
    """Every table of the document, with its path."""
    if isinstance(doc, dict):
        yield loc, doc
        for k, v in doc.items():
            if k not in ("options", "backtest") and not (loc and loc[0] == "meeting"):
                yield from tables_of(v, loc + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from tables_of(v, loc + (i,))


TABLES = [t for t in tables_of(SAMPLE_JSON) if not (t[0] and t[0][0] == "meeting")]


@SETTINGS
@given(st.sampled_from(range(len(TABLES))), st.sampled_from(["colour", "termm", "Name"]))
def test_an_unknown_key_anywhere_is_refused_by_both_validators(i, key):
    doc = copy.deepcopy(SAMPLE_JSON)
    path, _ = TABLES[i]
    table = doc
    for part in path:
        table = table[part]
    table[key] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)
    where = schema._where(path + (key,))
    found = problems_of(doc)
    assert [loc for loc, _ in found] == [where]
    assert found[0][1].startswith("is not a key of ")


def test_reading_the_package_does_not_import_pydantic():
    code = "import sys, repayplan.case; print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
