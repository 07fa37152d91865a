"""The settings editors of the dashboard session: cash flow, forecast, creditor, security, borrower.

:class:`SettingsEditors` holds the :class:`~repayplan.notebook.session.Session` methods that
change the case's settings from what is typed (``set_cash``, ``set_cash_source``,
``upload_cash``, ``upload_history``, ``set_forecast_model``, ``run_backtest``,
``set_creditor``, ``set_security``, ``set_borrower``) and ``enforcement_view``.  Each hands
the typed value to the library (:class:`~repayplan.case.Projection`,
:class:`~repayplan.CashFlow`, :class:`~repayplan.Creditor`, :class:`~repayplan.Security`,
:class:`~repayplan.Borrower`), which validates it; an error becomes the message shown next
to the control and the last valid setting stays in force.
"""

from __future__ import annotations

import dataclasses
import io
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..._validate import check_choice
from ...errors import InputError
from ...evaluate import Borrower, Creditor, Enforcement
from ...plans import Plan, plan_batch
from .options import (
    BORROWER_FIELDS,
    CASH_FIELDS,
    COLLATERAL_KEYS,
    CREDITOR_FIELDS,
    GUARANTEE_KEYS,
    SECURITY_FIELDS,
    csv_columns_en,
    num_text,
    parse_items,
    parse_shocks,
    parse_value,
)

if TYPE_CHECKING:  # annotations only: the functions that need these modules import them inside
    from ...case import Case, Projection
    from ...cashflow import CashFlow


__all__ = [
    "SettingsEditors",
]


class SettingsEditors:
    """The settings editors of a :class:`~repayplan.notebook.session.Session` (a base class).

    Examples
    --------
    >>> from repayplan.case import Case
    >>> from repayplan.notebook.session import Session
    >>> s = Session(Case.sample())
    >>> isinstance(s, SettingsEditors), s.set_creditor("recovery_rate", "0.4"), s.case.creditor.enforcement.recovery_rate
    (True, None, 0.4)
    >>> print(s.set_creditor("recovery_rate", "1.5"))  # refused; 0.4 stays in force
    recovery_rate == '1.5', must be a fraction from 0 to 1
    >>> s.case.creditor.enforcement.recovery_rate
    0.4
    """

    if TYPE_CHECKING:  # what the editors read on the session (set by Session.__init__)
        case: Case
        errors: dict[tuple[str, str], str]
        projection: Projection
        cash_source: str
        cash_texts: dict[str, str]
        data_cashflow: CashFlow | None
        history_cashflow: Any
        forecast_model: str
        backtest: Any
        creditor_texts: dict[str, str]
        security_texts: dict[str, str]
        borrower_texts: dict[str, str]

        @property
        def plans(self) -> list[Plan]: ...

        @property
        def borrower_side(self) -> Borrower: ...

        def _check(self, plans, cashflow) -> None: ...

    # -- borrower and creditor ---------------------------------------------------------------
    def set_cash(self, key: str, raw) -> str | None:
        """Change a field of the cash-flow projection (and use the projection).

        Returns the library's message when the value is refused, else ``None``; a refused
        value leaves the cash flow in force as it was.

        Examples
        --------
        A case with monthly data starts the form from a flat projection at the data's mean;
        changing a field switches to the projection:

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.cash_source, s.cash_texts["base"]
        ('data', '15000')
        >>> s.set_cash("base", "12000"), s.cash_source, float(s.case.cashflow.mean().iloc[0])
        (None, 'projection', 12000.0)
        >>> print(s.set_cash("volatility", "high"))
        volatility == 'high', must be a number
        """
        kinds = dict(CASH_FIELDS)
        check_choice("field", key, tuple(kinds))
        self.cash_texts[key] = raw
        try:
            if kinds[key] == "shocks":
                from ...cashflow import Shock

                value = tuple(Shock(**kw) for kw in parse_shocks(raw))
            else:
                value = parse_value(kinds[key], raw, key)
            projection = self.projection.replace(**{key: value})
            self._check(self.plans, projection.cashflow())
            self.case = self.case.replace(cashflow=projection)
        except InputError as e:
            self.errors[("cash", key)] = str(e)
            return str(e)
        self.errors.pop(("cash", key), None)
        self.projection = projection
        self.cash_source = "projection"
        return None

    def set_cash_source(self, source: str) -> str | None:
        """Use the projection or the uploaded data (``"projection"`` or ``"data"``).

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_cash("base", "12000"), s.cash_source
        (None, 'projection')
        >>> s.set_cash_source("data"), float(s.case.cashflow.mean().iloc[0])   # the case's data again
        (None, 15000.0)
        """
        check_choice("source", source, ("projection", "data"))
        try:
            new: CashFlow | Projection
            if source == "data":
                if self.data_cashflow is None:
                    raise InputError("source", source, "'projection' until a CSV has been uploaded")
                new = self.data_cashflow
                self._check(self.plans, self.data_cashflow)
            else:
                new = self.projection
                self._check(self.plans, self.projection.cashflow())
            self.case = self.case.replace(cashflow=new)
        except InputError as e:
            self.errors[("cash", "source")] = str(e)
            return str(e)
        self.errors.pop(("cash", "source"), None)
        self.cash_source = source
        return None

    def upload_cash(self, content: bytes, filename: str = "upload.csv") -> str | None:
        """Read the borrower's monthly cash from a CSV file's bytes and use it.

        The file is read by :meth:`repayplan.CashFlow.read_csv` (columns ``month`` and
        ``available``); it must cover the longest plan on the table.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> print(s.upload_cash(b"month,available\\n2026-07,20000\\n2026-08,20000\\n", "acme.csv"))
        cashflow == '2 months from 2026-07', must be at least 24 months from 2026-07 to cover
        the longest plan (2 given)
        >>> rows = "".join(f"{m},20000\\n" for m in pd.period_range("2026-07", periods=24, freq="M"))
        >>> s.upload_cash(("month,available\\n" + rows).encode(), "acme.csv"), s.cash_source
        (None, 'data')
        >>> s.case.cashflow.months, float(s.case.cashflow.mean().iloc[0])
        (24, 20000.0)
        """
        from ...cashflow import CashFlow

        try:
            if not isinstance(content, (bytes, bytearray, memoryview)):
                raise InputError("upload", type(content).__name__, "the bytes of a CSV file")
            upload = io.BytesIO(csv_columns_en(bytes(content)))
            upload.name = str(filename)  # errors name the file, not "<csv>"
            cf = CashFlow.read_csv(
                upload,
                buffer=self.case.cashflow.buffer,
                minimum_cash=self.case.cashflow.minimum_cash,
                currency=self.case.claim.currency,
            )
            self._check(self.plans, cf)
            self.case = self.case.replace(cashflow=cf)
        except InputError as e:
            msg = str(e).replace("<stream>", filename)
            self.errors[("cash", "upload")] = msg
            return msg
        self.errors.pop(("cash", "upload"), None)
        self.data_cashflow = cf
        self.cash_source = "data"
        return None

    # -- the borrower's own history: statement or monthly figures, and the forecast -------
    #: Forecast models offered (see :func:`repayplan.forecast.fit_history`).
    FORECAST_MODELS = ("auto", "ets", "sarima", "level", "seasonal_naive")

    def upload_history(
        self, content: bytes, filename: str = "history.csv", *, own_accounts=(), loan_proceeds=()
    ) -> str | None:
        """Read the borrower's history, fit a forecast to it and use the forecast.

        ``content`` is a bank statement export (CSV or xlsx, read by
        :meth:`repayplan.CashFlow.read_statement`) or a CSV of months and cash (``month``,
        ``available``, read by :meth:`repayplan.CashFlow.read_csv`).  The forecast
        (:meth:`repayplan.CashFlow.from_history`, model :attr:`forecast_model`, seed 1) runs
        from the month after the history to the end of the longest plan (at least as far as
        the cash flow in force), keeping the buffer and the minimum cash.  Statement lines with
        the counterparties ``own_accounts`` are left out, and so are payments in from
        ``loan_proceeds`` (see :meth:`repayplan.CashFlow.from_transactions`).  Returns the
        library's message when the file or the forecast is refused, else ``None``.

        >>> from datetime import date, datetime
        >>> import numpy as np
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> months = pd.period_range("2023-07", periods=36, freq="M")
        >>> cash = 20_000 + 5_000 * np.cos(2 * np.pi * np.arange(36) / 12)
        >>> rows = "".join(f"{m},{c:.2f}\\n" for m, c in zip(months, cash))
        >>> s.upload_history(("month,available\\n" + rows).encode(), "acme.csv") is None
        True
        >>> s.case.cashflow.provenance.kind, str(s.case.cashflow.start), s.case.cashflow.months
        ('history', '2026-07', 24)
        """
        try:
            if not isinstance(content, (bytes, bytearray, memoryview)):
                raise InputError(
                    "upload", type(content).__name__, "the bytes of a CSV or xlsx file"
                )
            history = _read_history(
                bytes(content),
                filename,
                self.case.claim.currency,
                own_accounts=own_accounts,
                loan_proceeds=loan_proceeds,
            )
            cf = self._forecast(history, self.forecast_model)
        except InputError as e:
            msg = str(e).replace("<stream>", filename)
            self.errors[("cash", "history")] = msg
            return msg
        self.errors.pop(("cash", "history"), None)
        self.history_cashflow = history
        self.backtest = None
        self._use_forecast(cf)
        return None

    def set_forecast_model(self, model: str) -> str | None:
        """Fit the uploaded history again with another model (``"auto"``, ``"ets"`` ...).

        Returns the library's message when refused (no history yet, an unknown model).
        """
        try:
            check_choice("model", model, self.FORECAST_MODELS)
            if self.history_cashflow is None:
                raise InputError(
                    "model", model, "chosen after a statement or a history is uploaded"
                )
            cf = self._forecast(self.history_cashflow, model)
        except InputError as e:
            self.errors[("cash", "model")] = str(e)
            return str(e)
        self.errors.pop(("cash", "model"), None)
        self.forecast_model = model
        self.backtest = None
        self._use_forecast(cf)
        return None

    def run_backtest(self) -> str | None:
        """Backtest the forecast on the uploaded history (:func:`repayplan.cashflow.backtest`)
        and keep the figures with the cash flow's provenance.  Returns a message when refused."""
        from ...cashflow import backtest

        try:
            if self.history_cashflow is None:
                raise InputError("backtest", None, "run after a statement or a history is uploaded")
            series = self.history_cashflow.to_series()
            # up to 12 months ahead, shortened so that a short history still has 4 origins
            # (24 months to fit at the first); below 30 months, one origin is all there is
            n = len(series)
            horizon = min(12, n - 27) if n - 27 >= 3 else n - 24
            if horizon < 1:
                raise InputError(
                    "history",
                    f"{len(series)} months",
                    "at least 25 months for a backtest (24 to fit, 1 to compare)",
                )
            bt = backtest(
                series, horizon=horizon, model=self.forecast_model, origins=4, scenarios=300, seed=1
            )
        except InputError as e:
            self.errors[("cash", "backtest")] = str(e)
            return str(e)
        self.errors.pop(("cash", "backtest"), None)
        self.backtest = bt
        cf = self.case.cashflow
        if cf.provenance is not None and cf.provenance.kind == "history":
            figures = {
                "coverage_90": bt.coverage_90,
                "mape": bt.mape,
                "naive_coverage_90": bt.seasonal_naive["coverage_90"],
                "naive_mape": bt.seasonal_naive["mape"],
            }
            cf = cf.replace(provenance=cf.provenance.replace(backtest=figures))
            self.case = self.case.replace(cashflow=cf)
            self.data_cashflow = cf
        return None

    def _forecast(self, history, model: str):
        from ...cashflow import CashFlow

        old = self.case.cashflow
        first = pd.Period(self.case.claim.as_of, freq="M") + 1
        start = history.end + 1
        gap = max(0, (first - start).n)
        horizon = plan_batch(self.plans, self.case.claim).horizon
        covered = old.months - max(0, (first - old.start).n)
        months = gap + max(horizon, covered, 12)
        cf = CashFlow.from_history(
            history,
            months=min(months, 1200),
            scenarios=old.n_scenarios if old.n_scenarios > 1 else 1000,
            seed=1,
            model=model,
            buffer=old.buffer,
            minimum_cash=old.minimum_cash,
            currency=old.currency,
        )
        self._check(self.plans, cf)
        return cf

    def _use_forecast(self, cf) -> None:
        self.case = self.case.replace(cashflow=cf)
        self.data_cashflow = cf
        self.cash_source = "data"

    def set_creditor(self, key: str, raw) -> str | None:
        """Change the creditor's discount rate or its enforcement alternative.

        ``key`` is one of :data:`CREDITOR_FIELDS`; returns the library's message when the
        value is refused, else ``None``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_creditor("recovery_rate", "0.4"), s.case.creditor.enforcement.recovery_rate
        (None, 0.4)
        >>> print(s.set_creditor("delay_months", "-1"))
        delay_months == -1, must be a whole number from 0 to 600
        """
        kinds = dict(CREDITOR_FIELDS)
        check_choice("field", key, tuple(kinds))
        self.creditor_texts[key] = raw
        cr = self.case.creditor
        try:
            value = parse_value(kinds[key], raw, key)
            if key == "discount_rate":
                new = Creditor(discount_rate=value, enforcement=cr.enforcement, name=cr.name)
            else:
                enf = dataclasses.replace(cr.enforcement, **{key: value})
                new = Creditor(
                    discount_rate=cr.discount_rate,
                    enforcement=Enforcement(enf.recovery_rate, enf.delay_months, enf.costs),
                    name=cr.name,
                )
            self.case = self.case.replace(creditor=new)
        except InputError as e:
            self.errors[("creditor", key)] = str(e)
            return str(e)
        self.errors.pop(("creditor", key), None)
        return None

    def set_security(self, key: str, raw) -> str | None:
        """Change the collateral, the guarantees or the unsecured recovery behind the
        creditor's alternative (:meth:`repayplan.Enforcement.from_security`).

        ``key`` is one of :data:`SECURITY_FIELDS`; collateral and guarantees are one a line,
        ``key=value`` pairs.  Both empty: the quick form of the alternative (its summary
        figures).  Returns the library's message when a value is refused, else ``None``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_security("collateral", "name=shed, kind=real_estate, appraisal=90000")
        >>> [c.name for c in s.case.security.collateral]
        ['shed']
        >>> print(s.set_security("collateral", "name=shed, kind=real_estate, appraisal=0"))
        appraisal == 0, must be a positive amount (the appraised value)
        """
        from ...security import Collateral, Guarantee, Security

        kinds = dict(SECURITY_FIELDS)
        check_choice("field", key, tuple(kinds))
        self.security_texts[key] = raw
        cr = self.case.creditor
        try:
            texts = self.security_texts
            coll = [
                Collateral(**kw)
                for kw in parse_items(texts["collateral"], "collateral", COLLATERAL_KEYS)
            ]
            guar = [
                Guarantee(**kw)
                for kw in parse_items(texts["guarantees"], "guarantees", GUARANTEE_KEYS)
            ]
            unsecured = parse_value("number", texts["unsecured_recovery"]) or 0
            old = cr.enforcement.path
            if not coll and not guar:
                e = cr.enforcement
                enf = Enforcement(e.recovery_rate, e.delay_months, e.costs)
            else:
                enf = Enforcement.from_security(
                    Security(collateral=coll, guarantees=guar, unsecured_recovery=unsecured),
                    self.case.claim,
                    seed=old.seed if old is not None else 1,
                    scenarios=old.scenarios if old is not None else 1000,
                    procedure=old.procedure if old is not None else None,
                    exact=old.exact if old is not None else False,
                )
            self.case = self.case.replace(creditor=cr.replace(enforcement=enf))
            for k in (
                "recovery_rate",
                "delay_months",
                "costs",
            ):  # the quick form's fields show its summary
                self.creditor_texts[k] = num_text(getattr(enf, k))
        except (InputError, TypeError) as e:
            msg = str(e) if isinstance(e, InputError) else f"{key}: {e}"
            self.errors[("security", key)] = msg
            return msg
        for k in kinds:
            self.errors.pop(("security", k), None)
        return None

    def enforcement_view(self) -> dict | None:
        """The creditor's enforcement path for the creditor tab: the expected waterfall
        (:meth:`repayplan.security.EnforcementPath.waterfall`) and the distribution of its
        value over the scenarios; ``None`` for the quick form.

        >>> from repayplan.case import Case

        >>> from repayplan.notebook.session import Session
        >>> v = Session(Case.sample()).enforcement_view()
        >>> list(v["waterfall"].columns[:3]), len(v["distribution"])
        (['proceeds', 'prior_claims', 'execution_fee'], 1000)
        """
        cr = self.case.creditor
        path = cr.enforcement.path
        if path is None:
            return None
        return {
            "waterfall": path.waterfall(cr.discount_rate),
            "distribution": path.distribution(cr.discount_rate),
            "value": path.value(discount_rate=cr.discount_rate),
            "currency": self.case.claim.currency,
        }

    def set_borrower(self, key: str, raw) -> str | None:
        """Change the borrower's discount rate or going-concern loss (the Nash bargain).

        ``key`` is one of :data:`BORROWER_FIELDS`; a blank going-concern loss is the
        library's default.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_borrower("discount_rate", "0.12"), s.borrower_side
        (None, Borrower(discount_rate=0.12, going_concern_loss=None))
        """
        kinds = dict(BORROWER_FIELDS)
        check_choice("field", key, tuple(kinds))
        self.borrower_texts[key] = raw
        try:
            side = dataclasses.replace(self.borrower_side, **{key: parse_value(kinds[key], raw)})
            self.case = self.case.replace(borrower_side=side)
        except InputError as e:
            self.errors[("borrower", key)] = str(e)
            return str(e)
        self.errors.pop(("borrower", key), None)
        return None


def _read_history(content: bytes, filename: str, currency: str, **exclude):
    """A bank statement export, or else a CSV of months and cash, as one path of monthly cash."""
    from ...cashflow import CashFlow

    data = io.BytesIO(content)
    data.name = filename
    try:
        return CashFlow.read_statement(data, currency=currency, source=filename, **exclude)
    except InputError as e:
        if not e.field.endswith(": header") or filename.lower().endswith((".xlsx", ".xlsm")):
            raise
    return CashFlow.read_csv(io.BytesIO(content), currency=currency)
