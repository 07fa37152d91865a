"""The dashboard's state, as imported before it became a package: a compatibility module.

The session now lives in :mod:`repayplan.notebook.session` (options, plan slots, settings
editors, exports); every name this module offered is re-exported here unchanged, so
``from repayplan.notebook.state import Session`` keeps working.  New code imports from
:mod:`repayplan.notebook.session`.

>>> from repayplan.notebook import session, state
>>> state.Session is session.Session and state.parse_option is session.parse_option
True
"""

from __future__ import annotations

from .session import BORROWER_FIELDS as BORROWER_FIELDS
from .session import CASH_FIELDS as CASH_FIELDS
from .session import CREDITOR_FIELDS as CREDITOR_FIELDS
from .session import KEYS_ZH as KEYS_ZH
from .session import PLAN_OPTIONS as PLAN_OPTIONS
from .session import SECURITY_FIELDS as SECURITY_FIELDS
from .session import WORDS_ZH as WORDS_ZH
from .session import PlanSlot as PlanSlot
from .session import Session as Session
from .session import View as View
from .session import option_shown as option_shown
from .session import option_text as option_text
from .session import parse_option as parse_option
from .session import translate_pairs as translate_pairs
