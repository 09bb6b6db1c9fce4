"""The one way a chapter hands values to its sentences: glued, with their lineage.

A chapter's prose names values with myst-nb's roles (``{glue:text}`refit_n```); a cell gives them
with :func:`glue_all` (or :func:`glue` for one). Each value is glued as myst-nb's ``glue`` does
(the same output, so the book and nbval read it unchanged), and its lineage, when it has one,
goes into the same output's metadata (:data:`herd.base.lineage.META_KEY`): a value that is a
:class:`~herd.base.lineage.Traced` string carries its own; the others take the group's
``lineage`` (what computed the group's numbers). The book's build puts the lineage on the number
in the page (``data-lineage``, a card on hover or focus); in JupyterLab the cell that glued the
values lists them with where they came from (:mod:`herd.book.jupyter`).
"""

from __future__ import annotations

from collections.abc import Mapping

import IPython
from IPython.display import Markdown, display
from myst_nb.ext.glue import GLUE_PREFIX  # what myst-nb's glue puts before each MIME type it hides

from herd.base.lineage import META_KEY, Lineage, given, identity, lineage_of


def glue(name: str, value, lineage: Lineage | None = None) -> None:
    """Glue one value under ``name`` (shown where the prose names it, not under the cell), with the
    lineage the value carries or else ``lineage``."""
    bundle, metadata = IPython.core.formatters.format_display_data(value)
    metadata = dict(metadata)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    found = given(lineage_of(value) or lineage, value)
    if found is not None:
        record = found.record()
        metadata[META_KEY] = {"id": identity(record), "record": record}
    display({GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def glue_all(
    values: Mapping[str, object],
    lineage: Lineage | Mapping[str, Lineage] | None = None,
    markdown: tuple[str, ...] = (),
) -> None:
    """Glue each of ``values`` under its name (see :func:`glue`), with the lineage it carries, else
    ``lineage`` (one for all, or one per name). The names in ``markdown`` are glued as Markdown (for
    ``{glue:md}``), the others as text."""
    unknown = sorted(set(markdown) - set(values))
    if isinstance(lineage, Mapping):
        unknown += sorted(set(lineage) - set(values))
    if unknown:
        raise KeyError(f"named but not among the values: {', '.join(unknown)}")
    for name, value in values.items():
        group = lineage.get(name) if isinstance(lineage, Mapping) else lineage
        found = given(lineage_of(value) or group, value)
        glue(name, Markdown(str(value)) if name in markdown else value, found)
