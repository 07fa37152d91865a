"""The annex as HTML (one A4-printable page, every text escaped)."""

from __future__ import annotations

import html

from .formats import colon, currency_name
from .model import AMOUNT_COLUMNS, Annex, total_cell


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


_HTML_STYLE = """
@page { size: A4; margin: 15mm; }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       font-size: 10pt; color: #000; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 1.2em; }
table { border-collapse: collapse; margin: 0.4em 0; }
th, td { border: 1px solid #888; padding: 2px 6px; vertical-align: top; }
thead th { background: #e8e8e8; } thead { display: table-header-group; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: bold; border-top: 2px solid #000; }
table.items th { text-align: left; font-weight: normal; background: #f4f4f4; }
p.unit { margin: 0; font-size: 9pt; }
ol.clauses li { margin: 0.3em 0; }
div.signatures { margin-top: 2.5em; display: flex; gap: 4em; }
div.signatures p { min-width: 18em; border-top: 1px solid #000; padding-top: 0.3em; }
""".strip()


def _html_items(items) -> str:
    num = ' class="num"'
    rows = "".join(
        f'<tr><th scope="row">{_esc(it.label)}</th>'
        f"<td{num if it.kind == 'amount' else ''}>{_esc(it.text)}</td></tr>"
        for it in items
    )
    return f'<table class="items"><tbody>{rows}</tbody></table>'


def html_body(a: Annex) -> str:
    L = a.labels
    out = [f"<h1>{_esc(a.title)}</h1>", f"<h2>{_esc(L['header'])}</h2>", _html_items(a.header)]
    if a.composition:
        out += [f"<h2>{_esc(L['claim'])}</h2>", _html_items(a.composition)]
    num = lambda k: ' class="num"' if k in AMOUNT_COLUMNS or k == "period" else ""  # noqa: E731
    head = "".join(
        f'<th scope="col"{num(k)}>{_esc(h)}</th>'
        for k, h in zip(a.columns, a.table.columns, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{num(k)}>{_esc(a.cell_text(k, v))}</td>"
            for k, v in zip(a.columns, row, strict=True)
        )
        + "</tr>"
        for row in a.table.itertuples(index=False, name=None)
    )
    foot = "".join(f"<td{num(k)}>{_esc(total_cell(a, k))}</td>" for k in a.columns)
    out += [
        f"<h2>{_esc(L['schedule'])}</h2>",
        f'<p class="unit">{_esc(L["unit"].format(currency=currency_name(a.currency, a.lang)))}</p>',
        f'<table class="schedule"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
        f"<tfoot><tr>{foot}</tr></tfoot></table>",
    ]
    if a.words:
        rows = "".join(
            f'<tr><th scope="row">{_esc(w.label)}</th><td class="num">{_esc(a.amount_text(w.value))}'
            f"</td><td>{_esc(w.text)}</td></tr>"
            for w in a.words
        )
        out += [
            f"<h2>{_esc(L['in_words'])}</h2>",
            f'<table class="items words"><tbody>{rows}</tbody></table>',
        ]
    sep = colon(a.lang)
    items = "".join(
        f"<li><strong>{_esc(c.label)}</strong>{sep}{_esc(c.text)}</li>" for c in a.clauses
    )
    out += [f"<h2>{_esc(L['clauses'])}</h2>", f'<ol class="clauses">{items}</ol>']
    sig = "".join(
        f"<p>{_esc(L[k])} &nbsp; {_esc(L['signature_date'])}{sep}</p>"
        for k in ("signature_creditor", "signature_borrower")
    )
    out.append(f'<div class="signatures">{sig}</div>')
    return '<div class="repayplan-annex">' + "\n".join(out) + "</div>"


def render_html(a: Annex) -> str:
    lang = "zh-CN" if a.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(a.title)}</title>\n<style>\n{_HTML_STYLE}\n</style>\n</head>\n<body>\n"
        f"{html_body(a)}\n</body>\n</html>\n"
    )
