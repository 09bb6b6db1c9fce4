"""Which models a page covers, and a sentence for the later models it does not.

The paper and the audited post describe the Llama 3.1 release; models added to the data
package later (a newer model card) belong on the pages that read their data and are named,
with the reason, on the pages that cannot cover them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

RELEASE_FAMILY = "Llama 3.1"


def later_models(package) -> pd.DataFrame:
    """The models released after the Llama 3.1 release (the newest release date of its family),
    oldest first."""
    models = package.models
    release = models.loc[models["family"] == RELEASE_FAMILY, "release_date"].max()
    later = models[models["release_date"] > release]
    return later.sort_values(["release_date", "key"]).reset_index(drop=True)


def _covers(shown: set[str], key: str) -> bool:
    base = key.removesuffix("-instruct")
    return key in shown or base in shown or f"{base}-instruct" in shown


def not_shown(package, shown: Iterable[str]) -> pd.DataFrame:
    """The later models (see :func:`later_models`) that a page showing ``shown`` leaves out; a
    base model and its instruct variant count as one."""
    shown = set(shown)
    later = later_models(package)
    return later[[not _covers(shown, k) for k in later["key"]]].reset_index(drop=True)


# Words of a reason that follow the number of models it is about: "{it}" becomes "it" for one and "them" for more.
PRONOUNS = {
    "{it}": ("it", "them"),
    "{its}": ("its", "their"),
    "{they}": ("it", "they"),
    "{is}": ("is", "are"),
    "{was}": ("was", "were"),
}


CHOICE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")
"""Any other word that follows a count, written ``{one|many}``: ``{attributes|attribute}``, ``{a gap|gaps}``."""


def agree(text: str, count: int) -> str:
    """``text`` in the number of ``count`` (models, claims, rows): each of :data:`PRONOUNS` and each
    ``{one|many}`` (:data:`CHOICE`) becomes its singular for one and its plural for any other count, zero
    included."""
    one = count == 1
    for placeholder, (singular, plural) in PRONOUNS.items():
        text = text.replace(placeholder, singular if one else plural)
    return CHOICE.sub(lambda m: m.group(1) if one else m.group(2), text)


def counted(count: int, text: str) -> str:
    """A count followed by ``text`` in its number (:func:`agree`): ``counted(1, "{is} imprecise")`` is
    "1 is imprecise", ``counted(2, "{attributes|attribute} it")`` is "2 attribute it"."""
    return f"{count:,} {agree(text, count)}"


def note(package, shown: Iterable[str], why: str) -> str:
    """A sentence naming each later model the page leaves out and why, or "" when none is left out. ``why`` may
    speak of the models with the placeholders of :data:`PRONOUNS` ("do not include {it}"): one model is "it",
    more are "them"."""
    missing = not_shown(package, shown)
    if missing.empty:
        return ""
    names = [f"{r.name} (released {pd.Timestamp(r.release_date):%Y-%m-%d})" for r in missing.itertuples()]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} {agree('{is}', len(names))} not on this page: {agree(why, len(names))}."
