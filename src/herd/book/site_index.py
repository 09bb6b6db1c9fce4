"""The site's own files beside the editions' books: where each edition's PDF is, and the root pages
(``switcher.json``, ``index.html`` that opens the newest release, ``CHANGELOG.md`` and ``changelog.html``)."""

from __future__ import annotations

import html
from pathlib import Path

from . import build
from .changelog import CHANGELOG_FILE
from .releases import TITLE, Release


def pdf_name(edition: str) -> str:
    """File name of an edition's PDF, beside its ``book/`` folder in the site."""
    return f"llama-3.1-reproduced-{edition}.pdf"


def write_site_index(site: Path, releases: list[Release], names: list[str], changelog_text: str) -> None:
    """The site's root: switcher.json, index.html (opens the newest release), CHANGELOG.md and
    changelog.html (every edition with its book and PDF, then the changes)."""
    from markdown_it import MarkdownIt

    build.write_switcher(site, build.switcher(names))
    built_releases = [r for r in releases if r.name in names]
    newest = built_releases[-1].name if built_releases else "dev"
    target = f"{newest}/book/index.html"
    (site / "index.html").write_text(
        f'<!DOCTYPE html><meta charset="utf-8"><title>{TITLE}</title>'
        f'<meta http-equiv="refresh" content="0; url={target}"><a href="{target}">{target}</a>\n'
    )
    (site / CHANGELOG_FILE).write_text(changelog_text)
    rows = []
    for r in reversed(built_releases):
        rows.append(
            f"<tr><td>{r.name}</td><td>{r.date}</td><td><code>{r.commit[:12]}</code></td><td>{html.escape(r.summary)}</td>"
            f'<td><a href="{r.name}/book/index.html">book</a></td><td><a '
            f'href="{r.name}/{pdf_name(r.name)}">PDF</a></td></tr>'
        )
    if "dev" in names:
        rows.append(
            "<tr><td>dev</td><td></td><td></td><td>the working tree</td><td><a "
            'href="dev/book/index.html">book</a></td>'
            f'<td><a href="dev/{pdf_name("dev")}">PDF</a></td></tr>'
        )
    body = MarkdownIt("commonmark").enable("table").render(changelog_text)
    (site / "changelog.html").write_text(
        f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>{TITLE}: editions and changes</title>'
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}</style>"
        f"<h1>{TITLE}: "
        "editions</h1><table><tr><th>edition</th><th>date</th><th>commit</th><th>summary</th><th></th><th></th></tr>"
        + "".join(rows)
        + "</table>"
        + body
        + "</html>\n"
    )
