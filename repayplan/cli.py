"""The ``repayplan`` command.

::

    repayplan demo [--write-case FILE]          the sample case (or write it out to edit)
    repayplan schedule CASE --plan NAME         a plan's schedule, to the cent
    repayplan compare CASE [--sheet FILE]       the case's plans side by side (--sheet: the
                                                borrower's one-page comparison, .pdf or .xlsx)
    repayplan suggest CASE [--save]             search for the plans worth offering (--save: into CASE)
    repayplan export CASE --plan NAME -o FILE   the agreement annex: xlsx, pdf, html, csv, md
    repayplan cashflow FILE --case CASE         the case's cash flow from a bank statement or a
                                                monthly history, forecast with statsmodels
    repayplan register ACTION --db PATH_OR_URL  the case register (repayplan.register.cli)

Exit codes: 0 done; 1 a problem with the input (a message on stderr naming the file and
the field, one line per problem, no traceback); 2 a usage error (argparse's message).
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from decimal import Decimal

from .errors import InfeasibleError, InputError, RepayplanError
from .text import by_language, pairs

__all__ = ["main", "build_parser"]

LANGS = ("en", "zh")
EXPORT_FORMATS = ("xlsx", "pdf", "html", "csv", "md")

_TEXT = pairs("cli")  # key -> (en, zh), from the text catalogue (repayplan.text)


def _t(key: str, lang: str, **kw) -> str:
    return _TEXT[key][LANGS.index(lang)].format(**kw)


# ----------------------------------------------------------------------------------------
# output helpers
# ----------------------------------------------------------------------------------------
def _width(text: str) -> int:
    """Columns a text takes on a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_table(
    headers: list[str] | None, rows: list[list[str]], right: set[int] | None = None
) -> str:
    """A plain text table (no header line when ``headers`` is None); ``right`` columns right-aligned."""
    top = [headers] if headers is not None else []
    ncols = len(headers) if headers is not None else len(rows[0])
    right = right if right is not None else set(range(1, ncols))
    cols = list(zip(*(top + rows), strict=True))
    widths = [max(_width(x) for x in col) for col in cols]

    def line(cells):
        out = []
        for i, c in enumerate(cells):
            pad = " " * (widths[i] - _width(c))
            out.append(pad + c if i in right else c + pad)
        return "  ".join(out).rstrip()

    if headers is None:
        return "\n".join(line(r) for r in rows)
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule] + [line(r) for r in rows])


def _money(value, units: int = 2) -> str:
    from .report.formats import format_amount  # the one amount formatter

    return format_amount(Decimal(value), units)


def _metric(key: str, value) -> str:
    """A metric of :data:`repayplan.evaluate.METRICS` for the terminal."""
    from .evaluate import format_metric

    return format_metric(key, value)


class Progress:
    """A progress bar on stderr for ``progress(done, total)`` callbacks (tqdm when installed).

    On a terminal the bar is redrawn in place; otherwise a line is written at each quarter,
    so that logs stay short.
    """

    def __init__(self, label: str, stream=None, enabled: bool = True):
        self.label, self.stream, self.enabled = label, stream or sys.stderr, enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_quarter = -1
        self.bar = None
        self.done = 0
        if enabled and self.tty:
            try:
                from tqdm import tqdm
            except ImportError:
                pass
            else:
                self.bar = tqdm(total=0, desc=label, file=self.stream, unit="plan")

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        total = max(int(total), int(done), 1)
        done = int(done)
        if self.bar is not None:
            self.bar.total = total
            self.bar.update(done - self.done)
            self.done = done
            return
        self.done = done
        frac = done / total
        if self.tty:
            n = int(frac * 30)
            self.stream.write(
                f"\r{self.label} [{'#' * n}{'.' * (30 - n)}] {frac:4.0%} {done}/{total}"
            )
            self.stream.flush()
        else:
            quarter = int(frac * 4)
            if quarter > self.last_quarter:
                self.last_quarter = quarter
                self.stream.write(f"{self.label}: {frac:.0%} ({done}/{total})\n")
                self.stream.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.close()
        elif self.tty and self.done:
            self.stream.write("\n")
            self.stream.flush()


# ----------------------------------------------------------------------------------------
# what each command prints
# ----------------------------------------------------------------------------------------
def _labels(lang: str):
    from .report import LABELS

    return LABELS[lang]


def claim_text(case, lang: str) -> str:
    """The claim's components as a two-column table."""
    c = case.claim
    L = _labels(lang)
    rows = [[L.get(k, k), _money(v, c.minor_units)] for k, v in c.components().items()]
    head = _t("claim", lang, date=c.as_of.isoformat(), currency=c.currency)
    return f"{head}\n" + text_table(None, rows)


def schedule_text(case, name: str, lang: str) -> str:
    """A plan's schedule with its totals."""
    plan = case.plan(name)
    s = case.schedule(name)
    L = _labels(lang)
    cols = [
        "period",
        "date",
        "opening_balance",
        "payment",
        "interest",
        "principal",
        "closing_balance",
    ]
    if (s.table["fee"] != 0).any():
        cols.append("fee")
    u = s.minor_units
    rows = []
    for rec in s.table[cols].itertuples(index=False):
        row = []
        for c, v in zip(cols, rec, strict=True):
            if c == "period":
                row.append(str(v))
            elif c == "date":
                row.append(v.date().isoformat() if hasattr(v, "date") else str(v))
            else:
                row.append(_money(v, u))
        rows.append(row)
    total = [_t("totals", lang), ""]
    for c in cols[2:]:
        total.append(
            _money(s.table[c].sum(), u) if c in ("payment", "interest", "principal", "fee") else ""
        )
    rows.append(total)
    head = _t("plan", lang, name=name, text=plan.describe(lang))
    return f"{head}\n" + text_table([L[f"col_{c}"] for c in cols], rows)


def compare_text(case, lang: str, names=None) -> str:
    """The comparison table, the better value of each row marked with ``*``, whose view each
    row serves in the last column, infeasible plans marked ``✗`` with the reason."""
    return comparison_text(case.compare(names, lang=lang), lang)


#: Whose view a row serves, as the last column of the CLI's tables says it.
_SIDES = by_language("cli.sides")  # from the text catalogue (repayplan.text)


def comparison_text(cmp, lang: str, rows_shown=None) -> str:
    """A :class:`repayplan.compare.Comparison` for the terminal: a row per metric (only
    ``rows_shown`` when given), a column per plan, then the side the row serves."""
    labels = cmp.labelled(lang).index
    rows = []
    for label, (key, row) in zip(labels, cmp.table.iterrows(), strict=True):
        if rows_shown is not None and key not in rows_shown:
            continue
        cells = [str(label)]
        for col, v in row.items():
            mark = "*" if bool(cmp.better.loc[key, col]) else " "
            cells.append(_metric(key, v) + mark)
        side = cmp.sides[key] if cmp.sides is not None else "both"
        cells.append(_SIDES[lang][side])
        rows.append(cells)
    ok = cmp.feasible if cmp.feasible is not None else {c: True for c in cmp.table.columns}
    headers = (
        [""] + [str(c) + (" " if ok[c] else "✗") for c in cmp.table.columns] + [_t("serves", lang)]
    )
    ncols = len(headers)
    notes = "".join(
        f"\n✗ {c}: {r}" for c, r in (cmp.reasons.items() if cmp.reasons is not None else []) if r
    )
    table = text_table(headers, rows, right=set(range(1, ncols - 1)))
    return table + "\n" + notes + f"\n{_t('better', lang)}"


#: The rows of the shortlist table that ``repayplan suggest`` prints.
SUGGEST_ROWS = (
    "expected_npv",
    "margin",
    "default_probability",
    "dscr",
    "dscr_p5",
    "min_cash_p5",
    "burden",
    "total_paid",
    "total_waived",
    "modification_gain",
    "term",
)


def suggest_text(result, lang: str) -> str:
    """The suggested plan, the reasons of every candidate, and the candidates side by side
    (the better value marked among the feasible ones, whose view each row serves)."""
    best = result.best
    lines = [f"{_t('suggested', lang)}: {best.describe(lang)}", "", result.explain(lang)]
    cand = getattr(result, "candidates", None)
    if (
        cand is not None
        and len(cand)
        and getattr(result, "cashflow", None) is not None
        and getattr(result, "creditor", None) is not None
    ):
        from .compare import compare

        cmp = compare(
            list(cand["plan"]),
            result.claim,
            result.cashflow,
            result.creditor,
            lang=lang,
            metrics=cand,
            constraints=result.constraints,
        )
        lines += ["", _t("candidates", lang), comparison_text(cmp, lang, SUGGEST_ROWS)]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------------------
def _load(path: str):
    from .case import Case

    return Case.load(path)


def _cmd_demo(args) -> int:
    from .case import Case, sample_text

    if args.write_case:
        target = args.write_case
        if os.path.exists(target) and not args.force:
            raise _UserError(target, "exists already; pass --force to replace it")
        fmt = os.path.splitext(target)[1].lower()
        if fmt == ".toml":
            text = sample_text()
        elif fmt == ".json":
            text = Case.sample().dumps("json")
        else:
            raise _UserError(target, "must end in .toml or .json")
        from ._io import write_atomic

        try:
            write_atomic(target, text)
        except OSError as e:
            raise _UserError(target, f"cannot be written ({e.strerror or e})") from None
        print(_t("wrote", args.lang, path=target))
        return 0
    case = Case.sample()
    _print_case(case, args, source="sample_case.toml")
    return 0


def _print_case(case, args, source: str) -> None:
    lang = args.lang
    L = _labels(lang)
    print(case.title or source)
    print(f"{L['borrower']}: {case.borrower.name}")
    print(f"{L['creditor']}: {case.creditor.name}\n")
    print(claim_text(case, lang))
    print()
    if case.plans:
        print(_t("plans", lang))
        print(compare_text(case, lang))
        print()
    if not args.no_suggest:
        _run_suggest(case, args, source)


def _run_suggest(case, args, source: str) -> None:
    overrides = {}
    for k in ("objective", "seed", "beta"):
        v = getattr(args, k, None)
        if v is not None:
            overrides[k] = v
    bar = Progress(_t("searching", args.lang), enabled=not args.no_progress)
    try:
        result = case.negotiate(progress=bar, **overrides)
    finally:
        bar.close()
    print(suggest_text(result, args.lang))
    if getattr(args, "save", False):
        _save_suggestions(case, result, source, args.lang)


def _save_suggestions(case, result, path: str, lang: str):
    """Write the ranked suggestions into the case file as plans "Suggested 1", "Suggested 2" ...

    The suggestions of an earlier ``--save`` (plans named ``Suggested <n>``) are replaced;
    the other plans stay, in order.  The file is rewritten atomically in its own format.
    Returns the case saved.
    """
    import re

    kept = [p for name, p in case.plans.items() if not re.fullmatch(r"Suggested \d+", name)]
    ranked = list(result.candidates["plan"]) if len(result.candidates) else [result.best]
    new = [p.replace(name=f"Suggested {k}") for k, p in enumerate(ranked, 1)]
    saved = case.replace(plans=kept + new)
    try:
        saved.save(path)
    except OSError as e:
        raise _UserError(path, f"cannot be written ({e.strerror or e})") from None
    print(
        _t(
            "saved_suggestions",
            lang,
            names=", ".join(p.name for p in new),
            path=path,
            first=new[0].name,
        )
    )
    return saved


def _cmd_schedule(args) -> int:
    case = _load(args.case)
    print(schedule_text(case, args.plan, args.lang))
    return 0


def _cmd_compare(args) -> int:
    case = _load(args.case)
    if not case.plans:
        raise _UserError(args.case, _t("no_plans", "en"))
    fmt = _sheet_format(args.sheet) if args.sheet else None  # a usage error before any work
    print(compare_text(case, args.lang, args.plan or None))
    if fmt:
        _write_sheet(case, args, fmt)
    return 0


def _sheet_format(path: str) -> str:
    fmt = {".pdf": "pdf", ".xlsx": "xlsx"}.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        raise _UsageError(f"cannot tell the format of the sheet {path!r}; name it .pdf or .xlsx")
    return fmt


def _write_sheet(case, args, fmt: str) -> None:
    """``compare --sheet FILE``: the borrower's one-page comparison, PDF or xlsx by the suffix."""
    from . import report
    from ._io import write_atomic

    names = args.plan or None
    plans = [case.plan(n) for n in names] if names else list(case.plans.values())

    def name(party):
        if args.lang == "en" and party.other_name:
            return f"{party.name} ({party.other_name})"
        return party.name

    try:
        data = report.comparison_sheet(
            plans,
            case.claim,
            case.cashflow,
            case.creditor,
            format=fmt,
            lang=args.lang,
            borrower=name(case.borrower),
            creditor_party=name(case.creditor_party),
            metrics=case.evaluate(names),
            constraints=getattr(case.negotiation, "constraints", None),
        )
    except InputError as e:
        if e.field in ("path", "format", "plans"):  # the output file, or too many plans for a page
            raise _UserError(args.sheet, _input_text(e)) from None
        raise
    try:
        write_atomic(args.sheet, data)
    except OSError as e:
        raise _UserError(args.sheet, f"cannot be written ({e.strerror or e})") from None
    print(_t("wrote", args.lang, path=args.sheet))


def _cmd_suggest(args) -> int:
    case = _load(args.case)
    _run_suggest(case, args, args.case)
    return 0


def _cmd_export(args) -> int:
    from . import report

    case = _load(args.case)
    plan = case.plan(args.plan)
    schedule = case.schedule(args.plan)
    fmt = args.format
    if fmt is None:
        suffix = os.path.splitext(args.output)[1].lower()
        fmt = {
            ".xlsx": "xlsx",
            ".pdf": "pdf",
            ".html": "html",
            ".htm": "html",
            ".csv": "csv",
            ".md": "md",
            ".markdown": "md",
        }.get(suffix)
        if fmt is None:
            raise _UsageError(
                f"cannot tell the format of {args.output!r}; "
                f"pass --format {'|'.join(EXPORT_FORMATS)}"
            )

    def name(party):
        if args.lang == "en" and party.other_name:
            return f"{party.name} ({party.other_name})"
        return party.name

    try:
        report.write(
            schedule,
            args.output,
            format=fmt,
            lang=args.lang,
            claim=case.claim,
            plan=plan,
            borrower=name(case.borrower),
            creditor=name(case.creditor_party),
            agreement_date=args.agreement_date,
            notes=args.note or None,
            security=case.security,
            contract=case.contract or None,
            borrower_party=case.borrower,
        )
    except InputError as e:
        if e.field in ("path", "format"):  # the output file, not the case
            raise _UserError(args.output, _input_text(e)) from None
        raise
    print(_t("wrote", args.lang, path=args.output))
    return 0


def _cmd_cashflow(args) -> int:
    """Build the case's cash flow from a statement or a monthly history (and forecast it)."""
    from .cashflow import CashFlow, Provenance, backtest

    case = _load(args.case)
    if args.output and os.path.exists(args.output) and not args.force:  # before the fit (seconds)
        raise _UserError(args.output, "exists already; pass --force to replace it")
    old = case.cashflow
    keep = {"buffer": old.buffer, "minimum_cash": old.minimum_cash, "currency": old.currency}
    try:
        if args.input == "statement":
            history = CashFlow.read_statement(
                args.file,
                own_accounts=args.own_account or (),
                loan_proceeds=args.loan_proceeds or (),
                exclude_tags=args.exclude_tag or (),
                tag=args.tag_column,
                currency=old.currency,
                reconcile=args.reconcile,
            )
        else:
            history = CashFlow.read_csv(args.file, currency=old.currency)
            history = history.replace(
                provenance=Provenance(
                    "data",
                    f"monthly figures {os.path.basename(args.file)}: {history.months} months "
                    f"{history.start}..{history.end}",
                )
            )
    except InputError as e:
        raise _UserError(args.file, f"{e.field}: {_input_text(e)}") from None
    if args.no_forecast:
        cf = history.replace(**keep)
    else:
        months = args.months or old.months
        cf = CashFlow.from_history(
            history,
            months=months,
            scenarios=args.scenarios,
            seed=args.seed,
            model=args.model,
            **keep,
        )
        if args.backtest:
            bt = backtest(
                history.to_series(),
                horizon=min(12, max(1, history.months - 24)),
                model=args.model,
                seed=args.seed,
            )
            figures = {
                "coverage_90": bt.coverage_90,
                "mape": bt.mape,
                "naive_coverage_90": bt.seasonal_naive["coverage_90"],
                "naive_mape": bt.seasonal_naive["mape"],
            }
            assert cf.provenance is not None  # from_history says where the figures came from
            cf = cf.replace(provenance=cf.provenance.replace(backtest=figures))
    assert cf.provenance is not None  # read_statement, the data above and from_history set it
    for line in cf.provenance.lines():
        print(line)
    print(repr(cf))
    if args.output:
        if os.path.exists(args.output) and not args.force:
            raise _UserError(args.output, "exists already; pass --force to replace it")
        try:
            case.replace(cashflow=cf).save(args.output)
        except OSError as e:
            raise _UserError(args.output, f"cannot be written ({e.strerror or e})") from None
        print(_t("wrote", args.lang, path=args.output))
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error's echo of a long value cut to one readable line."""

    def error(self, message):
        if len(message) > 300:
            message = f"{message[:140]}…{message[-140:]} ({len(message):,} characters)"
        super().error(message)


class _UserError(Exception):
    """A mistake in a file or argument: ``file: message``, exit code 1."""

    def __init__(self, where: str, message: str):
        where = str(where)
        if len(where) > 240:  # one line of a message, never a hundred thousand characters
            where = f"{where[:110]}…{where[-110:]} ({len(where):,} characters)"
        super().__init__(f"{where}: {message}")


class _UsageError(Exception):
    """A usage mistake found after parsing: exit code 2."""

    def __init__(self, message: str):
        if len(message) > 300:  # echoing a long value in full is not a message
            message = f"{message[:140]}…{message[-140:]} ({len(message):,} characters)"
        super().__init__(message)


# ----------------------------------------------------------------------------------------
# the parser
# ----------------------------------------------------------------------------------------
def _add_lang(p) -> None:
    p.add_argument(
        "--lang", choices=LANGS, default="en", help="language of the labels (default en)"
    )


def _add_search(p) -> None:
    from .negotiate import OBJECTIVES

    p.add_argument(
        "--objective",
        choices=OBJECTIVES,
        help="what the search maximises (default: the case's [negotiation], else nash)",
    )
    p.add_argument("--seed", type=_nonneg_int, help="seed of the search (default: the case's)")
    p.add_argument("--beta", type=_fraction, help="the creditor's bargaining power for nash, 0..1")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _nonneg_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return v


def _iso_date(text: str):
    import datetime as _dt

    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= v <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction from 0 to 1")
    return v


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``repayplan`` command.

    Returns
    -------
    argparse.ArgumentParser
        With the sub-commands ``demo``, ``schedule``, ``compare``, ``suggest`` and
        ``export`` (see the module docstring); each sets ``func``, the function that runs it.

    Examples
    --------
    >>> args = build_parser().parse_args(["export", "case.toml", "--plan", "Bank proposal",
    ...                                   "-o", "annex.pdf", "--agreement-date", "2026-07-15"])
    >>> args.command, args.plan, args.output, args.agreement_date, args.lang
    ('export', 'Bank proposal', 'annex.pdf', datetime.date(2026, 7, 15), 'en')
    """
    from . import __version__

    p = _Parser(
        prog="repayplan",
        description="Negotiate repayment plans on overdue loans, from a case file (TOML or JSON).",
        epilog="Start with `repayplan demo`, then `repayplan demo --write-case case.toml` to get a\n"
        "case file to edit.  `repayplan COMMAND --help` describes each command.\n\n"
        "Exit codes: 0 done, 1 a problem with the input, 2 usage.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"repayplan {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    d = sub.add_parser(
        "demo",
        help="run the built-in sample case, or write it out to edit",
        description="Print the sample case (a manufacturer about 1.2 million yuan "
        "overdue): the claim, the comparison of its plans and the "
        "suggested plan.  With --write-case, write it to a file instead.",
    )
    d.add_argument(
        "--write-case", metavar="FILE", help="write the sample case to FILE (.toml or .json)"
    )
    d.add_argument("--force", action="store_true", help="replace FILE if it exists")
    d.add_argument("--no-suggest", action="store_true", help="skip the search for a suggested plan")
    _add_lang(d)
    _add_search(d)
    d.set_defaults(func=_cmd_demo)

    s = sub.add_parser(
        "schedule",
        help="print a plan's schedule",
        description="Print the cent-exact schedule of one plan of the case.",
    )
    s.add_argument("case", metavar="CASE", help="the case file (.toml or .json)")
    s.add_argument("--plan", required=True, metavar="NAME", help="the name of the plan")
    _add_lang(s)
    s.set_defaults(func=_cmd_schedule)

    c = sub.add_parser(
        "compare",
        help="compare the case's plans side by side",
        description="Evaluate the case's plans for both sides and print them side by side.",
    )
    c.add_argument("case", metavar="CASE", help="the case file (.toml or .json)")
    c.add_argument(
        "--plan",
        action="append",
        metavar="NAME",
        help="only this plan (repeat for several; default all)",
    )
    c.add_argument(
        "--sheet",
        metavar="FILE",
        help="also write the borrower's one-page comparison to FILE (.pdf or .xlsx; "
        "at most 6 plans), in the language of --lang",
    )
    _add_lang(c)
    c.set_defaults(func=_cmd_compare)

    g = sub.add_parser(
        "suggest",
        help="search for the plans worth offering",
        description="Run the negotiation engine on the case (its [negotiation] "
        "settings, overridden by the options) and print the suggested "
        "plan with the reasons.  A progress bar goes to stderr.",
    )
    g.add_argument("case", metavar="CASE", help="the case file (.toml or .json)")
    g.add_argument(
        "--save",
        action="store_true",
        help='write the suggestions into CASE as plans "Suggested 1", "Suggested 2" ... '
        "(replacing those of an earlier --save), so that export --plan can use them; "
        "the file is rewritten, without its comments",
    )
    _add_search(g)
    _add_lang(g)
    g.set_defaults(func=_cmd_suggest)

    e = sub.add_parser(
        "export",
        help="write a plan's agreement table (xlsx, pdf, html, csv, md)",
        description="Write the repayment schedule of one plan as the annex of the agreement.",
    )
    e.add_argument("case", metavar="CASE", help="the case file (.toml or .json)")
    e.add_argument("--plan", required=True, metavar="NAME", help="the name of the plan")
    e.add_argument("--format", choices=EXPORT_FORMATS, help="default: from the suffix of FILE")
    e.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write")
    e.add_argument(
        "--agreement-date", metavar="YYYY-MM-DD", type=_iso_date, help="the date of the agreement"
    )
    e.add_argument("--note", action="append", metavar="TEXT", help="a clause to add (repeatable)")
    _add_lang(e)
    e.set_defaults(func=_cmd_export)

    f = sub.add_parser(
        "cashflow",
        help="the case's cash flow from a bank statement or a history",
        description="Read a bank statement export (CSV or xlsx, Chinese or English "
        "headers) or a monthly history CSV (month, available), fit a "
        "forecast with statsmodels and print where it came from; with "
        "-o, write the case with this cash flow (buffer and minimum "
        "cash kept).",
    )
    f.add_argument("file", metavar="FILE", help="the statement (.csv/.xlsx) or monthly history")
    f.add_argument("--case", required=True, metavar="CASE", help="the case file (.toml or .json)")
    f.add_argument(
        "--input",
        choices=("statement", "monthly"),
        default="statement",
        help="FILE is a bank statement (default) or a CSV of months and cash",
    )
    f.add_argument(
        "--own-account",
        action="append",
        metavar="NAME",
        help="a counterparty that is the borrower's own account (repeatable)",
    )
    f.add_argument(
        "--loan-proceeds",
        action="append",
        metavar="NAME",
        help="a lender whose payments in are loan proceeds (repeatable)",
    )
    f.add_argument(
        "--exclude-tag",
        action="append",
        metavar="TAG",
        help="leave out lines with this tag (repeatable; see --tag-column)",
    )
    f.add_argument(
        "--tag-column",
        default="tag",
        metavar="COLUMN",
        help="the column of tags (default tag; 'description' is the 摘要)",
    )
    f.add_argument(
        "--reconcile",
        choices=("month", "line"),
        default="month",
        help="check each month's closing balance (default) or every line's",
    )
    f.add_argument("--months", type=_nonneg_int, help="months to forecast (default: the case's)")
    f.add_argument("--scenarios", type=_nonneg_int, default=1000, help="default 1000")
    f.add_argument("--seed", type=_nonneg_int, default=1, help="default 1")
    f.add_argument(
        "--model",
        choices=("auto", "ets", "sarima", "level", "seasonal_naive"),
        default="auto",
        help="the forecasting model (default auto: by AICc)",
    )
    f.add_argument(
        "--backtest",
        action="store_true",
        help="run a rolling backtest and keep its figures with the cash flow",
    )
    f.add_argument(
        "--no-forecast", action="store_true", help="use the monthly history itself as the cash flow"
    )
    f.add_argument("-o", "--output", metavar="FILE", help="write the updated case to FILE")
    f.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _add_lang(f)
    f.set_defaults(func=_cmd_cashflow)
    from .register.cli import add_parser as _add_register  # SQLAlchemy is loaded only when run

    _add_register(sub)
    return p


# ----------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------
def _input_text(e: InputError) -> str:
    from .case import show_value

    return f"{show_value(e.value)} is not {e.allowed}" + (f" ({e.hint})" if e.hint else "")


def _error_lines(e: Exception, source: str | None) -> list[str]:
    """One line per problem, naming the file and the field."""
    from .case import CaseError

    if isinstance(e, CaseError):
        return e.lines()
    where = f"{source}: " if source else ""
    if isinstance(e, InputError):
        return [f"{where}{e.field}: {_input_text(e)}"]
    if isinstance(e, InfeasibleError):
        return [f"{where}no plan meets the constraints: {' '.join(str(e).split())}"]
    return [" ".join(str(e).split())]


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0 done, 1 input problem, 2 usage).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``repayplan``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 done; 1 a problem with the input, reported on stderr one line per problem
        (file, field, value and what is allowed; no traceback); 2 a usage error; 130
        interrupted.

    Examples
    --------
    A case file with one plan: 120,000.00 at 6 % in three equal principal instalments of
    40,000.00, with interest of 0.5 % on the falling balance (600.00, 400.00, 200.00).

    >>> import contextlib, pathlib, sys, tempfile
    >>> text = '''
    ... [borrower]
    ... name = "Acme Ltd"
    ... [creditor]
    ... name = "First Bank"
    ... [claim]
    ... principal = 120000.00
    ... annual_rate = 0.06
    ... as_of = 2026-06-30
    ... [cashflow]
    ... start = "2026-07"
    ... values = [45000.0, 45000.0, 45000.0]
    ... [[plans]]
    ... name = "3 months"
    ... method = "equal_principal"
    ... term = 3
    ... '''
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "acme.toml"
    >>> _ = path.write_text(text, encoding="utf-8")
    >>> main(["schedule", str(path), "--plan", "3 months"])
    Plan '3 months': equal principal instalments over 3 months
    No.      Due date  Opening balance  Amount due  Interest   Principal  Closing balance
    -----  ----------  ---------------  ----------  --------  ----------  ---------------
    0      2026-06-30       120,000.00        0.00      0.00        0.00       120,000.00
    1      2026-07-31       120,000.00   40,600.00    600.00   40,000.00        80,000.00
    2      2026-08-31        80,000.00   40,400.00    400.00   40,000.00        40,000.00
    3      2026-09-30        40,000.00   40,200.00    200.00   40,000.00             0.00
    Total                               121,200.00  1,200.00  120,000.00
    0

    A plan the case does not have is an input problem (exit code 1), reported on stderr:

    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     main(["schedule", str(path), "--plan", "6 months"])  # doctest: +ELLIPSIS
    repayplan: .../acme.toml: plan: "6 months" is not the name of a plan of the case ('3 months')
    1
    >>> folder.cleanup()
    """
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if encoding.lower().replace("-", "") != "utf8":  # a legacy console: never fail on a name
        try:
            sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]  # caught below
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version (0) and usage errors (2)
        return e.code if isinstance(e.code, int) else 2
    source = getattr(args, "case", None)
    try:
        return args.func(args)
    except _UsageError as e:
        print(f"repayplan {args.command}: error: {e}", file=sys.stderr)
        return 2
    except (RepayplanError, _UserError) as e:
        for line in _error_lines(e, source):
            print(f"repayplan: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("repayplan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `repayplan ... | head`
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0


if __name__ == "__main__":
    sys.exit(main())
