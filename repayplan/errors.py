"""Errors raised by repayplan.

Every error that comes from bad input names the field, the value given and what
is allowed, so that an analyst can correct a case file without reading code::

    principal == -5, must be a finite amount > 0
"""

from __future__ import annotations

__all__ = ["RepayplanError", "InputError", "InfeasibleError", "RuleViolation"]


class RepayplanError(Exception):
    """Base class of every error raised by repayplan."""


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
    """

    def __init__(self, field: str, value: object, allowed: str, hint: str | None = None):
        self.field = field
        self.value = value
        self.allowed = allowed
        self.hint = hint
        msg = f"{field} == {value!r}, must be {allowed}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)

    def __reduce__(self):  # keep the error picklable across processes (dask workers)
        return (type(self), (self.field, self.value, self.allowed, self.hint))


class InfeasibleError(RepayplanError):
    """No plan satisfies the constraints; the message says which binds and how close the best came."""


class RuleViolation(RepayplanError):
    """A plan or loan breaks a hard rule of its jurisdiction's rule set."""
