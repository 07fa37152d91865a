"""Alembic environment of the case register.

Run by :class:`repayplan.register.Register` on open, with the connection it made (so the
URL, and its password, are never read from or written to a configuration file); there is
no ``alembic.ini`` and no logging configuration.
"""

from alembic import context

from repayplan.register.models import Base


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "_proxy", None) is not None:  # run by Alembic, not merely imported
    run()
