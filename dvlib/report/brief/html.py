"""The brief as one self-contained HTML file: inline CSS, figures as data URIs, report text
escaped."""
from __future__ import annotations

import base64
import html

from dvlib.report.brief.blocks import (Bullets, Claim, Figure, Heading, Paragraph, Table,
                                       citation, labels)


_CSS = """
body{font-family:"Noto Serif","Times New Roman",Georgia,serif;max-width:52rem;margin:2rem auto;
padding:0 1.2rem;color:#1d1d1d;line-height:1.55;font-size:16px}
h1{font-size:1.7rem;line-height:1.25;margin-bottom:.4rem}
h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
h3{font-size:1.08rem;margin-top:1.5rem;color:#333}
.meta{color:#555;margin:.1rem 0}
p.claim{font-weight:600;margin:1.2rem 0 .4rem}
p.claim em{font-weight:600;font-style:italic;color:#7a2e0e}
blockquote{margin:.35rem 0 .6rem 0;padding:.3rem .9rem;border-left:3px solid #b8860b;
background:#faf7f0}
blockquote p{margin:0}
blockquote .source{font-size:.8rem;color:#555;font-family:Arial,sans-serif;white-space:nowrap}
blockquote .source .note{white-space:normal}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.6rem 0 1rem;
font-family:Arial,sans-serif}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}
ul li{margin:.25rem 0}
@page{size:A4;margin:1.5cm 1.6cm}
@media print{body{font-size:10.5pt;line-height:1.4;max-width:none;margin:0;padding:0}
h2{margin-top:1.2rem}h3{margin:1rem 0 .4rem}p.claim{margin:.6rem 0 .25rem}
blockquote{margin:.15rem 0 .35rem 0;padding:.2rem .8rem}ul li{margin:.1rem 0}
h2,h3,p.claim{break-after:avoid}blockquote,tr{break-inside:avoid}}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_runs(p: Paragraph) -> str:
    return "".join(f'<em lang="vi">{_h(r.text)}</em>' if r.em else _h(r.text) for r in p.runs)


def _quote_html(q) -> str:
    """The quote escaped, its matched words in <b>."""
    return "".join(f"<b>{_h(t)}</b>" if bold else _h(t) for t, bold in q.pieces())


def render_html(brief) -> str:
    L = labels(brief.lang)
    parts = ["<!DOCTYPE html>", f'<html lang="{_h(brief.lang)}">', "<head>",
             '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_h(brief.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             f"<h1>{_h(brief.title)}</h1>"]
    meta_left = 2  # the first two paragraphs are the date and the provinces
    for block in brief.blocks():
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{_h(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            cls = ' class="meta"' if meta_left > 0 else ""
            meta_left -= 1
            parts.append(f"<p{cls}>{_html_runs(block)}</p>")
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{_html_runs(p)}</li>" for p in block.items)
                         + "</ul>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{_h(c)}</th>" for c in block.header)
            body = "".join("<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>"
                           for row in block.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(block, Figure):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{_h(block.caption)}">'
                         f"<figcaption>{_h(block.caption)}</figcaption></figure>")
        elif isinstance(block, Claim):
            parts.append(f'<p class="claim">{_html_runs(block.sentence)}</p>')
            for q in block.quotes:
                parts.append(
                    # the citation on the quote's last line: one line less per quote
                    f'<blockquote lang="vi"><p>“<span class="quote-text">{_quote_html(q)}</span>” '
                    f'<span class="source">— <cite>{_h(citation(q, L))}</cite>'
                    + (f' <span class="note">({_h(q.note)})</span>' if q.note else "")
                    + '</span></p></blockquote>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)

