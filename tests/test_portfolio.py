"""Portfolio scale: every figure against rp.evaluate per account, closed forms, and Dask."""

from __future__ import annotations

import gc
import math
import os
from datetime import date
from decimal import Decimal

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.cashflow import DEFAULT_PROJECTION_START
from repayplan.errors import InputError
from repayplan.negotiate import Constraints
from repayplan.portfolio import (
    ACCOUNT_COLUMNS,
    ERROR_COLUMNS,
    POOL_PATHS,
    RESULT_COLUMNS,
    SUGGEST_COLUMNS,
    WORKER_MALLOC,
    WORKER_PRELOAD,
    evaluate,
    local_cluster,
    scenario_cash,
    standard_offers,
    suggest,
    synthetic_book,
    worker_config,
)

METRIC_COLUMNS = [c for c in rp.evaluate.__globals__["METRICS"] if c != "rule_findings"]

# offers that exercise every path of the terms and the engine: waivers (conditional or not),
# a fixed rate, interest-only and deferral grace, arrears at signing with a down payment,
# equal principal, interest only, and a lump-sum settlement
OFFERS = [
    *standard_offers(),
    rp.Plan(settlement_discount=0.2, settlement_by=2, name="settle"),
    rp.Plan(
        term=48,
        grace=6,
        grace_kind="deferral",
        annual_rate=0.03,
        interest_waiver=0.3,
        waivers_conditional=False,
        name="deferral",
    ),
    rp.Plan(
        term=18,
        method="equal_principal",
        capitalize_arrears=False,
        down_payment=1_000,
        name="equal",
    ),
    rp.Plan(term=12, method="interest_only", haircut=0.1, name="bullet"),
]


def account(**kw):
    row = {
        "account_id": "X",
        "principal": 1_000_000.0,
        "interest": 30_000.0,
        "penalty": 12_000.0,
        "fees": 0.0,
        "annual_rate": 0.0435,
        "as_of": pd.Timestamp("2026-12-01"),
        "cash_mean": 60_000.0,
        "cash_trend": 0.0,
        "cash_volatility": 0.0,
        "recovery_rate": 0.5,
        "enforcement_costs": 50_000.0,
        "enforcement_delay_months": 18,
    }
    row.update(kw)
    return row


def oracle(row, offers, paths, *, discount_rate=0.06, borrower=None) -> pd.DataFrame:
    """rp.evaluate on the account's own Claim, CashFlow and Creditor (one claim at a time)."""
    claim = rp.Claim(
        principal=row["principal"],
        interest=row["interest"],
        penalty=row["penalty"],
        fees=row["fees"],
        annual_rate=row["annual_rate"],
        as_of=pd.Timestamp(row["as_of"]).date(),
    )
    cf = rp.CashFlow(
        paths,
        start=DEFAULT_PROJECTION_START,
        buffer=row.get("cash_buffer", 0.0),
        minimum_cash=row.get("minimum_cash", 0.0),
    )
    creditor = rp.Creditor(
        discount_rate,
        rp.Enforcement(
            recovery_rate=row["recovery_rate"],
            delay_months=int(row["enforcement_delay_months"]),
            costs=row["enforcement_costs"],
        ),
    )
    return rp.evaluate(offers, claim, cf, creditor, borrower=borrower, check_rules=False)


def horizon(offers):
    return max((p.settlement_by or 1) if p.is_settlement else p.term for p in offers)


# --------------------------------------------------------------------------------------
# the same figures as rp.evaluate, account by account
# --------------------------------------------------------------------------------------
def test_every_metric_equals_rp_evaluate_on_each_accounts_own_claim():
    book = synthetic_book(24, seed=11)
    book["minimum_cash"] = np.where(np.arange(24) % 3 == 0, 5_000.0, 0.0)
    borrower = rp.Borrower(discount_rate=0.12)
    res = evaluate(
        book, OFFERS, scenarios=16, seed=4, discount_rate=0.07, borrower=borrower, progress=False
    )
    assert list(res.results.columns) == RESULT_COLUMNS and res.errors.empty
    paths = scenario_cash(book, horizon(OFFERS), scenarios=16, seed=4)
    for i, row in book.iterrows():
        want = oracle(row, OFFERS, paths[i], discount_rate=0.07, borrower=borrower)
        got = res.results[res.results["account_id"] == row["account_id"]].set_index("offer")
        assert list(got.index) == list(want.index)
        for col in METRIC_COLUMNS:
            np.testing.assert_allclose(
                got[col].to_numpy(float),
                want[col].to_numpy(float),
                rtol=1e-12,
                atol=1e-6,
                err_msg=f"{row['account_id']} {col}",
            )
        exact = sum(
            Decimal(repr(float(row[c]))) for c in ("principal", "interest", "penalty", "fees")
        )
        assert all(x == exact for x in got["claim_total"])  # exact: a Decimal per row


@settings(max_examples=15, deadline=None)
@given(
    principal=st.integers(100_000, 500_000_000),
    rate=st.integers(0, 1500),
    cash=st.integers(0, 100_000_000),
    vol=st.integers(0, 80),
    trend=st.integers(-40, 40),
    buffer=st.integers(0, 20_000_000),
    minimum=st.integers(0, 5_000_000),
    delay=st.integers(0, 36),
    waiver=st.integers(0, 100),
)
def test_any_account_matches_rp_evaluate(
    principal, rate, cash, vol, trend, buffer, minimum, delay, waiver
):
    row = account(
        principal=principal / 100,
        annual_rate=rate / 10_000,
        cash_mean=cash / 100,
        cash_volatility=vol / 100,
        cash_trend=trend / 100,
        cash_buffer=buffer / 100,
        minimum_cash=minimum / 100,
        enforcement_delay_months=delay,
        account_id=f"H{principal}",
    )
    offers = [rp.Plan(term=24, penalty_waiver=waiver / 100), rp.Plan(term=36, grace=3)]
    book = pd.DataFrame([row])
    res = evaluate(book, offers, scenarios=8, progress=False)
    want = oracle(row, offers, scenario_cash(book, 36, scenarios=8)[0])
    for col in METRIC_COLUMNS:
        np.testing.assert_allclose(
            res.results[col].to_numpy(float),
            want[col].to_numpy(float),
            rtol=1e-12,
            atol=1e-6,
            err_msg=col,
        )


# --------------------------------------------------------------------------------------
# closed forms, independent of rp.evaluate
# --------------------------------------------------------------------------------------
def test_ample_cash_pays_in_full_and_the_npv_is_numpy_financials():
    book = pd.DataFrame([account(account_id="rich", cash_mean=10_000_000.0)])
    plan = rp.Plan(term=36, annual_rate=0.05)
    res = evaluate(book, [plan], progress=False).results.iloc[0]
    claim = rp.Claim(
        principal=1_000_000,
        interest=30_000,
        penalty=12_000,
        annual_rate=0.0435,
        as_of=date(2026, 12, 1),
    )
    pays = plan.schedule(claim).minor["payment"].to_numpy() / 100  # months 0..36 from the engine
    assert res["default_probability"] == 0 and res["months_short"] == 0
    assert res["creditor_npv"] == pytest.approx(npf.npv(0.06 / 12, pays), rel=1e-12)
    assert res["expected_npv"] == pytest.approx(res["creditor_npv"], rel=1e-15)
    assert res["irr"] == pytest.approx(
        0.05, abs=1e-6
    )  # nothing waived: the yield is the plan's rate
    # exact: the engine's minor units summed, as a Decimal
    assert res["total_paid"] == Decimal(int(plan.schedule(claim).minor["payment"].sum())).scaleb(-2)


def test_no_cash_defaults_at_once_and_gives_the_enforcement_value():
    book = pd.DataFrame(
        [
            account(
                account_id=f"poor{i}",
                cash_mean=0.0,
                recovery_rate=r,
                enforcement_costs=c,
                enforcement_delay_months=dl,
            )
            for i, (r, c, dl) in enumerate(
                [(0.5, 50_000.0, 18), (0.3, 0.0, 0), (0.7, 10_000.0, 30)]
            )
        ]
    )
    res = evaluate(book, standard_offers(), progress=False).results
    v = 1 / (1 + 0.06 / 12)
    for _, row in book.iterrows():
        enf = (row["recovery_rate"] * 1_042_000 - row["enforcement_costs"]) * v ** row[
            "enforcement_delay_months"
        ]
        got = res[res["account_id"] == row["account_id"]]
        assert (got["default_probability"] == 1.0).all()
        np.testing.assert_allclose(got["expected_npv"], enf, rtol=1e-12)
        np.testing.assert_allclose(got["margin"], 0.0, atol=1e-6)


def test_dscr_and_burden_by_hand_for_flat_cash():
    # 12 months at 0%: 11 payments of 86,833.33 and a last of 86,833.37 (the residual)
    book = pd.DataFrame([account(account_id="flat", cash_mean=173_666.66)])
    res = evaluate(book, [rp.Plan(term=12, annual_rate=0.0)], progress=False).results.iloc[0]
    assert res["min_dscr"] == pytest.approx(173_666.66 / 86_833.37, rel=1e-12)
    # the lenders' annual DSCR: the plan year's cash over its payments (no volatility: p5 = mean)
    assert res["dscr_p5"] == pytest.approx(
        12 * 173_666.66 / (11 * 86_833.33 + 86_833.37), rel=1e-12
    )
    v = 1 / 1.005
    pv_pay = sum(86_833.33 * v**k for k in range(1, 12)) + 86_833.37 * v**12
    pv_cf = sum(173_666.66 * v**k for k in range(1, 13))
    assert res["burden"] == pytest.approx(pv_pay / pv_cf, rel=1e-12)
    assert res["peak_payment"] == Decimal("86833.37") and res["term"] == 12


# --------------------------------------------------------------------------------------
# cash scenarios
# --------------------------------------------------------------------------------------
def test_without_volatility_the_cash_is_the_projection_closed_form():
    book = pd.DataFrame(
        [
            account(account_id=f"c{i}", cash_mean=m, cash_trend=g)
            for i, (m, g) in enumerate([(45_000.0, -0.10), (12_345.67, 0.05), (0.0, 0.0)])
        ]
    )
    paths = scenario_cash(book, 36, scenarios=3)
    for i, row in book.iterrows():
        m, g = row["cash_mean"], row["cash_trend"]
        closed = np.array(
            [m * (1 + g) ** (k / 12) for k in range(36)]
        )  # CashFlow.project's formula
        np.testing.assert_allclose(paths[i], np.broadcast_to(closed, (3, 36)), rtol=1e-15)
        if m > 0:
            proj = rp.CashFlow.project(base=m, months=36, trend=g).values[0]
            np.testing.assert_allclose(paths[i, 0], proj, rtol=1e-15)
    assert paths[0, 0, 12] == pytest.approx(40_500.0, rel=1e-15)  # a year later, 10% less


def test_cash_noise_has_mean_one_and_the_stated_volatility():
    # lognormal with sigma^2 = ln(1 + vol^2): mean m, coefficient of variation vol
    # (Aitchison & Brown 1957), checked over the whole pool of paths
    book = pd.DataFrame([account(account_id="noisy", cash_mean=50_000.0, cash_volatility=0.3)])
    x = scenario_cash(book, 6, scenarios=4096)[0] / 50_000.0  # 4096 × 6
    se = 0.3 / math.sqrt(4096)
    assert np.all(np.abs(x.mean(axis=0) - 1.0) < 5 * se)
    assert np.all(np.abs(x.std(axis=0) - 0.3) < 0.05)
    logs = np.log(x)
    np.testing.assert_allclose(logs.std(axis=0), math.sqrt(math.log1p(0.09)), rtol=0.06)
    assert len(np.unique(x, axis=0)) == 4096 <= POOL_PATHS  # distinct paths of the pool


def test_an_accounts_scenarios_depend_on_its_id_and_seed_only():
    book = synthetic_book(40, seed=2)
    full = scenario_cash(book, 24, scenarios=32, seed=9)
    shuffled = book.sample(frac=1.0, random_state=1)
    again = scenario_cash(shuffled, 24, scenarios=32, seed=9)
    for pos, idx in enumerate(shuffled.index):
        np.testing.assert_array_equal(again[pos], full[idx])
    assert np.array_equal(scenario_cash(book.iloc[[5]], 24, scenarios=32, seed=9)[0], full[5])
    assert not np.array_equal(scenario_cash(book, 24, scenarios=32, seed=10), full)
    # a longer horizon extends the paths without changing the months already drawn
    np.testing.assert_array_equal(scenario_cash(book, 36, scenarios=32, seed=9)[:, :, :24], full)
    # different accounts draw (nearly) different paths
    z = np.log(full[:, :, 0] / full[:, :, 0].mean(axis=1, keepdims=True))
    assert len({tuple(np.round(r, 9)) for r in z}) == 40


def test_results_do_not_depend_on_blocks_or_on_the_other_rows():
    book = synthetic_book(60, seed=8)
    whole = evaluate(book, OFFERS, scenarios=12, progress=False).results
    small = evaluate(book, OFFERS, scenarios=12, chunk=7, progress=False).results
    pd.testing.assert_frame_equal(whole, small, check_exact=True)
    part = evaluate(book.iloc[20:35], OFFERS, scenarios=12, progress=False).results
    pd.testing.assert_frame_equal(
        part,
        whole.iloc[20 * len(OFFERS) : 35 * len(OFFERS)].reset_index(drop=True),
        check_exact=True,
    )


def test_wide_blocks_give_every_account_the_same_bits_as_narrow_ones():
    """Blocks of thousands of accounts against blocks of 300 (the last one 200 wide) and a
    slice of the book: numpy's vectorised loops must see every account alike (a broadcast
    power once gave the cash trend of some accounts another last bit in a narrow block)."""
    book = synthetic_book(3_200, seed=21)  # one block 3,200 wide at 12 scenarios
    offers = standard_offers()
    whole = evaluate(book, offers, scenarios=12, progress=False).results
    narrow = evaluate(book, offers, scenarios=12, chunk=300, progress=False).results
    pd.testing.assert_frame_equal(whole, narrow, check_exact=True)
    part = evaluate(book.iloc[700:3_100], offers, scenarios=12, progress=False).results
    pd.testing.assert_frame_equal(
        part, whole.iloc[700 * 3 : 3_100 * 3].reset_index(drop=True), check_exact=True
    )
    cash = scenario_cash(book, 60, scenarios=12)
    np.testing.assert_array_equal(scenario_cash(book.iloc[3_190:], 60, scenarios=12), cash[3_190:])


# --------------------------------------------------------------------------------------
# bad rows: reported, never dropped silently
# --------------------------------------------------------------------------------------
def bad_book():
    book = synthetic_book(12, seed=4)
    book = book.astype({"as_of": object, "enforcement_delay_months": float, "account_id": object})
    book.loc[1, "principal"] = -5.0
    book.loc[3, "annual_rate"] = np.nan
    book.loc[4, "as_of"] = "not a date"
    book.loc[5, "cash_volatility"] = -0.1
    book.loc[6, "interest"] = 10.005  # a tenth of a fen
    book.loc[7, "enforcement_delay_months"] = 1.5
    book.loc[8, ["principal", "annual_rate"]] = [-1.0, 2.0]
    book.loc[9, "account_id"] = None
    return book


def test_bad_rows_are_reported_once_with_reason_and_the_rest_is_processed():
    book = bad_book()
    res = evaluate(book, standard_offers(), scenarios=8, progress=False)
    err = res.errors
    assert list(err.columns) == ERROR_COLUMNS
    assert list(err["index"]) == [1, 3, 4, 5, 6, 7, 8, 9]
    assert list(err["field"]) == [
        "principal",
        "annual_rate",
        "as_of",
        "cash_volatility",
        "interest",
        "enforcement_delay_months",
        "principal",
        "account_id",
    ]
    assert (
        err.loc[0, "reason"]
        == "principal == -5.0, must be an amount > 0 with at most 2 decimal places"
    )
    assert err.loc[1, "reason"].startswith("annual_rate == nan, must be a rate >= 0 and <= 1")
    assert "'not a date'" in err.loc[2, "reason"]
    assert err.loc[6, "reason"].count(";") == 1 and "annual_rate == 2.0" in err.loc[6, "reason"]
    assert err.loc[1, "account_id"] == book.loc[3, "account_id"]
    # rows in = accounts out + rows in errors, and the good accounts are untouched
    assert res.results["account_id"].nunique() + len(err) == len(book)
    good = evaluate(
        book.drop(index=err["index"]), standard_offers(), scenarios=8, progress=False
    ).results
    pd.testing.assert_frame_equal(res.results, good, check_exact=True)


def test_an_offer_that_cannot_apply_to_an_account_is_that_accounts_error():
    book = pd.DataFrame(
        [
            account(account_id="big"),
            account(account_id="small", principal=900.0, interest=0.0, penalty=0.0),
        ]
    )
    res = evaluate(book, [rp.Plan(term=12, down_payment=1_000)], progress=False)
    assert list(res.results["account_id"]) == ["big"]
    assert (
        list(res.errors["account_id"]) == ["small"]
        and res.errors.loc[0, "field"] == "offers[0].down_payment"
    )
    assert "900.00" in res.errors.loc[0, "reason"]


def test_whole_book_problems_raise_input_errors():
    book = synthetic_book(3)
    with pytest.raises(InputError, match="accounts.columns"):
        evaluate(book.drop(columns="cash_trend"), standard_offers(), progress=False)
    with pytest.raises(InputError, match=r"offers\[0\].balloon"):
        evaluate(book, [rp.Plan(term=36, balloon=0.2)], progress=False)
    with pytest.raises(InputError, match="offers"):
        evaluate(book, [], progress=False)
    with pytest.raises(InputError, match="scenarios"):
        evaluate(book, standard_offers(), scenarios=0, progress=False)
    with pytest.raises(InputError, match="accounts"):
        evaluate(book.to_dict(), standard_offers(), progress=False)
    with pytest.raises(InputError, match=r"accounts.cash_volatility\[1\]"):
        scenario_cash(book.assign(cash_volatility=[0.1, -1.0, 0.1]), 12)


# --------------------------------------------------------------------------------------
# suggest: the best offer per account
# --------------------------------------------------------------------------------------
def test_suggest_picks_the_best_feasible_offer_by_hand():
    book = synthetic_book(80, seed=5)
    long = evaluate(book, standard_offers(), scenarios=16, progress=False).results
    best = suggest(book, scenarios=16, progress=False).results
    assert list(best.columns) == SUGGEST_COLUMNS and len(best) == len(book)
    ok = (long["dscr_p5"] >= 1.2) & (long["margin"] >= 0)
    for acc, rows in long.groupby("account_id", sort=False):
        got = best[best["account_id"] == acc].iloc[0]
        feas = rows[ok[rows.index]]
        if feas.empty:
            assert (
                got["action"] == "enforce"
                and pd.isna(got["offer"])
                and np.isnan(got["expected_npv"])
            )
            assert (
                got["binding"] != "" and got["enforcement_npv"] == rows["enforcement_npv"].iloc[0]
            )
        else:
            top = feas.loc[feas["expected_npv"].idxmax()]
            assert (
                got["action"] == "offer" and got["offer"] == top["offer"] and got["binding"] == ""
            )
            assert got["objective"] == top["expected_npv"] and got["dscr_p5"] == top["dscr_p5"]
    assert {"offer", "enforce"} <= set(best["action"])


def test_suggest_nash_uses_the_nash_product():
    book = synthetic_book(40, seed=6)
    long = evaluate(book, standard_offers(), scenarios=16, progress=False).results
    cons = Constraints(min_dscr=None)
    best = suggest(
        book, objective="nash", beta=0.3, constraints=cons, scenarios=16, progress=False
    ).results
    sc = long["expected_npv"] - long["enforcement_npv"]
    sb = long["borrower_alternative"] - long["borrower_cost"]
    with np.errstate(divide="ignore", invalid="ignore"):
        nash = np.where((sc > 0) & (sb > 0), 0.3 * np.log(sc) + 0.7 * np.log(sb), -np.inf)
    long = long.assign(nash=nash, ok=long["margin"] >= 0)
    for acc, rows in long.groupby("account_id", sort=False):
        got = best[best["account_id"] == acc].iloc[0]
        feas = rows[rows["ok"]]
        if feas.empty:
            assert got["action"] == "enforce" and got["binding"] == "min_margin"
        else:
            top = feas.iloc[int(np.argmax(feas["nash"].to_numpy()))]
            assert got["offer"] == top["offer"]


def test_when_each_constraint_is_met_by_some_offer_but_none_meets_all():
    # the long plan is affordable but too long; the short one is within the term but unaffordable
    book = pd.DataFrame([account(account_id="tight", cash_mean=25_000.0)])
    offers = [rp.Plan(term=12, name="short"), rp.Plan(term=60, name="long")]
    res = suggest(
        book, offers, constraints=Constraints(min_dscr=1.0, max_term=24), progress=False
    ).results
    assert res.loc[0, "action"] == "enforce"
    assert res.loc[0, "binding"] == "no single offer meets every constraint"


def test_suggest_input_errors():
    with pytest.raises(InputError, match="objective"):
        suggest(synthetic_book(2), objective="waterfall", progress=False)
    with pytest.raises(InputError, match="constraints"):
        suggest(synthetic_book(2), constraints={"min_dscr": 1}, progress=False)


# --------------------------------------------------------------------------------------
# the synthetic book, the result object, the progress bar
# --------------------------------------------------------------------------------------
def test_synthetic_book_is_seeded_whole_fen_and_has_every_documented_column():
    a, b = synthetic_book(500, seed=7), synthetic_book(500, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(synthetic_book(500, seed=8))
    assert list(a.columns) == list(ACCOUNT_COLUMNS)
    for c in (
        "principal",
        "interest",
        "penalty",
        "fees",
        "cash_mean",
        "enforcement_costs",
        "cash_buffer",
    ):
        assert all(Decimal(repr(x)).as_tuple().exponent >= -2 for x in a[c]), (
            c
        )  # as typed: whole fen
    assert a["account_id"].is_unique and (a["principal"] > 0).all()
    spoiled = synthetic_book(100, seed=7, bad_rows=5)
    assert len(evaluate(spoiled, standard_offers(), scenarios=4, progress=False).errors) == 5


def test_result_unpacks_and_shows_itself():
    res = evaluate(synthetic_book(5, bad_rows=1), standard_offers(), scenarios=4, progress=False)
    results, errors = res
    assert results is res.results and errors is res.errors and res.compute() is res
    assert repr(res) == "PortfolioResult(12 rows for 4 accounts, 1 errors)"
    assert "<table" in res._repr_html_()


def test_progress_bar_can_be_shown_and_switched_off(capsys):
    book = synthetic_book(30)
    evaluate(book, standard_offers(), scenarios=4, progress=True)
    assert "30/30" in capsys.readouterr().err
    evaluate(book, standard_offers(), scenarios=4, progress=False)
    assert capsys.readouterr().err == ""
    with pytest.raises(InputError, match="progress"):
        evaluate(book, standard_offers(), progress="yes")


# --------------------------------------------------------------------------------------
# Dask: the same figures, partition by partition, on a local cluster of worker processes
# --------------------------------------------------------------------------------------
def same(got: pd.DataFrame, want: pd.DataFrame):
    """Equal to the last bit.  Dask keeps text as pyarrow strings (its ``convert-string``
    setting), so the id column comes back in that dtype: its values must match."""
    assert got["account_id"].tolist() == want["account_id"].tolist()
    pd.testing.assert_frame_equal(
        got.drop(columns="account_id"), want.drop(columns="account_id"), check_exact=True
    )


def test_dask_on_a_local_cluster_gives_exactly_the_pandas_results():
    import dask.dataframe as dd
    import distributed

    book = synthetic_book(400, seed=12, bad_rows=6)
    offers = OFFERS[:5]
    want = evaluate(book, offers, scenarios=16, progress=False)
    want_best = suggest(book, offers, scenarios=16, progress=False)
    ddf = dd.from_pandas(book, npartitions=4)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        lazy = evaluate(ddf, offers, scenarios=16, progress=False)
        assert lazy.is_lazy and "4 partitions" in repr(lazy)
        got = lazy.compute()
        best = suggest(ddf, offers, scenarios=16, progress=True).compute()
    same(got.results, want.results)
    same(got.errors, want.errors)
    same(best.results, want_best.results)
    assert len(got.errors) == 6 and got.results["account_id"].nunique() == 394


def _profiling():
    import dask

    return dask.config.get("distributed.worker.profile.enabled")


def test_local_cluster_gives_its_workers_the_heap_settings_and_the_pandas_results():
    import dask.dataframe as dd
    import distributed

    book = synthetic_book(300, seed=13, bad_rows=3)
    want = evaluate(book, standard_offers(), scenarios=16, progress=False)
    with (
        local_cluster(2, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        env = client.run(lambda: {k: os.environ.get(k) for k in WORKER_MALLOC})
        profiling = client.run(_profiling)
        frozen = client.run(gc.get_freeze_count)  # the preload froze the worker's objects
        threads = {w.nthreads for w in cluster.scheduler.workers.values()}
        got = evaluate(
            dd.from_pandas(book, npartitions=3), standard_offers(), scenarios=16, progress=False
        ).compute()
    assert len(env) == 2 and threads == {1}
    for worker_env in env.values():
        assert worker_env == {k: str(v) for k, v in WORKER_MALLOC.items()}
    assert set(profiling.values()) == {False}
    assert len(frozen) == 2 and min(frozen.values()) > 10_000
    same(got.results, want.results)
    same(got.errors, want.errors)
    conf = worker_config(profile=True)
    assert conf["distributed.worker.profile.enabled"] is True
    assert conf["distributed.nanny.pre-spawn-environ.MALLOC_TOP_PAD_"] == str(64 * 2**20)
    # a preload already configured is kept, ours after it, once
    import dask

    with dask.config.set({"distributed.worker.preload": ["site_setup"]}):
        assert worker_config()["distributed.worker.preload"] == ["site_setup", WORKER_PRELOAD]
    with dask.config.set({"distributed.worker.preload": [WORKER_PRELOAD]}):
        assert worker_config()["distributed.worker.preload"] == [WORKER_PRELOAD]


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: worker_config(profile="no"), "profile"),
        (lambda: local_cluster(0), "n_workers"),
        (lambda: local_cluster(1, processes=False), "processes"),
        (lambda: local_cluster(1, threads_per_worker=4), "threads_per_worker"),
    ],
)
def test_worker_settings_reject_bad_input(call, field):
    with pytest.raises(InputError, match=field):
        call()


def test_a_partition_is_validated_once_for_its_results_and_its_errors(monkeypatch):
    import dask
    import dask.dataframe as dd

    from repayplan import portfolio

    book = synthetic_book(60, seed=5, bad_rows=4)
    want = evaluate(book, standard_offers(), scenarios=8, progress=False)
    lazy = evaluate(
        dd.from_pandas(book, npartitions=3), standard_offers(), scenarios=8, progress=False
    )
    calls = []
    prepare = portfolio._prepare
    monkeypatch.setattr(
        portfolio, "_prepare", lambda df, p: calls.append(len(df)) or prepare(df, p)
    )
    with dask.config.set(scheduler="sync"):
        got = lazy.compute()
    assert sorted(calls) == [20, 20, 20]  # three partitions, each prepared once
    same(got.results, want.results)
    same(got.errors, want.errors)
    # a frame changed in place is a new question on the pandas path: nothing is kept
    book.loc[5, "principal"] = -1.0
    again = evaluate(book, standard_offers(), scenarios=8, progress=False)
    assert len(again.errors) == len(want.errors) + 1


def test_dask_without_a_cluster_uses_the_local_scheduler():
    import dask.dataframe as dd

    book = synthetic_book(50, seed=3, bad_rows=2)
    want = evaluate(book, standard_offers(), scenarios=8, progress=False)
    got = evaluate(
        dd.from_pandas(book, npartitions=3), standard_offers(), scenarios=8, progress=False
    )
    results, errors = got.compute()
    same(results, want.results)
    same(errors, want.errors)
