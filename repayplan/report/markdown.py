"""The annex as Markdown (every text escaped)."""

from __future__ import annotations

import html

from .formats import colon, currency_name
from .model import AMOUNT_COLUMNS, Annex, total_cell

_MD_SPECIAL = set("\\`*_[]|~")  # inside table cells and after a list marker; <>& are HTML-escaped


def _md(text: str) -> str:
    """Text safe in Markdown: HTML-escaped, Markdown punctuation backslash-escaped, one line."""
    flat = " ".join(str(text).split())
    escaped = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in flat)
    return html.escape(escaped, quote=False)


def render_md(a: Annex) -> str:
    L = a.labels
    out = [f"# {_md(a.title)}", "", f"## {_md(L['header'])}", "", "| | |", "|---|---|"]
    out += [f"| {_md(it.label)} | {_md(it.text)} |" for it in a.header]
    if a.composition:
        out += ["", f"## {_md(L['claim'])}", "", "| | |", "|---|---:|"]
        out += [f"| {_md(it.label)} | {_md(it.text)} |" for it in a.composition]
    align = ["---:" if k in AMOUNT_COLUMNS or k == "period" else "---" for k in a.columns]
    out += [
        "",
        f"## {_md(L['schedule'])}",
        "",
        _md(L["unit"].format(currency=currency_name(a.currency, a.lang))),
        "",
        "| " + " | ".join(_md(h) for h in a.table.columns) + " |",
        "|" + "|".join(align) + "|",
    ]
    for row in a.table.itertuples(index=False, name=None):
        out.append(
            "| "
            + " | ".join(_md(a.cell_text(k, v)) for k, v in zip(a.columns, row, strict=True))
            + " |"
        )
    out.append(
        "| "
        + " | ".join(f"**{_md(t)}**" if t else "" for t in (total_cell(a, k) for k in a.columns))
        + " |"
    )
    if a.words:
        out += ["", f"## {_md(L['in_words'])}", ""]
        out += [
            f"- {_md(w.label)}{colon(a.lang)}{_md(a.amount_text(w.value))} ({_md(w.text)})"
            for w in a.words
        ]
    out += ["", f"## {_md(L['clauses'])}", ""]
    out += [
        f"{k}. **{_md(c.label)}**{colon(a.lang)}{_md(c.text)}" for k, c in enumerate(a.clauses, 1)
    ]
    return "\n".join(out) + "\n"
