"""MkDocs hook: render every equation to MathML when the site is built.

``pymdownx.arithmatex`` (generic mode) leaves ``\\( ... \\)`` and ``\\[ ... \\]`` in
``<span class="arithmatex">`` / ``<div class="arithmatex">``.  This hook converts them with
``latex2mathml`` at build time, so the pages carry MathML that the browser renders natively
and the site loads no script from a CDN: the equations read the same on a bank's intranet
with no internet as they do online.  An equation that does not convert fails the build with
the page and the TeX named (``mkdocs build --strict`` stops on errors).
"""

from __future__ import annotations

import html
import logging
import re

from latex2mathml.converter import convert

log = logging.getLogger("mkdocs.hooks.mathml")

_BLOCK = re.compile(r'<div class="arithmatex">\s*\\\[(.*?)\\\]\s*</div>', re.S)
_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)


class MathError(Exception):
    """An equation that latex2mathml could not render."""


def _render(tex: str, display: str, page) -> str:
    source = html.unescape(tex).strip()
    try:
        return convert(source, display=display)
    except Exception as exc:  # latex2mathml raises several kinds; name the equation
        raise MathError(f"{page.file.src_path}: cannot render {source!r} to MathML: {exc}") from exc


def on_page_content(content: str, page, config, files) -> str:  # noqa: ARG001 - mkdocs hook signature
    content = _BLOCK.sub(lambda m: _render(m.group(1), "block", page), content)
    return _INLINE.sub(lambda m: _render(m.group(1), "inline", page), content)
