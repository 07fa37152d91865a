"""The notebook front end: a live side-by-side negotiation dashboard (ipywidgets).

``Dashboard(case)`` shows two to four plans side by side with their controls, the
:func:`repayplan.compare` table, charts, suggestions from :func:`repayplan.negotiate`, the
borrower's and the creditor's settings, exports and the meeting record.  It holds no
financial logic: every figure comes from the library.  :class:`Session` is its state in
plain Python (no widgets), for scripts and tests.

Needs the ``notebook`` extra (ipywidgets 8, matplotlib; Voilà to serve it).
"""

from .session import Session

__all__ = ["Dashboard", "Session"]


def __getattr__(name):  # the widgets are imported only when the dashboard is asked for
    if name == "Dashboard":
        from .app import Dashboard

        return Dashboard
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
