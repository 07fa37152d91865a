"""Errors raised by repayplan.

Every error that comes from bad input names the field, the value given and what
is allowed, so that an analyst can correct a case file without reading code::

    principal == -5, must be a finite amount > 0
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["RepayplanError", "InputError", "InfeasibleError", "RuleViolation", "FileError"]


def shorten(value, width: int = 240) -> str:
    """``repr(value)``, cut in the middle to about ``width`` characters, saying how long it was.

    Examples
    --------
    >>> from repayplan.errors import shorten
    >>> shorten("abc")
    "'abc'"
    >>> shorten("x" * 1_000_000, 20)
    "'xxxxx…xxxxx' (1,000,000 characters)"
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"<an integer of about {int(value.bit_length() * 0.30103):,} digits>"
    if isinstance(value, Decimal) and value.is_finite() and len(value.as_tuple().digits) > 60:
        return f"<a Decimal of {len(value.as_tuple().digits):,} digits>"
    if type(value).__name__ == "ndarray" and getattr(value, "size", 0) > 8:
        return f"<an array of shape {value.shape}>"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    if len(text) <= width:
        return text
    half = (width - 8) // 2
    size = f" ({len(value):,} characters)" if isinstance(value, str) else ""
    return f"{text[:half]}…{text[-half:]}{size}"


class RepayplanError(Exception):
    """Base class of every error raised by repayplan.

    Examples
    --------
    One ``except`` clause catches whatever repayplan raises, and nothing else:

    >>> from repayplan.schedule import amortize
    >>> try:
    ...     amortize(-5, 0.0435, 12)
    ... except RepayplanError as e:
    ...     print(type(e).__name__, "-", e)
    InputError - principal == -5, must be a finite amount > 0
    """


class InputError(RepayplanError, ValueError):
    """A public argument or a field of a case file is not acceptable.

    Parameters
    ----------
    field : str
        The name of the argument or the location in a file (``plans[2].term``).
    value : object
        The value that was given.
    allowed : str
        What would have been accepted, in words (``"a whole number from 1 to 1200"``).
    hint : str, optional
        A likely cause, e.g. a rate given in percent instead of as a fraction.

    Notes
    -----
    The message reads ``"{field} == {value!r}, must be {allowed}"``, then `` ({hint})``
    when there is a hint; a long value is shown cut in the middle, with its length.  It is also a :class:`ValueError`, so code that already catches
    those keeps working.

    Examples
    --------
    A rate typed in percent (4.35 instead of 0.0435):

    >>> from repayplan.schedule import amortize
    >>> try:
    ...     amortize(100_000, 4.35, 12)
    ... except InputError as e:
    ...     print(e)
    ...     print(e.field, e.value, isinstance(e, ValueError))
    annual_rate == 4.35, must be a rate >= 0 and <= 1 a year, as a fraction
    (a rate is a fraction: 4.35% is 0.0435)
    annual_rate 4.35 True

    Raised by your own validation, in the same words:

    >>> str(InputError("term", 0, "a whole number of months from 1 to 1200"))
    'term == 0, must be a whole number of months from 1 to 1200'
    """

    def __init__(self, field: str, value: object, allowed: str, hint: str | None = None):
        self.field = field
        self.value = value
        self.allowed = allowed
        if hint and len(hint) > 300:  # a hint quoting a long name is cut too
            hint = f"{hint[:140]}…{hint[-140:]}"
        self.hint = hint
        msg = f"{field} == {shorten(value)}, must be {allowed}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)

    def __reduce__(self):  # keep the error picklable across processes (dask workers)
        return (type(self), (self.field, self.value, self.allowed, self.hint))


class InfeasibleError(RepayplanError):
    """No plan satisfies the constraints; the message says which binds and how close the best came.

    Examples
    --------
    A borrower with 10,000 yuan of cash a month cannot carry a 1,042,000 yuan claim over
    four years at 4.35 %: the level payment is
    ``1,042,000 × 0.3625 % / (1 − 1.003625^−48) ≈ 23,691`` a month, a coverage of
    ``10,000 / 23,691 ≈ 0.42`` against the 1.2 required.

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000,
    ...                  annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow.project(base=10_000, months=60, scenarios=1, seed=7)
    >>> try:
    ...     rp.negotiate(claim, cash, rp.Creditor(0.06), space=rp.SearchSpace(term=[24, 36, 48]),
    ...                  constraints=rp.Constraints(min_dscr=1.2, min_dscr_p5=None))
    ... except InfeasibleError as e:
    ...     print(e)
    no plan within 48 months reaches DSCR (lowest plan year, mean cash) of at least 1.2; best 0.42
    (3 plans evaluated)
    """


class RuleViolation(RepayplanError):
    """A plan or loan breaks a hard rule of its jurisdiction's rule set.

    :func:`repayplan.rules.check` reports what it finds as findings and never stops on
    them; a script that must stop on a hard finding raises this error with the finding.

    Examples
    --------
    A private loan at 18 % signed on 2023-09-01, when the one-year LPR was 3.45 %: the
    cap is ``4 × 3.45 % = 13.80 %``.

    >>> from types import SimpleNamespace
    >>> from repayplan.rules import check
    >>> loan = SimpleNamespace(annual_rate=0.18, signed="2023-09-01")
    >>> hard = [f for f in check(loan, ruleset="cn-private") if f.hard]
    >>> try:
    ...     if hard:
    ...         raise RuleViolation(hard[0].message)
    ... except RuleViolation as e:
    ...     print(e)
    the contract rate 18.00% exceeds 4 x LPR 3.45% = 13.80% on 2023-09-01 (the contract date);
    interest above the cap is not supported by the courts
    """


class FileError(InputError, OSError):
    """A file cannot be written or read: names the path and why, in words.

    Raised instead of a bare ``OSError`` by every writer of the library (case files,
    annexes, statements, minutes).  It is an :class:`InputError` with ``field == "path"``
    (the path is what the user gave) and also an ``OSError`` whose ``strerror`` is the
    reason, so code that already catches either keeps working.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    reason : str
        What went wrong: ``"the folder does not exist"``, ``"permission denied"``,
        ``"the disk is read-only"``, ``"the disk is full"``...
    action : str
        ``"write"`` or ``"read"``.

    Examples
    --------
    >>> e = FileError("/mnt/usb/case.toml", "the disk is read-only")
    >>> print(e)
    path == '/mnt/usb/case.toml', must be a file that can be written (the disk is read-only)
    >>> isinstance(e, OSError), e.field, e.reason
    (True, 'path', 'the disk is read-only')
    """

    def __init__(self, path, reason: str, action: str = "write"):
        import os

        self.path = os.fspath(path)
        self.reason = reason
        self.action = action
        what = "written" if action == "write" else "read"
        InputError.__init__(self, "path", self.path, f"a file that can be {what}", reason)
        self.strerror = reason  # what `except OSError as e: e.strerror` code shows
        self.filename = self.path

    def __str__(self) -> str:  # the InputError message, not OSError's "[Errno None] ..."
        return Exception.__str__(self)

    def __reduce__(self):
        return (type(self), (self.path, self.reason, self.action))
