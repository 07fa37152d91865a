"""Security per account in the portfolio: values_many and the portfolio against
Enforcement.from_security built one account at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan import security
from repayplan.cashflow import DEFAULT_PROJECTION_START
from repayplan.errors import InputError
from repayplan.portfolio import (
    ERROR_COLUMNS,
    SECURITY_COLUMNS,
    evaluate,
    scenario_cash,
    standard_offers,
    synthetic_book,
)


def secure(book: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Give a seeded share of the accounts one collateral item and/or one guarantee."""
    rng = np.random.default_rng(seed)
    n = len(book)
    book = book.copy()
    hc, hg = rng.random(n) < 0.6, rng.random(n) < 0.45
    rank = rng.integers(1, 4, n)
    book["collateral_appraisal"] = np.where(
        hc, np.round(book["principal"] * rng.uniform(0.05, 1.6, n), 2), np.nan
    )
    book["collateral_kind"] = pd.Series(
        np.where(hc, rng.choice(list(security.KINDS), n), None), dtype=object
    )
    book["lien_rank"] = np.where(hc, rank, np.nan)
    book["prior_claims"] = np.where(
        hc & (rank > 1), np.round(book["principal"] * rng.uniform(0.05, 0.6, n), 2), np.nan
    )
    book["guarantee_capacity"] = np.where(
        hg, np.round(book["principal"] * rng.uniform(0, 1.2, n), 2), np.nan
    )
    book["guarantee_recovery_rate"] = np.where(hg, np.round(rng.uniform(0, 1, n), 2), np.nan)
    book["guarantee_kind"] = pd.Series(
        np.where(hg, rng.choice(["joint", "general"], n), None), dtype=object
    )
    book["recovery_rate"] = np.where(rng.random(n) < 0.3, 0.0, book["recovery_rate"])
    return book


def one_by_one(row) -> tuple:
    """The account's own Claim and Security, built as a user would (the oracle's inputs)."""
    claim = rp.Claim(
        principal=row["principal"],
        interest=row["interest"],
        penalty=row["penalty"],
        fees=row["fees"],
        annual_rate=row["annual_rate"],
        as_of=pd.Timestamp(row["as_of"]).date(),
    )
    coll = (
        []
        if pd.isna(row["collateral_appraisal"])
        else [
            rp.Collateral(
                "c",
                appraisal=row["collateral_appraisal"],
                kind=row["collateral_kind"],
                lien_rank=1 if pd.isna(row["lien_rank"]) else int(row["lien_rank"]),
                prior_claims=0 if pd.isna(row["prior_claims"]) else row["prior_claims"],
            )
        ]
    )
    gua = (
        []
        if pd.isna(row["guarantee_capacity"])
        else [
            rp.Guarantee(
                "g",
                capacity=row["guarantee_capacity"],
                recovery_rate=row["guarantee_recovery_rate"],
                kind=row["guarantee_kind"],
            )
        ]
    )
    return claim, rp.Security(
        collateral=coll, guarantees=gua, unsecured_recovery=row["recovery_rate"]
    )


BOOK = secure(synthetic_book(30, seed=21), 5)


@pytest.mark.parametrize("discount_rate", [0.0, 0.06, 0.15])
def test_values_many_equals_enforcement_from_security_one_by_one(discount_rate):
    got = security.values_many(BOOK, discount_rate=discount_rate)
    for i, row in BOOK.iterrows():
        claim, sec = one_by_one(row)
        want = rp.Enforcement.from_security(sec, claim, exact=True).path.value(
            discount_rate=discount_rate
        )
        assert got[i] == pytest.approx(want, rel=1e-9, abs=1e-6), row["account_id"]


def test_values_many_on_what_a_plan_left_unpaid_equals_the_path_on_it():
    rng = np.random.default_rng(3)
    total = BOOK[["principal", "interest", "penalty", "fees"]].sum(axis=1).to_numpy()
    owed = np.round(total * rng.uniform(0, 1.3, len(BOOK)), 2)
    owed[:4] = [
        0.0,
        0.01,
        float(BOOK["principal"].iloc[2]),
        float(BOOK["principal"].iloc[3] + BOOK["interest"].iloc[3]),
    ]
    got = security.values_many(BOOK, owed=owed, discount_rate=0.07)
    for i, row in BOOK.iterrows():
        claim, sec = one_by_one(row)
        want = security.EnforcementPath(sec, claim, exact=True).value(
            owed=owed[i], discount_rate=0.07
        )
        assert got[i] == pytest.approx(want, rel=1e-9, abs=1e-6), row["account_id"]


def test_a_certain_first_round_sale_by_hand():
    """The EnforcementPath docstring's lathe, in a book: 1,000,000 at 5%, equipment appraised at
    600,000 sold in round 1 at the 70% floor; every step certain (a custom procedure)."""
    proc = security.Procedure(judgment_probability=1, appeal_probability=0, distribution_months=0)
    row = {
        "principal": 1_000_000.0,
        "interest": 0.0,
        "penalty": 0.0,
        "fees": 0.0,
        "annual_rate": 0.05,
        "as_of": pd.Timestamp("2026-01-01"),
        "recovery_rate": 0.0,
    }
    claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=pd.Timestamp("2026-01-01").date())
    # a deposit collected in full (probability 1 by default): cash 600,000 less the execution fee
    book = pd.DataFrame([{**row, "collateral_appraisal": 600_000.0, "collateral_kind": "deposits"}])
    path = security.EnforcementPath(
        security.Security(
            collateral=[security.Collateral("d", appraisal=600_000, kind="deposits")]
        ),
        claim,
        proc,
        exact=True,
    )
    w = path.waterfall(discount_rate=0.0)
    fees = security.court_fees(1_000_000)
    # undiscounted: what the creditor gets is the deposit less the execution fee, less its advances
    want = float(w.loc["d", "cash"]) - float(fees["acceptance"] + fees["preservation"])
    assert security.values_many(book, procedure=proc, discount_rate=0.0)[0] == pytest.approx(
        want, abs=1e-6
    )
    assert float(w.loc["d", "proceeds"]) == 600_000.0


def test_unsecured_accounts_keep_the_quick_form_and_secured_ones_follow_the_path():
    offers = standard_offers()
    plain = evaluate(
        BOOK.drop(columns=list(SECURITY_COLUMNS)), offers, scenarios=8, progress=False
    ).results
    res = evaluate(BOOK, offers, scenarios=8, progress=False)
    assert res.errors.empty
    got = res.results
    paths = scenario_cash(BOOK, 60, scenarios=8)
    secured = BOOK["collateral_appraisal"].notna() | BOOK["guarantee_capacity"].notna()
    assert 5 < secured.sum() < len(BOOK)
    for i, row in BOOK.iterrows():
        mine = got[got["account_id"] == row["account_id"]].set_index("offer")
        if not secured[i]:
            pd.testing.assert_frame_equal(
                mine, plain[plain["account_id"] == row["account_id"]].set_index("offer")
            )
            continue
        claim, sec = one_by_one(row)
        enf = rp.Enforcement.from_security(sec, claim, exact=True)
        cf = rp.CashFlow(
            paths[i],
            start=DEFAULT_PROJECTION_START,
            buffer=row["cash_buffer"],
            minimum_cash=row["minimum_cash"],
        )
        want = rp.evaluate(offers, claim, cf, rp.Creditor(0.06, enf), check_rules=False)
        for col in ("enforcement_npv", "creditor_npv", "default_probability", "irr", "min_dscr"):
            np.testing.assert_allclose(
                mine[col].to_numpy(float),
                want[col].to_numpy(float),
                rtol=1e-9,
                atol=1e-6,
                err_msg=f"{row['account_id']} {col}",
            )
        # a default part-way enforces on what is owed then, on a grid of 33 owed amounts per account,
        # interpolated: within 0.5% of the claim of the exact path
        total = float(claim.total)
        np.testing.assert_allclose(
            mine["expected_npv"].to_numpy(float),
            want["expected_npv"].to_numpy(float),
            atol=5e-3 * total,
            err_msg=row["account_id"],
        )


def test_bad_security_cells_land_in_errors_naming_the_row_and_column():
    book = BOOK.copy()
    book.loc[1, "collateral_appraisal"] = -5.0
    book.loc[3, "collateral_kind"] = "boat"
    book.loc[5, ["collateral_appraisal", "collateral_kind", "lien_rank", "prior_claims"]] = [
        1e5,
        "equity",
        2,
        np.nan,
    ]
    book.loc[7, "guarantee_recovery_rate"] = 1.5
    book.loc[9, ["guarantee_capacity", "guarantee_kind"]] = [np.nan, "general"]
    book.loc[11, "lien_rank"] = 0.5
    book.loc[13, ["collateral_appraisal", "collateral_kind"]] = [2e5, None]
    res = evaluate(book, standard_offers()[:1], scenarios=4, progress=False)
    assert list(res.errors.columns) == ERROR_COLUMNS
    fields = dict(zip(res.errors["index"], res.errors["field"], strict=True))
    assert fields == {
        1: "collateral_appraisal",
        3: "collateral_kind",
        5: "prior_claims",
        7: "guarantee_recovery_rate",
        9: "guarantee_capacity",
        11: "lien_rank",
        13: "collateral_kind",
    }
    assert res.results["account_id"].nunique() + len(res.errors) == len(book)
    assert "boat" in res.errors.set_index("index").loc[3, "reason"]
    with pytest.raises(InputError, match=r"accounts\.collateral_kind\[3\]"):
        security.values_many(book.iloc[2:5])


def test_dask_gives_the_pandas_numbers():
    dd = pytest.importorskip("dask.dataframe")
    offers = standard_offers()[:2]
    want = evaluate(BOOK, offers, scenarios=4, progress=False)
    got = evaluate(
        dd.from_pandas(BOOK, npartitions=3), offers, scenarios=4, progress=False
    ).compute(progress=False)
    # equal to the last bit; Dask keeps text as pyarrow strings, so the ids are compared by value
    assert got.results["account_id"].tolist() == want.results["account_id"].tolist()
    pd.testing.assert_frame_equal(
        got.results.drop(columns="account_id"),
        want.results.drop(columns="account_id"),
        check_exact=True,
    )
    assert got.errors.empty
    bad = BOOK.copy()
    bad.loc[[4, 17], "collateral_kind"] = "boat"
    lazy = evaluate(
        dd.from_pandas(bad, npartitions=3), offers, scenarios=4, progress=False
    ).compute(progress=False)
    assert lazy.errors["index"].tolist() == [4, 17] and set(lazy.errors["field"]) == {
        "collateral_kind"
    }


def test_values_many_refuses_what_it_cannot_read():
    with pytest.raises(InputError, match="accounts.columns"):
        security.values_many(BOOK.drop(columns=["as_of"]))
    with pytest.raises(InputError, match="owed"):
        security.values_many(BOOK, owed=[1.0])
    with pytest.raises(InputError, match="procedure"):
        security.values_many(BOOK, procedure="quick")
    with pytest.raises(InputError, match="accounts"):
        security.values_many([1, 2])


@settings(max_examples=25, deadline=None)
@given(
    principal=st.integers(1_000_00, 50_000_000_00),
    interest=st.integers(0, 500_000_00),
    rate=st.integers(0, 2400),
    day=st.integers(0, 900),
    kind=st.sampled_from([None, *security.KINDS]),
    appraisal=st.integers(1, 80_000_000_00),
    rank=st.integers(1, 3),
    prior=st.integers(1, 20_000_000_00),
    capacity=st.one_of(st.none(), st.integers(0, 30_000_000_00)),
    g_rate=st.integers(0, 100),
    general=st.booleans(),
    u=st.integers(0, 100),
    share=st.integers(0, 130),
)
def test_any_account_equals_its_own_path(
    principal,
    interest,
    rate,
    day,
    kind,
    appraisal,
    rank,
    prior,
    capacity,
    g_rate,
    general,
    u,
    share,
):
    row = {
        "account_id": "H",
        "principal": principal / 100,
        "interest": interest / 100,
        "penalty": interest / 300,
        "fees": 0.0,
        "annual_rate": rate / 10_000,
        "as_of": pd.Timestamp("2026-01-31") + pd.Timedelta(days=day),
        "recovery_rate": u / 100,
        "collateral_appraisal": np.nan if kind is None else appraisal / 100,
        "collateral_kind": kind,
        "lien_rank": np.nan if kind is None else rank,
        "prior_claims": prior / 100 if kind is not None and rank > 1 else np.nan,
        "guarantee_capacity": np.nan if capacity is None else capacity / 100,
        "guarantee_recovery_rate": np.nan if capacity is None else g_rate / 100,
        "guarantee_kind": None if capacity is None else ("general" if general else "joint"),
    }
    row["penalty"] = round(row["penalty"], 2)
    book = pd.DataFrame([row])
    claim, sec = one_by_one(book.iloc[0])
    owed = round(float(claim.total) * share / 100, 2)
    path = security.EnforcementPath(sec, claim, exact=True)
    got = security.values_many(book, owed=[owed])[0], security.values_many(book)[0]
    want = path.value(owed=owed), path.value()
    assert got == pytest.approx(want, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize(
    "principal", [21_474_836.47, 21_474_836.48, 100_000_000.0, 3_000_000_000.0]
)
def test_a_large_claim_does_not_overflow_the_single_path(principal):
    """From 2**31 fen the product owed × principal of EnforcementPath overflowed int64 (the value
    jumped by 169,000 at 21,474,836.48); both paths now agree there and beyond."""
    row = {
        "principal": principal,
        "interest": 0.0,
        "penalty": 0.0,
        "fees": 0.0,
        "annual_rate": 0.05,
        "as_of": pd.Timestamp("2026-01-31"),
        "recovery_rate": 0.1,
        "collateral_appraisal": round(principal * 0.8, 2),
        "collateral_kind": "real_estate",
        "lien_rank": np.nan,
        "prior_claims": np.nan,
        "guarantee_capacity": np.nan,
        "guarantee_recovery_rate": np.nan,
        "guarantee_kind": None,
    }
    claim, sec = one_by_one(pd.Series(row))
    one = security.EnforcementPath(sec, claim, exact=True).value()
    assert security.values_many(pd.DataFrame([row]))[0] == pytest.approx(one, rel=1e-9)
    small = security.EnforcementPath(
        sec.replace(collateral=[sec.collateral[0].replace(appraisal=17_179_869.18)]),
        claim.replace(principal=21_474_836.47),
        exact=True,
    ).value()
    if principal == 21_474_836.48:  # one fen more owed: nearly the same value
        assert one == pytest.approx(small, rel=1e-6)


def test_results_do_not_depend_on_the_blocks():
    offers = standard_offers()[:2]
    want = evaluate(BOOK, offers, scenarios=4, progress=False).results
    got = evaluate(BOOK, offers, scenarios=4, chunk=7, progress=False).results
    pd.testing.assert_frame_equal(got, want, check_exact=True)
