"""The case register: every meeting, offer, agreement and payment, kept for the follow-up.

:class:`Register` keeps cases with every saved version, meetings and their minutes,
agreements, payments (booked one by one or imported from a bank statement, corrected by
reversals), notes and an audit log, in an SQLite file (default) or PostgreSQL, through
SQLAlchemy; Alembic migrates the schema when the register opens.  :meth:`Register.status`
and :meth:`Register.due` are the follow-up of every agreement, with the figures of
:meth:`repayplan.Agreement.status`.

SQLAlchemy and Alembic are imported only when a register is opened (the ``register``
extra: ``pip install 'repayplan[register]'``).
"""

from .core import ENV_VAR, ConflictError, ImportResult, Register, RegisterError, default_location

__all__ = [
    "Register",
    "ConflictError",
    "RegisterError",
    "ImportResult",
    "default_location",
    "ENV_VAR",
]
