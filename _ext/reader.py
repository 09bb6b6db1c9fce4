"""Sphinx extension: what a reader of the built book gets beyond the executed notebooks.

- **Re-run this chapter.** A chapter's ``parameters`` cell (and papermill's injected copy of
  the values the book used) is folded into one closed box after the chapter's answer, with
  how to run the chapter again: in Binder, or with papermill on a clone.
- **Downloads.** The CSV of every table and chart (carried in the executed notebooks' output
  metadata by :mod:`herd.presentation.tables` and :mod:`herd.presentation.charts`) is written to ``downloads/`` next to
  the pages, with the whole data package as one zip archive (:mod:`herd.presentation.downloads`).
- **Cite this book** (``cite-this`` directive): the reference and a BibTeX entry from
  ``CITATION.cff``, checked against the repository address in ``_config.yml``.
- **Reproduce** (``reproduce-commands`` directive): the commands that rebuild an edition, with
  the repository address from ``_config.yml``.
- **Footer links**: ``href="doc:<docname>"`` in the footer of ``_config.yml`` becomes a link to
  that page from wherever the footer is shown.

The repository address lives in one place, ``repository.url`` in ``_config.yml`` (Jupyter
Book passes it on as the theme's ``repository_url``); everything here reads it from there.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlparse

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

PARAMETERS = "tag_parameters"
INJECTED = "tag_injected-parameters"


def repository_url(config) -> str:
    url = (config.html_theme_options or {}).get("repository_url", "")
    if not url:
        raise ValueError("_config.yml: repository.url is not set (the book's links to its repository need it)")
    return url.rstrip("/")


def binder_url(config, path: str) -> str | None:
    """The Binder link that opens ``path`` of the repository in JupyterLab (as the launch buttons do)."""
    options = config.html_theme_options or {}
    hub = (options.get("launch_buttons") or {}).get("binderhub_url", "").rstrip("/")
    parts = urlparse(repository_url(config)).path.strip("/").split("/")
    if not hub or len(parts) < 2:
        return None
    branch = options.get("repository_branch") or "main"
    ui = "lab/tree" if (options.get("launch_buttons") or {}).get("notebook_interface") == "jupyterlab" else "tree"
    return f"{hub}/v2/gh/{parts[0]}/{parts[1]}/{branch}?urlpath={ui}/{path}"


# ------------------------------------------------------------------ re-run this chapter


class rerun_box(nodes.General, nodes.Element):
    """A closed box (``<details>``) titled "Re-run this chapter"."""


def _visit_rerun_html(self, node):
    self.body.append(
        '<details class="herd-rerun">\n<summary>Re-run this chapter</summary>\n<div class="herd-rerun-body">\n'
    )


def _depart_rerun_html(self, node):
    self.body.append("</div>\n</details>\n")


def _visit_skip(self, node):
    pass


def _code(cell: nodes.Element) -> str:
    block = next(iter(cell.findall(nodes.literal_block)), None)
    return block.astext() if block is not None else ""


def _para(*parts) -> nodes.paragraph:
    para = nodes.paragraph()
    for part in parts:
        para += part if isinstance(part, nodes.Node) else nodes.Text(part)
    return para


def _first_assignment(code: str) -> tuple[str, str] | None:
    for line in code.splitlines():
        m = re.match(r"^([A-Za-z_]\w*)\s*=\s*(.+?)\s*$", line)
        if m and not m.group(2).startswith(("[", "{")):
            return m.group(1), m.group(2).strip("\"'")
    return None


class RerunBox(SphinxPostTransform):
    """Fold a chapter's parameters cells into a "Re-run this chapter" box, before myst-nb wraps
    hidden cells in their own toggles."""

    default_priority = 150
    formats = ("html",)

    def run(self, **kwargs):
        cells = [n for n in self.document.findall(nodes.container) if n.get("nb_element") == "cell_code"]
        own = [c for c in cells if PARAMETERS in c.get("classes", [])]
        injected = [c for c in cells if INJECTED in c.get("classes", [])]
        if not own and not injected:
            return
        docname = self.env.docname
        name = Path(docname).name
        source = self._text_notebook(docname)
        code = _code(own[0]) if own else ""
        used = _code(injected[0]) if injected else ""
        box = rerun_box()
        box += _para(
            "This page is the notebook ",
            nodes.literal(text=source),
            " run with the values below (",
            nodes.literal(text="notebooks/parameters.yml"),
            "). To see what other values change:",
        )
        steps = nodes.bullet_list()
        binder = binder_url(self.config, source)
        if binder:
            steps += nodes.list_item(
                "",
                _para(
                    "in your browser, ",
                    nodes.reference(text="open this chapter in Binder", refuri=binder),
                    ": edit the parameters cell, then Run → Run All Cells;",
                ),
            )
        example = _first_assignment(used or code)
        command = f".venv/bin/papermill book/{name}.ipynb /tmp/{name}.ipynb" + (
            f" -p {example[0]} {shlex.quote(example[1])}" if example else ""
        )
        steps += nodes.list_item(
            "",
            _para(
                "on your machine, in a clone of ",
                nodes.reference(text="the repository", refuri=repository_url(self.config)),
                " after ",
                nodes.literal(text="make book"),
                ":",
            ),
            nodes.literal_block(command, command, language="bash"),
        )
        box += steps
        box += _para(
            "A value that is not allowed stops the chapter with a message naming the parameter and what it allows. "
            "The parameters, with what each means:"
        )
        box += nodes.literal_block(code, code, language="ipython3")
        if used:
            box += _para("The values this edition was computed with (papermill's injected cell):")
            box += nodes.literal_block(used, used, language="ipython3")
        first = (own or injected)[0]
        first.replace_self(box)
        for cell in own[1:] + injected:
            if cell.parent is not None:
                cell.parent.remove(cell)

    def _text_notebook(self, docname: str) -> str:
        path = Path(self.env.doc2path(docname))
        try:
            source = json.loads(path.read_text()).get("metadata", {}).get("herd", {}).get("source")
        except (OSError, json.JSONDecodeError):
            source = None
        return source or f"book/{Path(docname).name}.ipynb"


# ------------------------------------------------------------------ downloads


def _pages_folder(app, docname: str) -> Path:
    uri = app.builder.get_target_uri(docname)
    return Path(app.outdir) / Path(uri.split("#")[0]).parent


def _write_downloads(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from herd.presentation import downloads

    folders: dict[Path, dict[str, str]] = {}
    for docname in sorted(app.env.found_docs):
        path = Path(app.env.doc2path(docname))
        folder = _pages_folder(app, docname)
        files = folders.setdefault(folder, {})
        if path.suffix == ".ipynb":
            files.update(downloads.collect(path))
    root = Path(app.srcdir)
    for folder, files in folders.items():
        downloads.write(files, folder)
        downloads.data_archive(root / "data", folder / downloads.FOLDER / downloads.ARCHIVE)


# ------------------------------------------------------------------ cite and reproduce


class CiteThis(SphinxDirective):
    """The book's reference and BibTeX entry, from CITATION.cff."""

    has_content = False

    def run(self):
        from herd.book import cite

        citation = cite.read(Path(self.env.srcdir))
        url = repository_url(self.config)
        if citation.url.rstrip("/") != url:
            raise self.error(
                f"CITATION.cff gives repository-code {citation.url}, but _config.yml's repository.url is {url}; "
                "make them the same"
            )
        self.env.note_dependency(str(Path(self.env.srcdir) / cite.CFF))
        box = nodes.container(classes=["herd-cite"])
        box += nodes.rubric(text="Cite this book")
        words = citation.text()
        box += _para(words[: -len(citation.url)], nodes.reference(text=citation.url, refuri=citation.url))
        box += _para("BibTeX (from ", nodes.literal(text="CITATION.cff"), " in the repository):")
        box += nodes.literal_block(citation.bibtex(), citation.bibtex(), language="bibtex")
        return [box]


class ReproduceCommands(SphinxDirective):
    """The commands that rebuild this edition from a clone of the repository."""

    has_content = False

    def run(self):
        url = repository_url(self.config)
        folder = url.rsplit("/", 1)[-1]
        text = (
            f"git clone {url} && cd {folder}\n"
            "git checkout <commit above>\n"
            "make book      # builds _build/html; FORCE=1 re-executes every notebook\n"
            "make test      # unit tests, data validation and nbval re-execution of every chapter\n"
            "make pdf       # this tree's PDF, in _build/pdf/dev/"
        )
        return [nodes.literal_block(text, text, language="text")]


def data_archive_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{data-archive}`text``: a link to the data package archive written next to the pages."""
    from herd.presentation import downloads

    node = nodes.reference(
        rawtext,
        text or downloads.ARCHIVE,
        refuri=f"{downloads.FOLDER}/{downloads.ARCHIVE}",
        classes=["herd-data-archive"],
    )
    return [node], []


def _footer_links(app, pagename, templatename, context, doctree):
    footer = context.get("theme_extra_footer")
    if footer and "doc:" in footer:
        context["theme_extra_footer"] = re.sub(
            r'href="doc:([^"]+)"', lambda m: f'href="{context["pathto"](m.group(1))}"', footer
        )


def setup(app):
    app.add_node(
        rerun_box,
        html=(_visit_rerun_html, _depart_rerun_html),
        latex=(_visit_skip, _visit_skip),
        text=(_visit_skip, _visit_skip),
    )
    app.add_post_transform(RerunBox)
    app.add_directive("cite-this", CiteThis)
    app.add_directive("reproduce-commands", ReproduceCommands)
    app.add_role("data-archive", data_archive_role)
    app.connect("html-page-context", _footer_links)
    app.connect("build-finished", _write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
