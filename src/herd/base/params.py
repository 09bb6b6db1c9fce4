"""Typed checks for notebook parameters.

Every chapter declares its parameters in a papermill ``parameters`` cell and passes
them through :func:`check` straight after, so a bad value given with
``papermill -p`` stops the notebook with a message naming the parameter and what
it allows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


class ParameterError(ValueError):
    """A notebook parameter has the wrong type or a value outside what is allowed."""


def check(
    name: str,
    value: Any,
    kind: type | tuple[type, ...],
    *,
    choices: Iterable[Any] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    items: Iterable[Any] | None = None,
    min_items: int = 0,
    hint: str = "",
) -> Any:
    """Return ``value`` if it is a ``kind`` within the bounds, else raise ParameterError.

    ``choices`` limits a scalar; ``items`` limits each element of a list parameter. ``hint`` is added to the
    message when a value is not among its ``choices`` (where the value would be allowed, say).
    """
    kinds: tuple[type, ...] = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds and int not in kinds and isinstance(value, int) and not isinstance(value, bool):
        try:
            value = float(value)
        except OverflowError:
            raise ParameterError(f"parameter '{name}' = {value!r} is too large for a number") from None
    if isinstance(value, bool) and bool not in kinds:
        raise ParameterError(f"parameter '{name}' = {value!r}: expected {_names(kinds)}, got a boolean")
    if not isinstance(value, kinds):
        raise ParameterError(f"parameter '{name}' = {value!r}: expected {_names(kinds)}, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):  # NaN passes every bound; infinity is no value
        raise ParameterError(f"parameter '{name}' = {value!r}: expected a finite number, not NaN or infinity")
    if choices is not None:
        allowed = list(choices)
        if value not in allowed:
            raise ParameterError(
                f"parameter '{name}' = {value!r} is not allowed; allowed: {_listing(allowed)}"
                + (f"; {hint}" if hint else "")
            )
    if isinstance(value, int | float) and not isinstance(value, bool):  # bounds apply to numbers only
        if minimum is not None and value < minimum:
            raise ParameterError(f"parameter '{name}' = {value!r} is below the minimum {minimum}")
        if maximum is not None and value > maximum:
            raise ParameterError(f"parameter '{name}' = {value!r} is above the maximum {maximum}")
    if items is not None or min_items:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ParameterError(f"parameter '{name}' = {value!r}: expected a list")
        if len(value) < min_items:
            raise ParameterError(f"parameter '{name}' needs at least {min_items} item(s), got {len(value)}")
        if items is not None:
            allowed = list(items)
            bad = [v for v in value if v not in allowed]
            if bad:
                raise ParameterError(
                    f"parameter '{name}' has {_listing(bad)} which {'is' if len(bad) == 1 else 'are'} not allowed; "
                    f"allowed: {_listing(allowed)}"
                )
        if len(set(map(repr, value))) != len(value):
            raise ParameterError(f"parameter '{name}' lists an item twice: {value!r}")
    return value


def _names(kinds: tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in kinds)


def _listing(values: Sequence[Any]) -> str:
    return ", ".join(repr(v) for v in values)


# --------------------------------------------------------------------------- the chapters' schema

SCHEMA_FILE = "notebooks/parameters.yml"
TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list": list}
CONSTRAINTS = ("minimum", "maximum", "choices", "min_items", "items")
IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
VALUE_TYPES = (str, int, float, bool, list, tuple, dict, type(None))


def schema_path() -> Path:
    """``notebooks/parameters.yml`` of the repository: ``$HERD_PARAMETERS``, else found from the
    working directory or this package upwards."""
    import os

    env = os.environ.get("HERD_PARAMETERS")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in [Path.cwd(), *Path.cwd().parents, *here.parents]:
        if (parent / SCHEMA_FILE).exists():
            return parent / SCHEMA_FILE
    raise FileNotFoundError(f"no {SCHEMA_FILE} found; set HERD_PARAMETERS to its path")


def load_schema(path: Path | None = None) -> dict[str, dict[str, dict]]:
    """{chapter: {parameter: spec}} from the schema file, each spec checked: ``type`` (str, int,
    float, bool, list, or several joined by ``|``), ``help``, and optional ``minimum``,
    ``maximum``, ``choices``, ``min_items`` and ``items`` (a spec for each element of a list)."""
    import yaml

    path = path or schema_path()
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path.name}: expected a mapping of chapter to its parameters")
    for chapter, specs in data.items():
        if not isinstance(specs, dict):
            raise ParameterError(f"{path.name}: chapter '{chapter}': expected a mapping of parameter to its spec")
        for name, spec in specs.items():
            _check_spec(f"{path.name}: {chapter}.{name}", spec)
    return data


def _check_spec(where: str, spec: Any) -> None:
    if not isinstance(spec, dict) or "type" not in spec or "help" not in spec:
        raise ParameterError(f"{where}: a parameter needs a 'type' and a 'help' text")
    unknown = set(spec) - {"type", "help", *CONSTRAINTS}
    if unknown:
        raise ParameterError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: type, help, {', '.join(CONSTRAINTS)}"
        )
    for kind in str(spec["type"]).split("|"):
        if kind.strip() not in TYPES:
            raise ParameterError(f"{where}: type '{kind.strip()}' is not one of {', '.join(TYPES)}")
    if "items" in spec:
        item = spec["items"]
        if not isinstance(item, dict) or "type" not in item:
            raise ParameterError(f"{where}: 'items' must be a spec with a 'type'")


def _assigned_names(source: str) -> set[str] | None:
    """The names a cell of plain assignments sets (a parameters cell, or the one papermill
    injects after it); None when the cell does anything else."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names: set[str] = set()
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else None
        )
        if targets is None or not all(isinstance(t, ast.Name) for t in targets):
            return None
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _parameter_names(namespace: dict) -> set[str]:
    """The names the chapter was given: those set by the run of plain-assignment cells just
    before the current one (the parameters cell and papermill's injected cell), read from
    IPython's input history, so that names left by an earlier run in the same kernel do not
    count; without that history, every plain value in the namespace."""
    history = namespace.get("In")
    if isinstance(history, list) and len(history) >= 2:
        given: set[str] = set()
        for source in reversed(history[:-1]):
            names = _assigned_names(source) if source.strip() else set()
            if names is None:
                break
            given |= names
        if given:
            return given
    return {
        k
        for k, v in namespace.items()
        if not k.startswith("_") and k not in IPYTHON_NAMES and isinstance(v, VALUE_TYPES)
    }


def _kinds(spec: dict) -> tuple[type, ...]:
    return tuple(TYPES[k.strip()] for k in str(spec["type"]).split("|"))


def check_chapter(namespace: dict, chapter: str, schema: dict | None = None) -> None:
    """Check a chapter's parameters as they stand in ``namespace`` (the notebook's globals, right
    after its parameters cell) against the schema: a name the chapter does not declare (a
    misspelled ``papermill -p``) stops it, and so does a value of the wrong type or out of bounds.
    Constraints that depend on the data (models printed in a table) stay in the chapter."""
    schema = load_schema() if schema is None else schema
    if chapter not in schema:
        raise ParameterError(f"{SCHEMA_FILE} has no chapter '{chapter}'")
    specs = schema[chapter]
    given = _parameter_names(namespace)
    unknown = sorted(given - set(specs))
    if unknown:
        import difflib

        hints = [
            f"{u!r} (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(u, specs, n=1)) else repr(u)
            for u in unknown
        ]
        raise ParameterError(
            f"chapter '{chapter}' has no parameter {', '.join(hints)}; its parameters: {', '.join(specs)}"
        )
    missing = [k for k in specs if k not in namespace]
    if missing:
        raise ParameterError(
            f"chapter '{chapter}': parameter(s) {', '.join(missing)} not set (the parameters cell "
            f"and {SCHEMA_FILE} disagree)"
        )
    for name, spec in specs.items():
        value = namespace[name]
        check(
            name,
            value,
            _kinds(spec),
            **{k: spec[k] for k in ("minimum", "maximum", "choices") if k in spec},
            min_items=spec.get("min_items", 0) if isinstance(value, list) else 0,
        )
        if isinstance(value, list) and "items" in spec:
            item = spec["items"]
            for element in value:
                check(
                    f"{name} item",
                    element,
                    _kinds(item),
                    **{k: item[k] for k in ("minimum", "maximum", "choices") if k in item},
                )
