"""tracking and the dashboard session as packages: every name importable as before (#14).

The oracle is the list of public names the modules had before the split (their ``__all__``
then, and the names other modules and tests imported): each is importable from its old
path and is the very object defined in the new submodule, the submodules' exports partition
the package's, and nothing of the split leaks a private name across modules.
"""

from __future__ import annotations

import importlib

import repayplan as rp

# repayplan.tracking before the split: its __all__, and what other modules imported by name
TRACKING_ALL = [
    "Agreement",
    "Status",
    "Breach",
    "Observation",
    "Statement",
    "ConsecutiveMisses",
    "DaysPastDue",
    "CumulativeShortfall",
    "STATES",
    "INSTALMENT_STATES",
    "OVERPAYMENT",
    "figures_many",
    "status_many",
]
TRACKING_ALSO = ["read_clauses"]  # repayplan.register.core imports it

# repayplan.notebook.state before the split: its __all__, and what app.py imported
STATE_ALL = [
    "PLAN_OPTIONS",
    "CASH_FIELDS",
    "CREDITOR_FIELDS",
    "BORROWER_FIELDS",
    "PlanSlot",
    "View",
    "Session",
    "option_text",
    "option_shown",
    "parse_option",
    "KEYS_ZH",
    "WORDS_ZH",
    "translate_pairs",
]
STATE_ALSO = ["SECURITY_FIELDS"]  # repayplan.notebook.app imports it

TRACKING_PARTS = ["clauses", "agreement", "statement", "batch"]
SESSION_PARTS = ["options", "slots", "editors", "exports"]


def test_tracking_exports_what_it_exported_before():
    import repayplan.tracking as tracking

    assert list(tracking.__all__) == TRACKING_ALL
    for name in TRACKING_ALL + TRACKING_ALSO:
        assert getattr(tracking, name) is not None


def test_each_tracking_name_is_defined_in_exactly_one_part():
    import repayplan.tracking as tracking

    owner = {}
    for part in TRACKING_PARTS:
        mod = importlib.import_module(f"repayplan.tracking.{part}")
        for name in mod.__all__:
            assert name not in owner, (name, owner.get(name), part)
            owner[name] = part
            assert getattr(tracking, name) is getattr(mod, name)
    assert set(owner) == set(TRACKING_ALL)
    classes = [n for n in TRACKING_ALL if isinstance(getattr(tracking, n), type)]
    for name in classes:
        assert getattr(tracking, name).__module__ == f"repayplan.tracking.{owner[name]}"


def test_the_package_top_level_names_are_the_tracking_objects():
    import repayplan.tracking as tracking

    for name in ("Agreement", "Status", "Statement", "Breach", "ConsecutiveMisses"):
        assert getattr(rp, name) is getattr(tracking, name)


def test_the_state_module_still_offers_every_name_it_had():
    from repayplan.notebook import session, state

    for name in STATE_ALL + STATE_ALSO:
        assert getattr(state, name) is getattr(session, name), name
    assert set(STATE_ALL) <= set(session.__all__)
    import repayplan.notebook as nb

    assert nb.Session is session.Session


def test_the_session_is_built_from_its_parts():
    from repayplan.notebook import session
    from repayplan.notebook.session.editors import SettingsEditors
    from repayplan.notebook.session.exports import Exports

    assert issubclass(session.Session, SettingsEditors)
    assert issubclass(session.Session, Exports)
    # every method the session had is still reached on Session
    for name in (
        "set_option set_name add duplicate remove accept restore_accepted set_lang refresh "
        "previous suggest add_suggestion replace_with_suggestion ranking to_case "
        "set_cash set_cash_source upload_cash upload_history set_forecast_model run_backtest "
        "set_creditor set_security enforcement_view set_borrower "
        "case_text annex_arguments annex minutes_text"
    ).split():
        assert callable(getattr(session.Session, name)), name
    assert session.Session.FORECAST_MODELS == ("auto", "ets", "sarima", "level", "seasonal_naive")
    for part in SESSION_PARTS:
        mod = importlib.import_module(f"repayplan.notebook.session.{part}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if isinstance(obj, type):
                assert obj.__module__ == mod.__name__


def test_the_session_does_not_import_widgets():
    import subprocess
    import sys

    code = (
        "import sys; import repayplan.notebook.session as s; "
        "from repayplan.case import Case; s.Session(Case.sample()).refresh(); "
        "print('ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
