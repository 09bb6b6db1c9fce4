"""The scanner's validation on planted copies in words: how each rule scores planted and unplanted problems
(:func:`herd.analyses.contamination.planting.summary`, :func:`~herd.analyses.contamination.planting.findings`) as the
contamination chapter's table and sentences write it.
"""

from __future__ import annotations

import pandas as pd

from herd.analyses.contamination import planting
from herd.base import formats

LEVEL_TEXT = formats.confidence(1 - planting.LEVEL)
"""The confidence of the detection rates' intervals as the book writes it: ``95 %``."""


def rate_interval(k: int, n: int, level: float = planting.LEVEL) -> str:
    """The Wilson interval of a detection rate, ``k`` of ``n`` found (:func:`planting.rate_bounds`), in whole
    percent: ``84–100 %`` for 20 of 20."""
    low, high = planting.rate_bounds(k, n, level)
    return formats.span(low, high, lambda v: formats.number(v, 0), "%")


def how_many(k: int, n: int) -> str:
    """'every one of the n', 'none of the n' or 'k of the n'."""
    if n and k == n:
        return f"every one of the {n}"
    return f"none of the {n}" if k == 0 else f"{k} of the {n}"


def verb(k: int, n: int, singular: str, plural: str) -> str:
    """The verb that agrees with ``how_many(k, n)``: 'every one of' and 'none of' and '1 of' take the singular."""
    return singular if k in (0, 1) or k == n else plural


def contrast(k: int, n: int) -> str:
    """The words that set ``how_many(k, n)`` of one kind of copy against a kind found every time: 'but only' for
    some, 'but' for none, 'and' for every one."""
    if n and k == n:
        return "and"
    return "but" if k == 0 else "but only"


def compare(first: float, second: float, digits: int = 3) -> str:
    """How ``first`` compares with ``second`` as printed with ``digits`` decimals: 'as well as', 'better than' or
    'worse than' (a sentence never claims a difference its table does not show)."""
    a, b = round(first, digits), round(second, digits)
    return "as well as" if a == b else "better than" if a > b else "worse than"


def summary_table(summary: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """How each rule scores each group (:func:`planting.summary`) as the chapter shows it: each rule's count with
    the Wilson interval of its rate, ``20 (84–100 %)``."""
    interval = f"{LEVEL_TEXT} interval"

    def flagged(count: str, low: str, high: str) -> list[str]:
        bounds = zip(summary[count], summary[low], summary[high])
        return [f"{k} ({formats.span(a, b, lambda v: formats.number(v, 0), '%')})" for k, a, b in bounds]

    return pd.DataFrame(
        {
            "planted": summary["planted"],
            "examples": summary["examples"],
            f"TOKEN-MATCH > {threshold:g} ({interval})": flagged("over_threshold", "over_low", "over_high"),
            "median TOKEN-MATCH": summary["median TOKEN-MATCH"],
            "max TOKEN-MATCH": summary["max TOKEN-MATCH"],
            "median LONGEST-MATCH (tokens)": summary["median LONGEST-MATCH (tokens)"],
            f"13-gram word rule ({interval})": flagged("word13", "word13_low", "word13_high"),
        }
    )


def numbers(found: dict, aucs: pd.DataFrame, threshold: float) -> dict[str, str]:
    """The numbers the chapter writes about the planted copies (``found`` from :func:`planting.findings`, ``aucs``
    from :func:`planting.aucs`): how many of each kind each rule catches (also as ``k/n``, ``whole_short`` and
    ``part_short``, for the home page), with the verbs and contrasts that agree with them, the rates' intervals, the
    unplanted problems' largest and any share, and the AUCs compared."""
    whole, part, none = found["whole"], found["part"], found["none"]
    auc_token, auc_longest = aucs.set_index("rule")["planted in part vs none"]
    return {
        "threshold_text": f"{threshold:g}",
        "whole_found": how_many(whole["over_threshold"], whole["examples"]),
        "part_word_found": how_many(part["word13"], part["examples"]),
        "part_over": how_many(part["over_threshold"], part["examples"]),
        "whole_short": f"{whole['over_threshold']}/{whole['examples']}",
        "part_short": f"{part['over_threshold']}/{part['examples']}",
        "unplanted_over": how_many(none["over_threshold"], none["examples"]),
        "rate_level": LEVEL_TEXT,
        "whole_interval": rate_interval(whole["over_threshold"], whole["examples"]),
        "part_over_interval": rate_interval(part["over_threshold"], part["examples"]),
        "part_word_interval": rate_interval(part["word13"], part["examples"]),
        "unplanted_interval": rate_interval(none["over_threshold"], none["examples"]),
        "whole_verb": verb(whole["over_threshold"], whole["examples"], "crosses", "cross"),
        "unplanted_verb": verb(none["over_threshold"], none["examples"], "crosses", "cross"),
        "part_over_verb": verb(part["over_threshold"], part["examples"], "does", "do"),
        "part_over_but": contrast(part["over_threshold"], part["examples"]),
        "max_unplanted": formats.share(found["max_unplanted"]),
        "share_unplanted_any": formats.share(found["share_unplanted_any"]),
        "auc_token_part": formats.number(auc_token, 3),
        "auc_longest_part": formats.number(auc_longest, 3),
        "auc_compare": compare(auc_longest, auc_token, digits=3),
    }
