"""Tests of the forecast fitted to the borrower's history (repayplan.forecast and its doors).

Oracles: synthetic histories with a known truth, ``cash_t = 50,000 (1 + g)^(t/12) w_{t mod 12}
exp(sigma e_t)`` (seasonal shape ``w``, trend ``g``, lognormal noise), so the expected path of
the months held out is known in closed form; the 90% band must cover about 90% of held-out
months across many seeds (a binomial count with a documented tolerance); the seasonal-naive
forecast ``y_{T+h-12}`` recomputed by hand from the series.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from repayplan import CashFlow, Shock, forecast
from repayplan import cashflow as cashflow_module
from repayplan.errors import InputError

SHAPE = np.array([0.6, 0.5, 0.9, 1.0, 1.0, 0.9, 0.9, 1.0, 1.1, 1.3, 1.6, 2.2])
SHAPE = SHAPE * 12 / SHAPE.sum()


def truth(t, trend=-0.05):
    return 50_000 * (1 + trend) ** (t / 12) * SHAPE[t % 12]


def synth(seed, n=60, sigma=0.12, trend=-0.05, start="2021-01"):
    """A history with a known truth: seasonal shape, trend and lognormal noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = truth(t, trend) * np.exp(sigma * rng.standard_normal(n))
    return pd.Series(y, index=pd.period_range(start, periods=n, freq="M"))


def test_seasonal_shape_and_trend_are_recovered():
    history = synth(0, n=60, sigma=0.03)
    cf = CashFlow.from_history(history, months=12, scenarios=1000, seed=1)
    assert str(cf.start) == "2026-01" and cf.values.shape == (1000, 12)
    median = cf.quantile(0.5).to_numpy()
    expected = truth(np.arange(60, 72))
    assert np.max(np.abs(median / expected - 1)) < 0.06
    # the shape alone, each month over the year's mean, against the true weights, within 4%
    # (noise 3% a month over five seasons: a weight is estimated to about 1.5%)
    np.testing.assert_allclose(median / median.mean(), expected / expected.mean(), rtol=0.04)


def test_band_covers_about_90_percent_of_held_out_months_across_seeds():
    """Calibrated coverage near 90%; the plain simulation is measured lower (overconfident).

    30 seeds x 12 held-out months.  Tolerance: 0.84..0.97.  The binomial standard error of 360
    months at 90% is 0.016; months of one seed share a fit, which roughly doubles it, so the
    band is about 3 standard errors around 0.9.  (docs/concepts/forecast.md gives the figures
    of 60 seeds: plain simulation about 0.80, residual bootstrap 0.80, conformal 0.93.)
    """
    plain, calibrated, mape, naive_mape = [], [], [], []
    for seed in range(30):
        s = synth(seed)
        train, test = s.iloc[:48], s.iloc[48:].to_numpy()
        fit = forecast.fit_history(train)
        for how, out in (("none", plain), ("conformal", calibrated)):
            v, _ = forecast.simulate(
                fit, 12, scenarios=500, rng=np.random.default_rng(seed), calibration=how
            )
            lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95], axis=0)
            out.append(np.mean((lo <= test) & (test <= hi)))
            if how == "conformal":
                mape.append(np.mean(np.abs(test - med) / test))
        y = train.to_numpy()
        naive = y[-12:]  # seasonal naive by hand: the same month a year before
        naive_mape.append(np.mean(np.abs(test - naive) / test))
    assert 0.84 <= np.mean(calibrated) <= 0.97, np.mean(calibrated)
    assert np.mean(plain) < np.mean(calibrated) - 0.04  # the plain band is overconfident
    assert np.mean(mape) <= np.mean(naive_mape)


def test_backtest_reports_coverage_and_mape_against_seasonal_naive_recomputed_by_hand():
    s = synth(7, n=72)
    bt = cashflow_module.backtest(s, horizon=12, origins=3, scenarios=300, seed=2)
    assert bt.horizon == 12 and len(bt.origins) == 3
    assert [str(o) for o in bt.origins] == ["2022-12", "2024-06", "2025-12"]
    y = s.to_numpy()
    t = bt.table
    assert len(t) == 36
    for _, row in t.iterrows():
        o = row["origin"].ordinal - s.index[0].ordinal + 1  # months of history
        j = row["ahead"]
        assert row["actual"] == y[o + j - 1]
        assert row["naive"] == pytest.approx(y[o + j - 1 - 12], rel=1e-12)
    inside = ((t["lower"] <= t["actual"]) & (t["actual"] <= t["upper"])).mean()
    assert bt.coverage_90 == inside == bt["coverage_90"]
    assert bt.mape == pytest.approx(np.mean(np.abs(t["actual"] - t["median"]) / t["actual"]))
    ninside = ((t["naive_lower"] <= t["actual"]) & (t["actual"] <= t["naive_upper"])).mean()
    assert bt.seasonal_naive["coverage_90"] == ninside
    assert list(bt.to_frame().index) == ["model", "seasonal_naive"]
    again = cashflow_module.backtest(s, horizon=12, origins=3, scenarios=300, seed=2)
    assert again.coverage_90 == bt.coverage_90 and again.mape == bt.mape
    with pytest.raises(InputError):
        bt["nope"]


def test_backtest_needs_enough_history():
    with pytest.raises(InputError, match="at least 36 months"):
        cashflow_module.backtest(synth(0, n=30), horizon=12)


def test_short_history_falls_back_to_simple_exponential_smoothing_with_a_note():
    cf = CashFlow.from_history(synth(1, n=18), months=6, scenarios=200, seed=0)
    p = cf.provenance
    assert p.model.startswith("ETS(A,N,N)")
    assert any("fewer than two seasons" in n for n in p.notes)
    assert cf.values.shape == (200, 6)
    with pytest.raises(InputError, match="at least 6 months"):
        CashFlow.from_history(synth(1, n=5), months=6)


def test_gaps_duplicates_nans_and_non_positive_months():
    s = synth(2, n=36)
    with pytest.raises(InputError, match="fill or interpolate"):
        CashFlow.from_history(s.drop(s.index[10]), months=12)
    dup = pd.concat([s.iloc[:11], s.iloc[10:]])
    with pytest.raises(InputError, match="appears twice"):
        CashFlow.from_history(dup, months=12)
    nan = s.copy()
    nan.iloc[3] = np.nan
    with pytest.raises(InputError) as e:
        CashFlow.from_history(nan, months=12)
    assert "2021-04" in e.value.field
    neg = s.copy()
    neg.iloc[5] = -1_000.0
    with pytest.raises(InputError) as e:
        CashFlow.from_history(neg, months=12, log=True)
    assert e.value.field == "series at 2021-06"
    cf = CashFlow.from_history(neg, months=12, scenarios=200, seed=0)  # level scale, noted
    assert any("not to its logarithm" in n for n in cf.provenance.notes)
    assert "level scale" in cf.provenance.model


def test_same_seed_same_scenarios_and_the_provenance_records_history_and_model():
    s = synth(3, n=48)
    a = CashFlow.from_history(s, months=24, scenarios=300, seed=11)
    b = CashFlow.from_history(s, months=24, scenarios=300, seed=11)
    c = CashFlow.from_history(s, months=24, scenarios=300, seed=12)
    assert a == b and not np.array_equal(a.values, c.values)
    p = a.provenance
    assert p.kind == "history" and str(p.history_start) == "2021-01"
    assert p.history == tuple(s.tolist())
    assert "statsmodels" in p.model and "AICc" in " ".join(p.notes)
    assert p.calibration.startswith("conformal")
    pd.testing.assert_series_equal(
        p.history_series(), s.rename("history").rename_axis("month"), check_freq=False
    )


def test_a_history_from_a_statement_keeps_its_origin():
    s = synth(4, n=30)
    hist = CashFlow.from_series(s).replace(
        provenance=cashflow_module.Provenance("statement", "bank statement x.csv")
    )
    cf = CashFlow.from_history(hist, months=3, scenarios=100, seed=0)
    assert "bank statement x.csv" in cf.provenance.description


def test_overrides_apply_on_top_of_the_fitted_forecast_and_are_recorded():
    cf = CashFlow.from_history(synth(5, n=48), months=24, scenarios=200, seed=0)
    lost = cf.with_shocks(
        Shock(1.0, 0.35, start="2025-03", end="2025-03", label="loss of main customer"), seed=0
    )
    np.testing.assert_array_equal(lost.values[:, :2], cf.values[:, :2])
    np.testing.assert_allclose(lost.values[:, 2:], cf.values[:, 2:] * 0.65, rtol=1e-15)
    assert lost.provenance.model == cf.provenance.model
    assert lost.provenance.overrides == (
        "loss of main customer: cash -35% from 2025-03 (probability 100%)",
    )
    more = lost.adjust("2025-06", months=2, amount=-5000, label="plant repair")
    np.testing.assert_allclose(more.values[:, 5:7], lost.values[:, 5:7] - 5000.0)
    assert len(more.provenance.overrides) == 2


def test_other_models_run_and_name_themselves():
    s = synth(6, n=48)
    sn = CashFlow.from_history(s, months=12, scenarios=1001, seed=0, model="seasonal_naive")
    np.testing.assert_allclose(sn.quantile(0.5).to_numpy(), s.to_numpy()[-12:], rtol=0.03)
    sar = CashFlow.from_history(s, months=12, scenarios=200, seed=0, model="sarima")
    assert sar.provenance.model.startswith("SARIMA(1,0,0)(0,1,1)12")
    boot = CashFlow.from_history(
        s, months=12, scenarios=200, seed=0, model="ets", calibration="bootstrap"
    )
    assert "bootstrap" in boot.provenance.calibration
    with pytest.raises(InputError, match="for the ETS models"):
        CashFlow.from_history(s, months=12, model="sarima", calibration="bootstrap")


@pytest.mark.parametrize(
    "kw",
    [
        {"model": "prophet"},
        {"calibration": "magic"},
        {"months": 0},
        {"scenarios": 0},
        {"log": "yes"},
        {"seed": -1},
    ],
)
def test_bad_arguments_are_input_errors(kw):
    args = {"months": 12} | kw
    with pytest.raises(InputError):
        CashFlow.from_history(synth(0, n=30), **args)


def test_not_a_series_is_an_input_error():
    with pytest.raises(InputError, match="a pandas Series"):
        CashFlow.from_history([1.0, 2.0, 3.0], months=3)


def test_statsmodels_is_imported_only_when_a_forecast_is_asked_for():
    code = (
        "import sys, repayplan, repayplan.cashflow, repayplan.statements;"
        "print('statsmodels' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------------------------
# the case file keeps the forecast's source, exactly
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_case_file_round_trips_the_cash_flow_and_its_provenance_exactly(fmt):
    from datetime import date

    import repayplan as rp
    from repayplan.case import Case, Party

    cf = CashFlow.from_history(synth(8, n=36), months=12, scenarios=20, seed=4)
    cf = cf.with_shocks(Shock(1.0, 0.2, start=3, end=3, label="lost customer 客户流失"))
    bt = cashflow_module.Provenance  # the figures as the dashboard attaches them
    cf = cf.replace(
        provenance=cf.provenance.replace(
            backtest={"coverage_90": 0.9166666666666666, "mape": 0.1234}
        )
    )
    case = Case(
        borrower=Party("Acme"),
        creditor=rp.Creditor(0.06, name="Bank"),
        plans=[rp.Plan(term=12, name="twelve")],
        claim=rp.Claim(principal=100_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        cashflow=cf,
    )
    back = Case.loads(case.dumps(fmt), fmt)
    assert back.cashflow == cf
    assert np.array_equal(back.cashflow.values, cf.values)
    assert back.cashflow.provenance == cf.provenance
    assert isinstance(back.cashflow.provenance, bt)
    text = case.dumps("toml")
    assert "[cashflow.source]" in text and 'kind = "history"' in text


def test_case_file_reports_a_bad_source_table():
    from repayplan.case import Case, CaseError

    text = Case.sample().dumps("toml")
    start = text.index("[cashflow]")
    bad = (
        text[:start] + '[cashflow]\nstart = "2026-07"\nvalues = [1.0, 2.0]\n'
        '[cashflow.source]\nkind = "guess"\n' + text[text.index("\n[", start + 1) :]
    )
    bad = (
        bad.replace("\n[[cashflow.shocks]]", "\n[[ignored]]")
        if "[[cashflow.shocks]]" in bad
        else bad
    )
    with pytest.raises(CaseError) as e:
        Case.loads(bad, "toml")
    assert "cashflow.source" in str(e.value)


# --------------------------------------------------------------------------------------------
# the command line builds a case's cash flow from a statement
# --------------------------------------------------------------------------------------------


def _statement_csv(history: pd.Series) -> str:
    """Two lines a month whose net is the month's cash, and a loan drawdown to leave out."""
    rows = ["交易日期,摘要,借方金额,贷方金额,余额,对方户名"]
    bal = 100_000_00  # fen
    for k, (month, cash) in enumerate(history.items()):
        fen = int(round(cash * 100))
        costs = 20_000_00 + k
        for day, debit, credit, who in ((5, 0, fen + costs, "客户"), (20, costs, 0, "供应商")):
            bal += credit - debit
            d = f"{month.year}-{month.month:02d}-{day:02d}"
            fmt = lambda x: f"{x / 100:.2f}" if x else ""  # noqa: E731
            rows.append(f"{d},货款,{fmt(debit)},{fmt(credit)},{bal / 100:.2f},{who}")
        if k == 3:
            bal += 500_000_00
            rows.append(
                f"{month.year}-{month.month:02d}-25,贷款发放,,500000.00,{bal / 100:.2f},某银行"
            )
    return "\n".join(rows) + "\n"


def test_cli_builds_the_case_cash_flow_from_a_statement(tmp_path, capsys):
    from repayplan.case import Case
    from repayplan.cli import main

    history = synth(9, n=36).round(2)
    stmt = tmp_path / "statement.csv"
    stmt.write_text(_statement_csv(history), encoding="utf-8")
    case_path = tmp_path / "case.toml"
    Case.sample().save(case_path)
    out = tmp_path / "new.toml"
    code = main(
        [
            "cashflow",
            str(stmt),
            "--case",
            str(case_path),
            "--loan-proceeds",
            "某银行",
            "--months",
            "24",
            "--scenarios",
            "50",
            "--reconcile",
            "line",
            "-o",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0, text
    assert "Source (history)" in text and "statement.csv" in text and "Model: ETS" in text
    case = Case.load(out)
    cf = case.cashflow
    assert cf.values.shape == (50, 24) and str(cf.start) == "2024-01"
    assert cf.provenance.history == tuple(history.tolist())  # the statement's exact monthly net
    assert cf.buffer == Case.sample().cashflow.buffer
    # a statement that does not reconcile is an input problem naming the month (exit code 1)
    lines = _statement_csv(history).splitlines()
    lines[2] = lines[2].rsplit(",", 2)[0] + ",1.00," + lines[2].rsplit(",", 1)[1]  # a balance
    stmt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["cashflow", str(stmt), "--case", str(case_path)]) == 1
    assert "balance in 2021-01" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# the dashboard: upload a statement, see the forecast and its band, switch model, backtest
# --------------------------------------------------------------------------------------------


def test_dashboard_uploads_a_statement_switches_model_and_backtests():
    pytest.importorskip("ipywidgets")
    from repayplan.case import Case
    from repayplan.notebook import Dashboard

    d = Dashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
    before = d.session.case.cashflow
    history = synth(10, n=36, start="2023-07").round(2)
    body = _statement_csv(history).encode("gbk")
    d.loan_proceeds.value = "某银行"  # typed before the upload: the drawdown is left out
    d._on_upload_history({"new": ({"name": "流水.csv", "content": memoryview(body)},)})
    cf = d.session.case.cashflow
    assert cf.provenance.kind == "history" and str(cf.start) == "2026-07"
    assert cf.provenance.history == tuple(history.tolist())
    assert "流水.csv" in d.forecast_info.value and "Model: ETS" in d.forecast_info.value
    assert d.forecast_chart.value[1:4] == b"PNG"
    assert cf.buffer == before.buffer and cf.minimum_cash == before.minimum_cash
    d.forecast_model.value = "level"
    assert d.session.case.cashflow.provenance.model.startswith("ETS(A,N,N)")
    d._on_backtest()
    bt = d.session.backtest
    assert bt is not None and "rp-backtest-table" in d.forecast_info.value
    assert f"{bt.coverage_90:.0%}" in d.forecast_info.value
    assert dict(d.session.case.cashflow.provenance.backtest)["coverage_90"] == bt.coverage_90
    # a file that is neither a statement nor a monthly history: the message, the cash unchanged
    d._on_upload_history({"new": ({"name": "x.csv", "content": memoryview(b"a,b\n1,2\n")},)})
    assert d.forecast_error.value and d.session.case.cashflow is d.session.data_cashflow
    assert d.session.case.cashflow.provenance.model.startswith("ETS(A,N,N)")
    d.lang.value = "zh"
    assert d.backtest_button.description == "回测"


def test_the_minutes_and_the_annex_say_where_the_cash_flow_came_from():
    pytest.importorskip("ipywidgets")
    from repayplan.case import Case
    from repayplan.notebook.state import Session

    s = Session(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
    rows = "".join(f"{m},{v:.2f}\n" for m, v in synth(11, n=36, start="2023-07").items())
    assert s.upload_history(("month,available\n" + rows).encode(), "history.csv") is None
    _ = s.refresh()
    for fmt in ("md", "html", "csv"):
        assert "Cash flow: history: forecast from 36 months of history" in s.minutes_text(fmt)
    md = s.annex(0, "md")
    assert "cash flow: history: forecast from 36 months" in md


def test_cli_reads_a_monthly_history_backtests_and_refuses_to_overwrite(tmp_path, capsys):
    from repayplan.case import Case
    from repayplan.cli import main

    history = synth(12, n=40, start="2023-03")
    path = tmp_path / "history.csv"
    CashFlow.from_series(history).to_frame().to_csv(path)  # month, available
    case_path = tmp_path / "case.toml"
    Case.sample().save(case_path)
    out = tmp_path / "out.json"
    args = [
        "cashflow",
        str(path),
        "--case",
        str(case_path),
        "--input",
        "monthly",
        "--model",
        "level",
        "--scenarios",
        "40",
        "--months",
        "80",
        "--backtest",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Backtest: coverage_90" in text and "Model: ETS(A,N,N)" in text
    figures = dict(Case.load(out).cashflow.provenance.backtest)
    assert set(figures) == {"coverage_90", "mape", "naive_coverage_90", "naive_mape"}
    assert main(args) == 1  # out exists: --force to replace it
    assert "exists already" in capsys.readouterr().err
    plain = tmp_path / "plain.toml"
    assert (
        main(
            [
                "cashflow",
                str(path),
                "--case",
                str(case_path),
                "--input",
                "monthly",
                "--no-forecast",
                "-o",
                str(plain),
            ]
        )
        == 0
    )
    cf = Case.load(plain).cashflow
    assert cf.to_series().tolist() == history.tolist()
    assert cf.provenance.kind == "data" and "history.csv: 40 months" in cf.provenance.description
