"""Text safety: spreadsheet formula neutralisation and the checks on user text of an annex."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from .._io import neutralise
from .._validate import MAX_TEXT, check_text
from ..errors import InputError

if TYPE_CHECKING:
    from .model import Annex


def neutralise_formula(text: str) -> str:
    """Text made safe for a spreadsheet cell: a leading apostrophe before a formula trigger.

    A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula;
    tab, CR, LF and NUL can hide one (OWASP "CSV Injection", ASVS 1.2.10).  Such text,
    also after leading spaces or with a full-width trigger (``＝``), gets a ``'`` in front,
    which the spreadsheet shows as text; anything else is returned unchanged.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``"'" + text`` when the first character that is not a space is a trigger, else
        ``text``.

    Notes
    -----
    ``neutralise_formula(t)[1:] == t`` whenever a quote was added, so the original text
    is always recoverable.

    Examples
    --------
    >>> neutralise_formula('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_formula("Acme Ltd."), neutralise_formula("-5% off"), neutralise_formula("")
    ('Acme Ltd.', "'-5% off", '')
    """
    if not isinstance(text, str):
        raise InputError("text", text, "text (str)")
    return neutralise(text)  # the one guard, shared with the CSV writer of repayplan._io


# -----------------------------------------------------------------------------------------
# Validation of the arguments
# -----------------------------------------------------------------------------------------
def check_annex_text(name: str, value) -> str | None:
    """User text: a str without control characters other than tab, CR and LF (or None).

    NUL and the other C0/C1 controls cannot be stored in an xlsx (XML) and print as
    nothing in a PDF, so they are refused rather than dropped.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(name, value, "text (str) or None")
    check_text(name, value, max_length=MAX_TEXT)  # no lone surrogates: nothing could be written
    bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in "\t\r\n"]
    if bad:
        raise InputError(
            name,
            value,
            "text without control characters other than tab, CR and LF",
            hint=f"contains {bad[0]!r}",
        )
    return value


def field_texts(a: Any):
    """(field, text) for every text of the annex, the field as the user named it."""
    yield "title", a.title
    for group in (a.header, a.composition, a.words, a.clauses):
        for it in group:
            yield it.key, it.text


def check_annex_texts(a: Annex) -> None:
    """Every text of the annex (a plan's name too, not only the arguments) can be written in
    every format: no NUL or other control characters, no lone surrogates."""
    for key, text in field_texts(a):
        bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\r\n"]
        if bad:
            raise InputError(
                key,
                text,
                "text without control characters other than tab, CR and LF",
                hint=f"contains {bad[0]!r}",
            )
