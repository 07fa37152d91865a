"""Font lookup for PDF output: the CJK TrueType font the annex and the comparison sheet are set in."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from ..errors import InputError, RepayplanError

#: Debian font files tried, in order, for the PDF (TrueType outlines: reportlab embeds
#: TrueType, not the CFF outlines of Noto CJK).
CJK_FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "fonts-wqy-microhei"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming"),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", "fonts-arphic-ukai"),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback"),
)

_REGISTERED_FONTS: dict[str, str] = {}


def find_cjk_font(font=None) -> Path | None:
    """The TrueType file that PDF annexes are set in, or ``None`` when there is none.

    ``font`` (a ``.ttf``/``.ttc`` path) if given, else ``$REPAYPLAN_CJK_FONT``, else the
    first installed of :data:`CJK_FONT_CANDIDATES` (install Debian ``fonts-wqy-microhei``).

    Raises
    ------
    InputError
        ``font`` (or the environment variable) names a file that does not exist.

    Examples
    --------
    >>> path = find_cjk_font()
    >>> path is None or path.suffix.lower() in (".ttf", ".ttc")
    True
    """
    for name, given in (
        ("font", font),
        ("REPAYPLAN_CJK_FONT", os.environ.get("REPAYPLAN_CJK_FONT")),
    ):
        if given:
            p = Path(given)
            if not p.is_file():
                raise InputError(
                    name, str(given), "the path of an existing TrueType font file (.ttf or .ttc)"
                )
            return p
    for path, _package in CJK_FONT_CANDIDATES:
        if Path(path).is_file():
            return Path(path)
    return None


def pdf_font(a: Any, font) -> str:
    # ``a``: an Annex, or an object with its text fields (the borrower's comparison sheet)
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = find_cjk_font(font)
    if path is None:
        texts = a.texts() + [
            a.labels[k] for k in ("page", "signature_borrower", "signature_creditor")
        ]
        try:
            "".join(texts).encode("latin-1")
        except UnicodeEncodeError:
            raise RepayplanError(
                "no CJK font for the PDF: install the Debian package fonts-wqy-microhei, or pass "
                "font= (or set REPAYPLAN_CJK_FONT to) a TrueType .ttf/.ttc file"
            ) from None
        return "Helvetica"
    key = str(path.resolve())
    if key not in _REGISTERED_FONTS:
        name = "RepayplanCJK-" + hashlib.sha1(key.encode()).hexdigest()[:10]
        try:
            ttf = (
                TTFont(name, key, subfontIndex=0)
                if key.lower().endswith(".ttc")
                else TTFont(name, key)
            )
        except Exception as exc:  # reportlab raises its own TTFError and others
            raise InputError(
                "font",
                key,
                "a TrueType font file (.ttf or .ttc with TrueType outlines)",
                hint=str(exc),
            ) from None
        pdfmetrics.registerFont(ttf)
        _REGISTERED_FONTS[key] = name
    return _REGISTERED_FONTS[key]
