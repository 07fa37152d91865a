"""A forecast of the borrower's cash fitted to its own history, with calibrated bands.

:func:`fit_history` fits a seasonal model with statsmodels (state-space exponential smoothing,
``statsmodels.tsa.exponential_smoothing.ets.ETSModel``, or
``statsmodels.tsa.statespace.sarimax.SARIMAX``), :func:`simulate` draws scenarios from the
fitted model and widens them by a conformal factor measured on rolling backtests inside the
history, and :func:`backtest` reports how well the bands and the median did on held-out months,
beside the seasonal-naive forecast.  :meth:`repayplan.CashFlow.from_history` and
:func:`repayplan.cashflow.backtest` are the public doors; statsmodels is imported only here,
and this module only when a forecast is asked for.

The mathematics and the measurements are in ``docs/concepts/forecast.md``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._validate import check_choice, check_int
from .errors import InputError

__all__ = [
    "MODELS",
    "CALIBRATIONS",
    "MIN_SEASONAL",
    "MIN_HISTORY",
    "Fit",
    "Backtest",
    "fit_history",
    "simulate",
    "conformal_factor",
    "backtest",
]

#: Model names accepted by ``model=``.
MODELS = ("auto", "ets", "sarima", "level", "seasonal_naive")
#: Band calibrations accepted by ``calibration=``.
CALIBRATIONS = ("conformal", "bootstrap", "none")

SEASON = 12
#: Months of history below which seasonality is not estimated (two seasons).
MIN_SEASONAL = 2 * SEASON
#: The fewest months of history a forecast is fitted to.
MIN_HISTORY = 6
_Z90 = 1.6448536269514722  # the 95th percentile of N(0, 1): a central 90% band
_CONFORMAL_ORIGINS = 6
_CONFORMAL_REPS = 200


@dataclass(frozen=True)
class Fit:
    """A model fitted to a history of monthly cash (returned by :func:`fit_history`).

    Attributes
    ----------
    model : str
        The model that was fitted: ``"ets"``, ``"sarima"``, ``"level"`` or ``"seasonal_naive"``.
    label : str
        Its name as statisticians write it (``"ETS(A,Ad,A)"``, ``"SARIMA(1,0,0)(0,1,1)12"``).
    log : bool
        True when the model is fitted to ``ln(cash)`` (every month positive).
    start : pandas.Period
        The first month of the history.
    history : numpy.ndarray
        The history as given (currency units).
    aicc : float
        The corrected Akaike information criterion of the fit (NaN for seasonal naive).
    notes : tuple of str
        What the analyst should know (a short history, a fit on the level scale, a warning of
        the optimiser).

    Examples
    --------
    >>> s = pd.Series([100.0, 104.0, 98.0, 101.0, 103.0, 99.0, 102.0, 100.0],
    ...               index=pd.period_range("2026-01", periods=8, freq="M"))
    >>> f = fit_history(s)
    >>> f.model, f.label, f.log
    ('level', 'ETS(A,N,N)', True)
    """

    model: str
    label: str
    log: bool
    start: pd.Period
    history: np.ndarray
    aicc: float
    notes: tuple[str, ...] = ()
    spec: dict = field(default_factory=dict, repr=False)
    results: Any = field(default=None, repr=False)  # statsmodels' results (untyped)
    candidates: tuple[tuple[str, float], ...] = ()

    @property
    def end(self) -> pd.Period:
        """The last month of the history."""
        return self.start + (len(self.history) - 1)

    def describe(self) -> str:
        """The model in one sentence, for the annex and the minutes.

        >>> s = pd.Series([100.0, 104.0, 98.0, 101.0, 103.0, 99.0, 102.0, 100.0],
        ...               index=pd.period_range("2026-01", periods=8, freq="M"))
        >>> fit_history(s).describe()
        'ETS(A,N,N) on ln(cash), statsmodels ETSModel, fitted to 8 months 2026-01..2026-08'
        """
        scale = "ln(cash)" if self.log else "cash (level scale)"
        lib = {
            "ets": "statsmodels ETSModel",
            "level": "statsmodels ETSModel",
            "sarima": "statsmodels SARIMAX",
            "seasonal_naive": "no estimation",
        }[self.model]
        return (
            f"{self.label} on {scale}, {lib}, fitted to {len(self.history)} months "
            f"{self.start}..{self.end}"
        )


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin backtest figures (returned by :func:`repayplan.cashflow.backtest`).

    Attributes
    ----------
    coverage_90 : float
        The share of held-out months inside the 90% band (5% to 95% of the scenarios).
    mape : float
        Mean absolute percentage error of the median forecast, as a fraction (0.08 for 8%).
    seasonal_naive : dict
        The same figures (``coverage_90``, ``mape``) of the seasonal-naive forecast (each month
        as the same month a year before, with the normal band of Hyndman & Athanasopoulos).
    horizon : int
        Months forecast from each origin.
    origins : tuple of pandas.Period
        The last month of history of each fit.
    model, calibration : str
        The model asked for and the calibration of the band.
    table : pandas.DataFrame
        One row per origin and month ahead: ``actual``, ``median``, ``lower``, ``upper``,
        ``naive``, ``naive_lower``, ``naive_upper`` and the model fitted.

    Examples
    --------
    ``result["coverage_90"]`` reads like ``result.coverage_90``; :meth:`to_frame` puts both
    forecasts side by side (see :func:`repayplan.cashflow.backtest`).

    >>> t = np.arange(40)
    >>> past = pd.Series(30_000 * np.exp(0.3 * np.sin(2 * np.pi * t / 12) + 0.02 * np.cos(t)),
    ...                  index=pd.period_range("2023-01", periods=40, freq="M"))
    >>> bt = backtest(past, horizon=6, origins=2, scenarios=100)
    >>> [str(o) for o in bt.origins], bt["coverage_90"] == bt.coverage_90
    (['2024-12', '2025-10'], True)
    """

    coverage_90: float
    mape: float
    seasonal_naive: dict
    horizon: int
    origins: tuple
    model: str
    calibration: str
    table: pd.DataFrame = field(repr=False)

    def __getitem__(self, key: str):
        if key not in ("coverage_90", "mape", "seasonal_naive"):
            raise InputError("key", key, "'coverage_90', 'mape' or 'seasonal_naive'")
        return getattr(self, key)

    def to_frame(self) -> pd.DataFrame:
        """The figures of the model and of seasonal naive, one row each."""
        return pd.DataFrame(
            {
                "coverage_90": [self.coverage_90, self.seasonal_naive["coverage_90"]],
                "mape": [self.mape, self.seasonal_naive["mape"]],
            },
            index=pd.Index(["model", "seasonal_naive"], name="forecast"),
        )


# --------------------------------------------------------------------------------------------
# the history
# --------------------------------------------------------------------------------------------


def _history(series, field_name: str = "series") -> tuple[np.ndarray, pd.Period]:
    from .cashflow import column_values, month_index

    if not isinstance(series, pd.Series):
        raise InputError(
            field_name,
            type(series).__name__,
            "a pandas Series of monthly cash",
            "CashFlow.to_series() gives one",
        )
    try:
        months = month_index(series.index, field_name)
    except InputError as e:
        hint = e.hint
        if hint and "missing" in hint:
            hint += "; fill or interpolate the month yourself (a gap is never filled silently)"
        raise InputError(e.field, e.value, e.allowed, hint) from None
    y = column_values(series, field_name, months)
    if len(y) < MIN_HISTORY:
        raise InputError(
            field_name,
            f"{len(y)} months",
            f"a history of at least {MIN_HISTORY} months to fit a forecast",
        )
    return y, months[0]


def _use_log(y: np.ndarray, start: pd.Period, log) -> bool:
    if log is None:
        return bool((y > 0).all())
    if not isinstance(log, bool):
        raise InputError("log", log, "None (ln when every month is positive), True or False")
    if log and not (y > 0).all():
        i = int(np.flatnonzero(y <= 0)[0])
        raise InputError(
            f"series at {start + i}",
            float(y[i]),
            "cash > 0 in every month when log=True (the model is fitted to ln cash)",
            "pass log=None to fit on the level scale",
        )
    return log


# --------------------------------------------------------------------------------------------
# fitting
# --------------------------------------------------------------------------------------------


def _ets_label(spec: dict) -> str:
    t = {None: "N", "add": "Ad" if spec.get("damped_trend") else "A"}[spec.get("trend")]
    s = "A" if spec.get("seasonal") else "N"
    return f"ETS(A,{t},{s})"


def _one_thread():
    """BLAS on one thread while statsmodels works on its tiny matrices.

    The state-space filters multiply matrices of a dozen rows; a multithreaded BLAS only adds
    synchronisation, which on a busy two-core machine made a SARIMA fit ten times slower
    (47 s against 3.5 s measured).  Uses threadpoolctl when it is installed (it comes with
    the ``forecast`` extra); otherwise leaves the threads as they are.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - the forecast extra installs it
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _fit_one(z: np.ndarray, kind: str, spec: dict, start_params=None):
    """Fit one model to the transformed history ``z``; returns (results, aicc, warnings).

    ``start_params`` warm-starts the optimiser (the refits of the rolling backtests start from
    the parameters fitted to the whole history: same optimum, fewer iterations)."""
    with warnings.catch_warnings(record=True) as caught, _one_thread():
        warnings.simplefilter("always")
        if kind in ("ets", "level"):
            from statsmodels.tsa.exponential_smoothing.ets import ETSModel

            seasonal = bool(spec.get("seasonal"))
            # Seasonal models start from the classical decomposition of the first two seasons
            # (statsmodels' "heuristic", Hyndman et al. 2008 sec. 2.6.1) and estimate only the
            # smoothing parameters: 3-4 unknowns instead of 15-18, ten times faster, and the
            # measured coverage and MAPE are no worse (docs/concepts/forecast.md).
            res = ETSModel(
                z,
                error="add",
                seasonal_periods=SEASON if seasonal else None,
                initialization_method="heuristic" if seasonal else "estimated",
                **spec,
            ).fit(disp=False, start_params=start_params)
        else:
            from statsmodels.tsa.statespace.sarimax import SARIMAX

            res = SARIMAX(z, order=(1, 0, 0), seasonal_order=(0, 1, 1, SEASON), trend="c").fit(
                disp=False, start_params=start_params
            )
    aicc = float(res.aicc)
    noted = sorted(
        {type(w.message).__name__ for w in caught if "Convergence" in type(w.message).__name__}
    )
    return res, aicc, noted


def fit_history(series, *, model="auto", log=None) -> Fit:
    """Fit a forecasting model to monthly cash with statsmodels.

    Parameters
    ----------
    series : pandas.Series
        Monthly cash, consecutive months (as for :meth:`repayplan.CashFlow.from_series`): a gap,
        a repeated month or a NaN is an error, never filled silently.
    model : {"auto", "ets", "sarima", "level", "seasonal_naive"}, default "auto"
        ``"auto"``: the exponential-smoothing models ETS(A,N,A), ETS(A,Ad,A), ETS(A,N,N) and
        ETS(A,Ad,N) (additive errors, optionally damped trend, additive seasons) fitted by
        maximum likelihood, the one with the lowest AICc chosen.  ``"ets"``: ETS(A,Ad,A).
        ``"sarima"``: SARIMA(1,0,0)(0,1,1)12 with a drift.  ``"level"``: ETS(A,N,N), simple
        exponential smoothing.  ``"seasonal_naive"``: each month as the same month a year before.
    log : bool or None, default None
        Fit to ``ln(cash)`` (multiplicative seasons and noise).  ``None``: when every month is
        positive, else on the level scale with a note; ``True`` with a month <= 0 is an error.

    Returns
    -------
    Fit

    Notes
    -----
    A history shorter than two seasons (24 months) cannot show a season: every model falls back
    to ETS(A,N,N) (simple exponential smoothing, a level with noise), with a note.  With
    ``"seasonal_naive"`` at least 13 months are needed.

    Examples
    --------
    >>> t = np.arange(36)
    >>> cash = 50_000 * np.exp(0.25 * np.sin(2 * np.pi * t / 12)) * (1 + 0.01 * np.cos(t))
    >>> f = fit_history(pd.Series(cash, index=pd.period_range("2023-01", periods=36, freq="M")))
    >>> f.model, f.log, f.label.endswith(",A)")
    ('ets', True, True)
    """
    check_choice("model", model, MODELS)
    y, start = _history(series)
    use_log = _use_log(y, start, log)
    z = np.log(y) if use_log else y.copy()
    notes = []
    if not use_log:
        notes.append(
            "some months are zero or negative, so the model is fitted to cash itself "
            "(additive seasons and noise), not to its logarithm"
        )
    n = len(y)
    if model == "seasonal_naive":
        if n < SEASON + 1:
            raise InputError("series", f"{n} months", "at least 13 months for seasonal naive")
        return Fit("seasonal_naive", "seasonal naive", use_log, start, y, math.nan, tuple(notes))
    if n < MIN_SEASONAL and model != "level":
        notes.append(
            f"the history has {n} months, fewer than two seasons ({MIN_SEASONAL}): no "
            "seasonality can be estimated, so the forecast is ETS(A,N,N) (simple "
            "exponential smoothing: a level and noise), not the seasonal model asked "
            f"for ({model!r})"
        )
        model = "level"
    if model == "level":
        candidates: list[tuple[str, dict[str, Any]]] = [
            ("level", {"trend": None, "seasonal": None})
        ]
    elif model == "ets":
        candidates = [("ets", {"trend": "add", "damped_trend": True, "seasonal": "add"})]
    elif model == "sarima":
        candidates = [("sarima", {})]
    else:
        candidates = [
            ("ets", {"trend": t, "damped_trend": t is not None, "seasonal": s})
            for s in ("add", None)
            for t in (None, "add")
        ]
    best: tuple | None = None
    tried = []
    for kind, spec in candidates:
        res, aicc, warned = _fit_one(z, kind, spec)
        label = "SARIMA(1,0,0)(0,1,1)12" if kind == "sarima" else _ets_label(spec)
        tried.append((label, aicc))
        if best is None or aicc < best[3]:
            best = (kind, spec, res, aicc, label, warned)
    assert best is not None  # there is always a candidate
    kind, spec, res, aicc, label, warned = best
    if warned:
        notes.append(f"the optimiser reported {', '.join(warned)} while fitting {label}")
    if model == "auto" and len(tried) > 1:
        notes.append("chosen by AICc among " + ", ".join(f"{lb} {a:.1f}" for lb, a in tried))
    return Fit(kind, label, use_log, start, y, aicc, tuple(notes), spec, res, tuple(tried))


# --------------------------------------------------------------------------------------------
# simulation
# --------------------------------------------------------------------------------------------


def _simulate_z(
    fit: Fit, months: int, reps: int, rng: np.random.Generator, bootstrap: bool
) -> np.ndarray:
    """Scenarios (reps, months) on the model's scale (ln cash or cash)."""
    if fit.model == "seasonal_naive":
        z = np.log(fit.history) if fit.log else fit.history
        d = z[SEASON:] - z[:-SEASON]
        sigma = float(np.std(d, ddof=1)) if d.size > 1 else 0.0
        h = np.arange(1, months + 1)
        k = (h - 1) // SEASON
        point = z[len(z) - SEASON + (h - 1) % SEASON]
        return point[None, :] + sigma * np.sqrt(k + 1)[None, :] * rng.standard_normal(
            (reps, months)
        )
    res = fit.results
    with warnings.catch_warnings(), _one_thread():
        warnings.simplefilter("ignore")
        if fit.model == "sarima":
            sim = res.simulate(months, repetitions=reps, anchor="end", rng=rng)
        else:
            sim = res.simulate(
                months,
                anchor="end",
                repetitions=reps,
                random_errors="bootstrap" if bootstrap else None,
                rng=rng,
            )
    arr = np.asarray(sim, dtype=np.float64).reshape(months, reps)
    return arr.T


def _band_scores(fit: Fit, rng: np.random.Generator, horizon: int) -> tuple[np.ndarray, int]:
    """Normalised errors ``|z - median| / half-width of the 90% band`` on rolling backtests.

    The model (its kind and form, not its parameters) is refitted at each of the last
    ``_CONFORMAL_ORIGINS`` origins that leave ``h`` months of history to compare with;
    ``h = min(horizon, n - min_train - 5)``, at least 3 (fewer origins when there is no room).
    """
    n = len(fit.history)
    z_all = np.log(fit.history) if fit.log else fit.history
    min_train = MIN_SEASONAL if fit.spec.get("seasonal") or fit.model == "sarima" else MIN_HISTORY
    if fit.model == "seasonal_naive":
        min_train = SEASON + 2
    # the longest horizon that still leaves room for all the origins (a short history trades
    # horizon for origins: six origins of 7 months say more than one of 12)
    h = min(horizon, n - min_train - _CONFORMAL_ORIGINS + 1)
    if h < 3:
        h = min(horizon, n - min_train)
    if h < 3:
        return np.array([]), 0
    origins = [n - h - j for j in range(_CONFORMAL_ORIGINS) if n - h - j >= min_train]
    scores = []
    for o in origins:
        sub = _refit(fit, o)
        if sub is None:
            continue
        sims = _simulate_z(sub, h, _CONFORMAL_REPS, rng, bootstrap=False)
        lo, med, hi = np.quantile(sims, [0.05, 0.5, 0.95], axis=0)
        half = np.maximum((hi - lo) / 2, 1e-12)
        scores.append(np.abs(z_all[o : o + h] - med) / half)
    if not scores:
        return np.array([]), 0
    return np.concatenate(scores), len(scores)


def _refit(fit: Fit, o: int) -> Fit | None:
    """The same model form fitted to the first ``o`` months."""
    y = fit.history[:o]
    if fit.model == "seasonal_naive":
        return Fit("seasonal_naive", fit.label, fit.log, fit.start, y, math.nan)
    z = np.log(y) if fit.log else y
    try:
        start = None if fit.results is None else np.asarray(fit.results.params)
        res, aicc, _ = _fit_one(z, fit.model, fit.spec, start)
    except (ValueError, np.linalg.LinAlgError):
        return None
    return Fit(fit.model, fit.label, fit.log, fit.start, y, aicc, (), fit.spec, res)


def conformal_factor(scores: np.ndarray, level: float = 0.9) -> float:
    """The split-conformal widening factor: the ``ceil((n+1) level)/n`` quantile of the scores.

    Never below 1: the band is only widened, never narrowed below the model's own.

    >>> conformal_factor(np.array([0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 0.9, 1.1, 1.3]))
    2.0
    """
    n = scores.size
    if n == 0:
        return 1.0
    q = min(1.0, math.ceil((n + 1) * level) / n)
    return max(1.0, float(np.quantile(scores, q, method="higher")))


def simulate(
    fit: Fit,
    months: int,
    *,
    scenarios: int,
    rng: np.random.Generator,
    calibration: str = "conformal",
) -> tuple[np.ndarray, str]:
    """Scenarios of cash (scenarios, months) from a fit, and a sentence on the calibration.

    ``"none"``: plain simulation from the fitted model (Gaussian errors with the fitted
    variance).  ``"bootstrap"``: the errors resampled from the fit's residuals.
    ``"conformal"``: plain simulation, then each month's deviations from the median scaled by the
    conformal factor of :func:`conformal_factor` measured on rolling backtests in the history.

    >>> s = pd.Series(100.0 + np.arange(30) % 5, index=pd.period_range("2024-01", periods=30,
    ...                                                                freq="M"))
    >>> v, how = simulate(fit_history(s, model="level"), 12, scenarios=100,
    ...                   rng=np.random.default_rng(0))
    >>> v.shape, how.startswith("conformal")
    ((100, 12), True)
    """
    check_choice("calibration", calibration, CALIBRATIONS)
    if calibration == "bootstrap" and fit.model not in ("ets", "level"):
        raise InputError(
            "calibration",
            calibration,
            f"'conformal' or 'none' for {fit.label} (the residual bootstrap is for the ETS models)",
        )
    z = _simulate_z(fit, months, scenarios, rng, bootstrap=calibration == "bootstrap")
    how = {
        "none": "plain simulation from the fitted model (no calibration)",
        "bootstrap": "errors resampled from the fit's residuals (residual bootstrap)",
    }.get(calibration, "")
    if calibration == "conformal":
        scores, k = _band_scores(fit, rng, SEASON)
        factor = conformal_factor(scores)
        if k == 0:
            how = (
                "conformal correction not possible: the history is too short for a rolling "
                "backtest, so the band is the model's own"
            )
        else:
            med = np.median(z, axis=0)
            z = med[None, :] + factor * (z - med[None, :])
            how = (
                f"conformal: band widened x{factor:.2f} from {k} rolling backtests "
                f"({scores.size} held-out months)"
            )
    values = np.exp(z) if fit.log else z
    return values, how


# --------------------------------------------------------------------------------------------
# backtest
# --------------------------------------------------------------------------------------------


def backtest(
    series,
    *,
    horizon=12,
    model="auto",
    calibration="conformal",
    origins=6,
    scenarios=500,
    seed=0,
    log=None,
) -> Backtest:
    """Rolling-origin backtest of the forecast and of seasonal naive.

    The implementation of :func:`repayplan.cashflow.backtest` (see there for the parameters
    and the equations).

    >>> past = pd.Series(100.0 + 10 * np.sin(np.arange(30) * np.pi / 6),
    ...                  index=pd.period_range("2024-01", periods=30, freq="M"))
    >>> bt = backtest(past, horizon=3, model="seasonal_naive", origins=2, scenarios=50)
    >>> bt.horizon, len(bt.table)
    (3, 6)
    """
    h = check_int("horizon", horizon, low=1, high=60)
    k = check_int("origins", origins, low=1, high=120)
    reps = check_int("scenarios", scenarios, low=20, high=100_000)
    check_choice("model", model, MODELS)
    check_choice("calibration", calibration, CALIBRATIONS)
    from .cashflow import generator

    rng = generator(seed)
    y, start = _history(series)
    n = len(y)
    min_train = SEASON + 2 if model in ("seasonal_naive", "level") else MIN_SEASONAL
    last = n - h
    if last < min_train:
        raise InputError(
            "series",
            f"{n} months",
            f"at least {min_train + h} months for a backtest of {h} months ahead "
            f"(a fit needs {min_train} months before the first held-out month)",
            "shorten horizon=",
        )
    cand = np.arange(min_train, last + 1)
    picks = np.unique(np.round(np.linspace(cand[0], cand[-1], min(k, cand.size))).astype(int))
    rows = []
    for o in picks:
        sub = pd.Series(y[:o], index=pd.period_range(start, periods=o, freq="M"))
        f = fit_history(sub, model=model, log=log)
        v, _ = simulate(f, h, scenarios=reps, rng=rng, calibration=calibration)
        lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95], axis=0)
        nv = _naive_band(y[:o], h, f.log)
        for j in range(h):
            rows.append(
                {
                    "origin": start + (o - 1),
                    "month": start + (o + j),
                    "ahead": j + 1,
                    "actual": y[o + j],
                    "median": med[j],
                    "lower": lo[j],
                    "upper": hi[j],
                    "naive": nv[1][j],
                    "naive_lower": nv[0][j],
                    "naive_upper": nv[2][j],
                    "fitted": f.label,
                }
            )
    table = pd.DataFrame(rows)
    a = table["actual"].to_numpy()
    ok = a != 0

    def scores(point, lo, hi):
        cover = float(((table[lo] <= table["actual"]) & (table["actual"] <= table[hi])).mean())
        p = table[point].to_numpy()
        mape = float(np.mean(np.abs(a[ok] - p[ok]) / np.abs(a[ok]))) if ok.any() else math.nan
        return cover, mape

    cov, mape = scores("median", "lower", "upper")
    ncov, nmape = scores("naive", "naive_lower", "naive_upper")
    return Backtest(
        cov,
        mape,
        {"coverage_90": ncov, "mape": nmape},
        h,
        tuple(start + (int(o) - 1) for o in picks),
        model,
        calibration,
        table,
    )


def _naive_band(y: np.ndarray, h: int, log: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seasonal naive: point ``y[T+j-12(k+1)]`` and the band ``+- 1.645 sigma sqrt(k+1)``.

    ``k = floor((j-1)/12)`` and ``sigma`` the standard deviation of the seasonal differences
    (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., sec. 5.5,
    table 5.2), on ln(cash) when the model is fitted on logs.
    """
    z = np.log(y) if log else y
    d = z[SEASON:] - z[:-SEASON]
    sigma = float(np.std(d, ddof=1)) if d.size > 1 else 0.0
    j = np.arange(1, h + 1)
    k = (j - 1) // SEASON
    point = z[len(z) - SEASON + (j - 1) % SEASON]
    half = _Z90 * sigma * np.sqrt(k + 1)
    lo, hi = point - half, point + half
    if log:
        return np.exp(lo), np.exp(point), np.exp(hi)
    return lo, point, hi
