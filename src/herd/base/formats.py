"""How the book writes a number: one place for every table cell, chart axis, tooltip and
number pasted into the prose.

- **Counts** are whole numbers with thousands separators: ``19,194``.
- **Decimals** have a fixed number of places and thousands separators: ``1,234.5``; a value
  that rounds to zero never shows a minus sign.
- **Gaps** (a difference in points) carry their sign: ``+1.8``, ``-2.6``, ``0.0``; an interval
  of gaps reads ``+0.3 to +4.1``.
- **p-values** have three decimals, ``< 0.001`` below and ``> 0.999`` above that, never
  scientific notation and never a bare ``1``.
- **Percentages** are written with a space before the sign: ``95.2 %`` (:func:`percent` for
  values already in percent, :func:`share` for fractions).
- **Sizes** use B for billions and T for trillions (parameters, tokens), M for millions, never
  the SI prefix G: ``405 B``, ``15.6 T``.
- **Large magnitudes** (FLOPs) are written as powers of ten: ``3.8 × 10²⁵``.
- **Missing** values are an em dash.

:func:`read` turns any text these functions write back into the range of values it stands
for; the tests use it to check that a downloaded CSV holds the numbers a page shows.
Vega expressions for chart axes (:func:`vega_size_label`, :func:`vega_power_label`) follow the
same rules inside the charts.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import ParamSpec

import numpy as np
import pandas as pd

P = ParamSpec("P")
DASH = "—"
# Significant digits a number keeps where the book stores it rather than prints it (a chart's data, a CSV download,
# a record glued for the tests): enough for any reader, few enough that the last bits in which two processors' maths
# libraries differ (numpy picks its vector code by processor) do not change an executed notebook.
STORED_DIGITS = 10
UNITS = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


class Written(str):
    """A number as the book writes it that keeps what it was written from: ``written`` names the value(s) the
    function of this module was given (at :data:`STORED_DIGITS` significant digits, as the book stores a number),
    the function, and its other arguments. A lineage record shows it beside the rounded text
    (:func:`herd.base.lineage.given`); any other use of the text sees a plain string."""

    written: dict

    def __new__(cls, text: str, written: dict):
        """``text`` with ``written``."""
        out = super().__new__(cls, text)
        out.written = written
        return out

    def __reduce__(self):
        """Pickled with what it was written from."""
        return (Written, (str(self), self.written))


def _argument(value):
    """An argument of a writing function as a record holds it: a function by its name, a collection item by item."""
    if callable(value):
        name = getattr(value, "__qualname__", type(value).__name__)
        return f"{value.__module__}.{name}" if "<" not in name else "a function of the caller"
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_argument(v) for v in value]
    return value


def _writes(values: int = 1) -> Callable[[Callable[P, str]], Callable[P, str]]:
    """A function of this module that writes ``values`` numbers (its first arguments) returns a :class:`Written`
    text: what it writes, with the numbers it was given and its other arguments (their defaults included)."""

    def wrap(function: Callable[P, str]) -> Callable[P, str]:
        signature = inspect.signature(function)
        names = list(signature.parameters)[:values]
        name = f"{function.__module__}.{function.__qualname__}"

        @functools.wraps(function)
        def write(*args: P.args, **kwargs: P.kwargs) -> str:
            text = function(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            given = [bound.arguments[n] for n in names]
            if any(missing(v) or isinstance(v, bool | np.bool_) for v in given):
                return text
            try:
                numbers = [stored(float(v)) for v in given]
            except (TypeError, ValueError):
                return text
            rest = {k: _argument(v) for k, v in bound.arguments.items() if k not in names}
            return Written(text, {"given": numbers, "function": name, "args": rest})

        return write

    return wrap


def missing(v) -> bool:
    """Whether ``v`` stands for no value (None, NaN, NA)."""
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def stored(v, digits: int = STORED_DIGITS):
    """A number as the book stores it (:data:`STORED_DIGITS` significant digits); other values unchanged."""
    if isinstance(v, bool | np.bool_) or not isinstance(v, float | np.floating) or not math.isfinite(v):
        return v
    return float(f"{float(v):.{digits}g}") + 0.0


def stored_frame(frame: pd.DataFrame, digits: int = STORED_DIGITS) -> pd.DataFrame:
    """A copy of ``frame`` with every float column rounded by :func:`stored`."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column].dtype):
            out[column] = out[column].map(lambda v: stored(v, digits))
    return out


def _round(v: float, decimals: int) -> float:
    return round(float(v), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0


@_writes()
def count(v) -> str:
    """A whole number with thousands separators: ``19,194``."""
    return DASH if missing(v) else f"{int(round(float(v))):,}"


@_writes()
def number(v, decimals: int = 1) -> str:
    """A decimal with ``decimals`` places and thousands separators: ``1,234.5``."""
    return DASH if missing(v) else f"{_round(v, decimals):,.{decimals}f}"


@_writes()
def gap(v, decimals: int = 1) -> str:
    """A signed difference: ``+1.8``, ``-2.6``, and ``0.0`` for a value that rounds to zero."""
    if missing(v):
        return DASH
    r = _round(v, decimals)
    return f"{r:,.{decimals}f}" if r == 0 else f"{r:+,.{decimals}f}"


@_writes(2)
def interval(low, high, decimals: int = 1, signed: bool = True, edges=()) -> str:
    """An interval: ``+0.3 to +4.1`` (signed, for gaps) or ``77.3 to 99.1``.

    A bound that rounds onto a value a verdict compares it with but is not that value gets more decimals (up to
    four), so that the side it lies on shows: zero for a signed interval, and each of ``edges`` (an equivalence
    margin and its negative): ``-1.4 to +2.005`` for an upper bound just above a margin of 2, not ``+2.0``."""
    if missing(low) or missing(high):
        return DASH
    fmt = gap if signed else number
    marks = [float(e) for e in edges] + ([0.0] if signed else [])

    def bound(v: float) -> str:
        d = decimals
        while d < 4 and any(v != e and _round(v, d) == _round(e, d) for e in marks):
            d += 1
        return fmt(v, d)

    return f"{bound(float(low))} to {bound(float(high))}"


@_writes(2)
def span(low, high, fmt=None, unit: str = "") -> str:
    """A range of two values written with ``fmt`` (default :func:`count`), joined by an en dash,
    with the unit once at the end: ``390–1,165 B``."""
    fmt = fmt or count
    if missing(low) or missing(high):
        return DASH
    return f"{fmt(low)}–{fmt(high)}" + (f" {unit}" if unit else "")


def rounded_span(values, step: float) -> str:
    """The range of measured ``values`` rounded to ``step`` (e.g. thousands of words): one value
    when they round alike, ``n/a`` when there are none. Measurements of a few texts do not
    deserve more digits than their spread."""
    import pandas as pd

    values = pd.Series(values, dtype=float).dropna()
    if values.empty:
        return "n/a"
    low, high = (round(float(v) / step) * step for v in (values.min(), values.max()))
    return count(low) if low == high else span(low, high)


def noun(v, singular: str, plural: str | None = None, decimals: int = 0) -> str:
    """A number with its noun in the right number: ``1 sequence``, ``4 sequences``,
    ``1.0 example`` (a value that rounds to one takes the singular)."""
    shown = count(v) if decimals == 0 else number(v, decimals)
    one = not missing(v) and _round(v, decimals) == 1
    return f"{shown} {singular if one else (plural or singular + 's')}"


def listing(items) -> str:
    """Items joined as prose: ``a``, ``a and b``, ``a, b and c``."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@_writes()
def pvalue(v) -> str:
    """A p-value: ``< 0.001``, ``0.046``, ``> 0.999``."""
    if missing(v):
        return DASH
    v = float(v)
    if v < 0.001:
        return "< 0.001"
    if v > 0.999:
        return "> 0.999"
    return f"{v:.3f}"


def p_text(v) -> str:
    """A p-value in a sentence: ``p < 0.001``, ``p = 0.046``."""
    text = pvalue(v)
    return f"p {text}" if text[0] in "<>" else f"p = {text}"


def yes_no(v) -> str:
    """A true-or-false cell as a word: ``yes`` or ``no``."""
    return "yes" if v else "no"


@_writes()
def percent(v, decimals: int = 1) -> str:
    """A value already in percent: ``95.2 %``."""
    return DASH if missing(v) else f"{number(v, decimals)} %"


@_writes()
def share(v, decimals: int = 0) -> str:
    """A fraction written as a percentage: ``0.32`` → ``32 %``."""
    return DASH if missing(v) else percent(100 * float(v), decimals)


def confidence(alpha) -> str:
    """The confidence of an interval drawn at level ``alpha``, to two decimals without trailing zeros:
    ``0.0005`` → ``99.95 %``, ``0.05`` → ``95 %``, ``0.1`` → ``90 %``."""
    if missing(alpha):
        return DASH
    text = percent(100 * (1 - float(alpha)), 2)
    number, unit = text.split(" ", 1)
    return (number.rstrip("0").rstrip(".") if "." in number else number) + " " + unit


@_writes()
def scaled(v, unit: str, decimals: int = 0) -> str:
    """``v`` in units of thousand, million, billion or trillion: ``scaled(4.05e11, "B")`` → ``405 B``."""
    return DASH if missing(v) else f"{number(float(v) / UNITS[unit], decimals)} {unit}"


@_writes()
def size(v, decimals: int = 0) -> str:
    """A parameter or token count in the unit that suits it: ``405 B``, ``15.6 T``, ``350 M``."""
    if missing(v):
        return DASH
    v = float(v)
    unit = "T" if abs(v) >= 1e12 else "B" if abs(v) >= 1e9 else "M"
    return scaled(v, unit, decimals if unit != "T" else max(decimals, 1))


@_writes()
def params_as_printed(v) -> str:
    """A parameter count a source prints, in billions with the digits it has (up to three decimals): ``1.23 B``
    and ``3.21 B`` for the counts a card prints to two decimals, ``8 B`` and ``405 B`` for round ones, so two
    sizes the source tells apart never print alike."""
    if missing(v):
        return DASH
    billions = float(v) / UNITS["B"]
    decimals = next((d for d in range(4) if abs(round(billions, d) - billions) < 5e-10 * max(1.0, billions)), 3)
    return scaled(v, "B", decimals)


@_writes()
def params(v, decimals: int = 0) -> str:
    """A parameter count in billions: ``405 B`` (trillions from 10¹²: ``1.2 T``)."""
    if missing(v):
        return DASH
    return scaled(v, "T", max(decimals, 1)) if abs(float(v)) >= 1e12 else scaled(v, "B", decimals)


@_writes()
def tokens(v, decimals: int = 1) -> str:
    """A token count in trillions: ``15.6 T`` (billions below 10¹²: ``800 B``)."""
    if missing(v):
        return DASH
    return scaled(v, "T", decimals) if abs(float(v)) >= 1e12 else scaled(v, "B", 0)


@_writes()
def scientific(v, digits: int = 2) -> str:
    """A large magnitude as a power of ten with ``digits`` significant digits: ``3.8 × 10²⁵``."""
    if missing(v):
        return DASH
    v = float(v)
    if v == 0:
        return "0"
    exponent = int(math.floor(math.log10(abs(v))))
    mantissa = round(v / 10**exponent, digits - 1)
    if abs(mantissa) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    power = "10" + str(exponent).translate(SUPERSCRIPT)
    text = f"{mantissa:.{digits - 1}f}".rstrip("0").rstrip(".") if digits > 1 else f"{mantissa:.0f}"
    return power if text == "1" else f"{text} × {power}"


@_writes()
def exact(v) -> str:
    """A number with every digit it has and no exponent, as a source prints it: ``0.0038``, ``1,250``."""
    if missing(v):
        return DASH
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    whole, _, frac = np.format_float_positional(abs(v), trim="-").partition(".")
    return ("-" if v < 0 else "") + f"{int(whole):,}" + (f".{frac}" if frac else "")


@_writes()
def quantity(v) -> str:
    """A bare quantity: every digit below a million (:func:`exact`), a power of ten above (:func:`scientific`)."""
    if missing(v):
        return DASH
    return exact(v) if abs(float(v)) < 1e6 else scientific(v, 3)


def number_list(text, sep: str = ";") -> str:
    """Numbers recorded as one field (``16000;700;128k``) as the book writes them: ``16,000, 700, 128k``.
    A year (a whole number from 1900 to 2099) is written as a year: ``2023``."""
    if missing(text) or not str(text).strip():
        return ""
    parts = [p.strip() for p in str(text).split(sep)]
    return ", ".join(
        p if re.fullmatch(r"(19|20)\d\d", p) else exact(float(p)) if re.fullmatch(r"-?\d+(\.\d+)?", p) else p
        for p in parts
    )


@_writes()
def times(v, decimals: int = 2) -> str:
    """A ratio: ``1.64×``."""
    return DASH if missing(v) else f"{number(v, decimals)}×"


@_writes()
def significant(v, digits: int = 3) -> str:
    """``digits`` significant figures, with thousands separators and no exponent: ``0.0123``, ``1,230``."""
    if missing(v):
        return DASH
    v = float(v)
    if v == 0:
        return "0"
    places = digits - 1 - int(math.floor(math.log10(abs(v))))
    return number(round(v, places), max(0, places))


# ------------------------------------------------------------------ reading the text back

_NUMBER = r"[+-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?|[+-]?\d+(?:\.\d+)?"
_FORMS = [
    re.compile(rf"^(?P<op>[<>≤≥]) (?P<x>{_NUMBER})(?: ?(?P<pct>%)|(?P<times>×))?$"),
    re.compile(rf"^(?P<x>{_NUMBER})(?: (?P<unit>[KMBT])| ?(?P<pct>%)|(?P<times>×))?$"),
    re.compile(rf"^(?P<x>{_NUMBER}) × 10(?P<exp>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)$"),
    re.compile(r"^10(?P<exp>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)$"),
]


def read(text: str) -> list[tuple[float, float]] | None:
    """The values a formatted number stands for, as candidate ranges ``(low, high)``: a number
    written with d decimals stands for anything within half a unit of its last place, in its
    unit (``405 B`` for 404.5e9 to 405.5e9). A percentage may stand for percent points or for a
    fraction, so both are returned. ``None`` when ``text`` is not a number these functions write;
    ``[]`` for the dash of a missing value."""
    text = str(text).strip().replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    if text == DASH:
        return []
    for form in _FORMS:
        m = form.match(text)
        if not m:
            continue
        groups = m.groupdict()
        if groups.get("x") is None:  # 10ⁿ
            value = 10.0 ** int(groups["exp"].translate(PLAIN))
            return [(value * 0.95, value * 1.05)]
        raw = groups["x"].replace(",", "")
        value = float(raw)
        places = len(raw.split(".")[1]) if "." in raw else 0
        half = 0.5 * 10**-places
        if groups.get("exp"):
            scale = 10.0 ** int(groups["exp"].translate(PLAIN))
            return [((value - half) * scale, (value + half) * scale)]
        if groups.get("op") in ("<", "≤"):
            low, high = -math.inf, value
        elif groups.get("op") in (">", "≥"):
            low, high = value, math.inf
        else:
            low, high = value - half, value + half
        scale = UNITS[groups["unit"]] if groups.get("unit") else 1.0
        out = [(low * scale, high * scale)]
        if groups.get("pct"):
            out.append((low / 100, high / 100))
        return out
    return None


# ------------------------------------------------------------------ the same rules inside charts


def vega_size_label(field: str = "datum.value", powers_only: bool = False) -> str:
    """A Vega expression writing a size on an axis as the book does: ``800 B``, ``1.2 T``, ``350 M``
    (d3's SI prefixes with G written as B); with ``powers_only``, only 1, 10, 100, 1 K, … are
    labelled (for log axes over many decades)."""
    s = f"format({field}, '.3~s')"
    label = f"replace(replace(replace(replace({s}, 'G', ' B'), 'T', ' T'), 'M', ' M'), 'k', ' K')"
    if powers_only:
        return f"abs(log({field}) / LN10 - round(log({field}) / LN10)) < 1e-6 ? {label} : ''"
    return label


def vega_power_label(field: str = "datum.value") -> str:
    """A Vega expression labelling the powers of ten of a log axis as ``10²²`` (the ticks between
    them stay unlabelled)."""
    exponent = f"round(log({field}) / LN10)"
    digits = f"'' + {exponent}"
    for plain, sup in zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"):
        digits = f"replace({digits}, regexp('{plain}', 'g'), '{sup}')"
    return f"abs(log({field}) / LN10 - {exponent}) < 1e-6 ? '10' + {digits} : ''"


# ------------------------------------------------------------------ the numbers a text holds

# a number as the book writes it: a sign, digits with thousands separators, decimals, then an exponent (e+25,
# × 10²⁵, ²⁵) and a unit (a space and K, M, B or T; %; ×); ``10²⁵`` alone is one number too
_TOKEN = re.compile(
    r"(?P<n>[−+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[+-]?\d+|\s?×\s?10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)?"
    r"(?:\s?%|\s[KMBT](?![\w])|×)?)"
)
# what a number is part of when it is not a number: a word it is written in (405B, GPT-4o, Nemotron-4, 5-shot, 1st), a
# place in a document (Table 15, Figure 4, §2.2, Section 3), a date (2024-07-23, August 2024) or a version (4.0.0)
REFERENCE_WORDS = ("Table", "Tables", "Figure", "Figures", "Fig.", "Section", "Sections", "§", "Appendix", "Chapter",
                   "Approach", "Eq.", "Equation", "Algorithm", "p.", "pp.", "arXiv", "arXiv:")  # fmt: skip
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
_NAMED = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d+(?:\.\d+){2,}"  # a date, a version
    rf"|(?:{'|'.join(MONTHS)}) \d{{4}}\b"  # a month
    rf"|(?<!\w)(?:{'|'.join(re.escape(w) for w in REFERENCE_WORDS)})\s?\(?\d+(?:\.\d+)*(?:(?: and |–|-)\d+)*"
)


def numbers(text: str, names=()) -> list[str]:
    """The numbers ``text`` holds, each as written (``1,534``, ``0.2553``, ``−5.1``, ``405 B``, ``84``, ``100 %``,
    ``3.8e+25``, ``3.8 × 10²⁵``, ``7.6×``): what a reader could ask "where did this come from?" about. A range or an
    interval is two numbers (``84–100 %``, ``0.2553 to 0.3662``).

    A number that is part of a name is not one: a number written inside a word (``405B``, ``GPT-4o``,
    ``Nemotron-4``, ``5-shot``), a place in a document or its identifier (``Table 15``, ``§2.2``, ``p. 12``,
    ``arXiv 2407.21783``), a date (``2024-07-23``, ``August 2024``), a version (``4.0.0``), and the numbers of
    ``names`` (the names of models and benchmarks, e.g. ``Llama 3.1 405B Instruct``) and of a version after a word
    that names one of them (``Llama 3``, ``Claude 3.5``)."""
    text = str(text).replace("\u00a0", " ").replace("\u202f", " ")
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, " " * len(name))
    families = _families(tuple(sorted(set(names))))
    if families is not None:
        text = families.sub(lambda m: " " * len(m.group(0)), text)
    text = _NAMED.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        before, after = text[start - 1 : start], text[end : end + 1]
        token = m.group("n")
        if token[0] in "+-" and before.isdigit():  # 8-22: the hyphen joins, it is no sign
            token, start = token[1:], start + 1
            before = text[start - 1 : start]
        if before.isalpha() or before in ("_", ".") or after.isalpha() or after == "_":
            continue  # written inside a word, or a part of a longer token
        if before == "-" and text[start - 2 : start - 1].isalpha():  # GPT-4
            continue
        if after == "-" and text[end + 1 : end + 2].isalpha():  # 5-shot
            continue
        found.append(token.strip())
    return found


@lru_cache(maxsize=8)
def _families(names: tuple[str, ...]) -> re.Pattern | None:
    """The words that precede a version in ``names`` (``Llama`` of ``Llama 3.1 405B``), as a pattern of the word and
    the version that follows it."""
    words = {m.group(1) for name in names for m in re.finditer(r"(?:^|\s)([A-Z][\w-]*) \d", name)}
    if not words:
        return None
    return re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in sorted(words))})\s\d+(?:\.\d+)?(?!\d|,\d)")
