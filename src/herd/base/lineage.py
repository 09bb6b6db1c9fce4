"""Where a number a reader sees came from: its lineage, recorded when it is glued or tabled.

A number is either **read** from the data package (a *data* lineage: the rows it was read from, with
each row's source document, location and page, and how the value was formatted) or **computed** (a
*computed* lineage: the function that computed it, named by module and name, the parameters it was
called with, and the data rows it read, one by one when they are few and as a count with their
sources when they are many). The records are plain data: :meth:`Lineage.record` is what the executed
notebook keeps, the book embeds in the page and the downloads carry; its :func:`identity` is a digest
of the record, so the same record always has the same id and equal records on a page are stored once.

A lineage travels with a formatted number as a :class:`Traced` string (a ``str`` that carries its
lineage), so the code that formats a number is the code that says where it came from. Nothing here
knows the data package: :mod:`herd.record.lineage` builds the row references from it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import inspect
import json
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

META_KEY = "herd_lineage"  # where a notebook output's metadata keeps its lineage records
FEW_ROWS = 12  # at most this many rows read are listed one by one; more are summarised by table and source


@dataclass(frozen=True)
class Source:
    """A document a row of the data package was transcribed from (a row of ``sources.csv``)."""

    key: str
    title: str
    url: str

    def record(self) -> dict:
        """The source as JSON-ready data."""
        return {"key": self.key, "title": self.title, "url": self.url}


@dataclass(frozen=True)
class Row:
    """One row of the data package: its table (resource), its primary key, the column a value was read
    from (if one), the value as stored, and where the row's source prints it."""

    resource: str
    key: tuple[tuple[str, str], ...]
    column: str | None = None
    value: str | None = None
    source: Source | None = None
    location: str | None = None
    page: int | None = None

    def record(self) -> dict:
        """The row as JSON-ready data: table, key, and what is known of column, value, source, location, page."""
        out: dict[str, Any] = {"table": self.resource, "key": dict(self.key)}
        for name in ("column", "value", "location", "page"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.source is not None:
            out["source"] = self.source.record()
        return out


@dataclass(frozen=True)
class Rows:
    """Many rows of one table, described by their count and the sources they come from."""

    resource: str
    count: int
    sources: tuple[Source, ...] = ()
    locations: tuple[str, ...] = ()

    def record(self) -> dict:
        """The rows as JSON-ready data: table, count, sources and locations."""
        out: dict[str, Any] = {"table": self.resource, "rows": self.count}
        if self.sources:
            out["sources"] = [s.record() for s in self.sources]
        if self.locations:
            out["locations"] = list(self.locations)
        return out


Read = Row | Rows


@dataclass(frozen=True)
class Call:
    """One call of a ``herd`` function (``module.qualname``) with the arguments it was given, by their names in its
    signature (the data it was given are the record's rows read, not arguments here)."""

    function: str
    params: tuple[tuple[str, Any], ...] = ()

    def record(self) -> dict:
        """The call as JSON-ready data: function and arguments."""
        out: dict[str, Any] = {"function": self.function}
        if self.params:
            out["params"] = {k: _plain(v) for k, v in self.params}
        return out


@dataclass(frozen=True)
class Lineage:
    """Where one number came from. ``function`` is ``module.qualname`` of a ``herd`` function; a data
    lineage has none and names the ``format`` (a function of :mod:`herd.base.formats`, its extra
    arguments and the ``scale`` the stored value is multiplied by first) that turns its one row's
    value into the text shown."""

    kind: str  # "data" or "computed"
    reads: tuple[Read, ...] = ()
    function: str | None = None
    params: tuple[tuple[str, Any], ...] = ()
    format: str | None = None
    format_args: tuple = ()
    scale: float = 1.0
    note: str | None = None
    output: str | None = None  # which of the call's outputs the number is (a key, row, column or attribute)
    after: tuple[Call, ...] = ()  # the earlier calls whose results this call was given, in order
    then: tuple[Call, ...] = ()  # the later calls that only present the output (e.g. see it from one model), in order
    # the value(s) a computed number was written from, before rounding, with the function of herd.base.formats that
    # wrote it and its other arguments (herd.base.formats.Written; :func:`given`)
    value: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self):
        if self.kind not in ("data", "computed"):
            raise ValueError(f"a lineage is 'data' or 'computed', not {self.kind!r}")
        if self.kind == "computed" and not self.function:
            raise ValueError("a computed lineage names the function that computed it")
        if self.kind == "data" and not self.reads:
            raise ValueError("a data lineage names the row it was read from")

    def record(self) -> dict:
        """The lineage as JSON-ready data (what pages, downloads and the research object carry)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.function:
            out["function"] = self.function
        if self.params:
            out["params"] = {k: _plain(v) for k, v in self.params}
        if self.output:
            out["output"] = self.output
        if self.after:
            out["after"] = [c.record() for c in self.after]
        if self.then:
            out["then"] = [c.record() for c in self.then]
        if self.value:
            out["value"] = {k: _plain(v) for k, v in self.value}
        if self.format:
            out["format"] = {
                "function": self.format,
                "args": [_plain(a) for a in self.format_args],
                "scale": self.scale,
            }
        out["reads"] = [r.record() for r in self.reads]
        if self.note:
            out["note"] = self.note
        return out


def identity(record: Mapping) -> str:
    """A short id for a lineage record: the same record always gets the same id."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return "L" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _plain(value):
    """A parameter as JSON holds it: numbers, strings, booleans and lists of them; anything else by its text."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_plain(v) for v in items]
    return str(value)


def function_name(function: Callable) -> str:
    """``module.qualname`` of a function of ``herd`` (a lineage names only the project's own code)."""
    module = getattr(function, "__module__", "") or ""
    name = getattr(function, "__qualname__", None)
    if not module.startswith("herd.") or not name or "<" in name:
        raise ValueError(f"a computed lineage names a named function of herd, not {function!r}")
    return f"{module}.{name}"


def resolve(name: str):
    """The object a lineage names by ``module.qualname`` (the inverse of :func:`function_name`), or None when no
    importable module holds it."""
    module_name, _, rest = name.rpartition(".")
    while module_name:
        try:
            found = importlib.import_module(module_name)
            for part in rest.split("."):
                found = getattr(found, part)
            return found
        except (ImportError, AttributeError):
            module_name, _, head = module_name.rpartition(".")
            rest = f"{head}.{rest}"
    return None


def unknown_params(function: Callable, names: Iterable[str]) -> list[str]:
    """Those of ``names`` that are not parameters of ``function`` (none when it takes ``**kwargs``)."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return []
    return [n for n in names if n not in parameters]


def _checked(function: Callable, params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    wrong = unknown_params(function, params)
    if wrong:
        takes = ", ".join(inspect.signature(function).parameters)
        raise TypeError(f"{function_name(function)} has no parameter {', '.join(map(repr, wrong))} (it takes {takes})")
    return tuple(sorted(params.items()))


def call(function: Callable, **params) -> Call:
    """One call of ``function`` with ``params`` (checked against its signature), for a lineage's ``after``."""
    return Call(function_name(function), _checked(function, params))


def computed(
    function: Callable,
    reads: Iterable[Read] = (),
    note: str | None = None,
    output: str | None = None,
    after: Iterable[Call] = (),
    then: Iterable[Call] = (),
    **params,
) -> Lineage:
    """The lineage of a number that the call ``function(**params)`` computed from ``reads``: ``params`` are the
    call's own arguments, by the names of its signature (a wrong name is an error), with the values passed (the
    data it was given are ``reads``); ``output`` says which of the call's outputs the number is; ``after`` lists
    the earlier calls (:func:`call`) whose results the call was given, ``then`` the later calls that only present
    its output (e.g. see it from one model)."""
    return Lineage(
        "computed",
        reads=tuple(reads),
        function=function_name(function),
        params=_checked(function, params),
        note=note,
        output=output,
        after=tuple(after),
        then=tuple(then),
    )


def given(lineage: Lineage | None, text) -> Lineage | None:
    """``lineage`` with the value a computed number was written from, when ``text`` keeps it (a text written by
    :mod:`herd.base.formats`, or a :class:`Traced` one): the value before rounding, the function that wrote it and
    its arguments. A number read from a row keeps its lineage as it is: the row holds the value."""
    written = getattr(text, "written", None)
    if lineage is None or not written or lineage.kind != "computed" or lineage.value:
        return lineage
    return dataclasses.replace(lineage, value=tuple(sorted(written.items())))


def _source_from(record: Mapping | None) -> Source | None:
    return None if record is None else Source(key=record["key"], title=record["title"], url=record["url"])


def _read_from(record: Mapping) -> Read:
    if "rows" in record:
        return Rows(
            resource=record["table"],
            count=int(record["rows"]),
            sources=tuple(_source_from(s) for s in record.get("sources", ())),  # type: ignore[misc]
            locations=tuple(record.get("locations", ())),
        )
    return Row(
        resource=record["table"],
        key=tuple((str(k), str(v)) for k, v in record["key"].items()),
        column=record.get("column"),
        value=record.get("value"),
        source=_source_from(record.get("source")),
        location=record.get("location"),
        page=record.get("page"),
    )


def from_record(record: Mapping) -> Lineage:
    """The :class:`Lineage` whose :meth:`Lineage.record` is ``record`` (as an executed notebook keeps it): a value
    copied from another notebook carries the lineage recorded there, with the same id."""
    fmt = record.get("format") or {}
    return Lineage(
        record["kind"],
        reads=tuple(_read_from(r) for r in record.get("reads", ())),
        function=record.get("function"),
        params=tuple(record.get("params", {}).items()),
        format=fmt.get("function"),
        format_args=tuple(fmt.get("args", ())),
        scale=float(fmt.get("scale", 1.0)),
        note=record.get("note"),
        output=record.get("output"),
        after=tuple(Call(c["function"], tuple(c.get("params", {}).items())) for c in record.get("after", ())),
        then=tuple(Call(c["function"], tuple(c.get("params", {}).items())) for c in record.get("then", ())),
        value=tuple(sorted(record.get("value", {}).items())),
    )


class Traced(str):
    """A formatted number (or any text shown) that carries its :class:`Lineage` (and, like the text it was made
    from, the value that text was written from, when :mod:`herd.base.formats` wrote it)."""

    lineage: Lineage
    written: dict | None

    def __new__(cls, text: str, lineage: Lineage):
        """``text`` with ``lineage``."""
        if not isinstance(lineage, Lineage):
            raise TypeError(f"a traced value needs a Lineage, not {type(lineage).__name__}")
        out = super().__new__(cls, text)
        out.lineage = lineage
        out.written = getattr(text, "written", None)
        return out

    def __reduce__(self):
        """Pickled with its lineage (a memo may keep traced values) and what its text was written from."""
        return (_traced, (str(self), self.lineage, self.written))


def _traced(text: str, lineage: Lineage, written: dict | None) -> Traced:
    out = Traced(text, lineage)
    out.written = written
    return out


def lineage_of(value) -> Lineage | None:
    """The lineage a value carries (a :class:`Traced` string or an object with a ``lineage``), if any."""
    found = getattr(value, "lineage", None)
    return found if isinstance(found, Lineage) else None


@dataclass
class Records:
    """The lineage records of one notebook output: id -> record, in the order first met."""

    records: dict[str, dict] = field(default_factory=dict)

    def add(self, lineage: Lineage) -> str:
        """Keep ``lineage``'s record (once) and return its id."""
        record = lineage.record()
        key = identity(record)
        self.records.setdefault(key, record)
        return key


def _row_text(read: Mapping) -> str:
    text = " · ".join(str(v) for v in read["key"].values())
    return text + (f" ({read['column']}) = {read['value']}" if "value" in read and "column" in read else "")


def _place(read: Mapping) -> str:
    if "source" not in read:
        return ""
    where = ", ".join(str(p) for p in (read.get("location"), f"p. {read['page']}" if "page" in read else None) if p)
    return f" ({read['source']['title']}{', ' + where if where else ''})"


def _reads_text(reads: Iterable[Mapping]) -> str:
    """The rows read, those of one table printed at the same place on one line with their count."""
    groups: dict[tuple, list[Mapping]] = {}
    for read in reads:
        if "rows" in read:
            groups[(id(read),)] = [read]
        else:
            place = (read["table"], _place(read))
            groups.setdefault(place, []).append(read)
    lines = []
    for group in groups.values():
        read = group[0]
        if "rows" in read:
            sources = "; ".join(s["title"] for s in read.get("sources", []))
            lines.append(f"data/{read['table']}.csv ({read['rows']} rows{': ' + sources if sources else ''})")
        elif len(group) == 1:
            lines.append(f"data/{read['table']}.csv row {_row_text(read)}{_place(read)}")
        else:
            rows = "; ".join(_row_text(r) for r in group)
            lines.append(f"data/{read['table']}.csv, {len(group)} rows: {rows}{_place(read)}")
    return "; ".join(lines)


def _arguments(params: Mapping) -> str:
    return ", ".join(f"{k}={json.dumps(v)}" for k, v in params.items())


def describe(record: Mapping) -> str:
    """A lineage record in one line of plain text: the row it was read from, or the call that computed it (the
    function with its arguments, after the calls whose results it was given), which of its outputs the number
    is, and what it read. Rows named alike are written once with their count."""
    reads = _reads_text(record.get("reads", []))
    if record["kind"] == "data":
        return f"read from {reads}"
    calls = [f"{c['function']}({_arguments(c.get('params', {}))})" for c in record.get("after", [])]
    calls.append(f"{record['function']}({_arguments(record.get('params', {}))})")
    text = "computed by " + " then ".join(calls)
    if record.get("output"):
        text += f", output {record['output']}"
    for later in record.get("then", []):
        text += f", seen through {later['function']}({_arguments(later.get('params', {}))})"
    if record.get("value"):
        text += f", {value_text(record['value'])}"
    return text + (f" from {reads}" if reads else "")


def value_text(value: Mapping) -> str:
    """What a computed number was written from, in words: ``value before rounding 629.8346123, written by
    herd.base.formats.count(value)`` (``low, high`` for the two ends of a range)."""
    given = value.get("given", [])
    numbers = " and ".join(repr(v) for v in given)
    names = ["value"] if len(given) == 1 else ["low", "high"]
    args = ", ".join([*names, *(f"{k}={json.dumps(v)}" for k, v in value.get("args", {}).items())])
    return f"value before rounding {numbers}, written by {value.get('function')}({args})"
