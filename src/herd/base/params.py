"""Typed checks for notebook parameters.

A chapter's parameters are declared once, in ``notebooks/parameters.yml``: each one's name, type,
bounds or allowed values, default and help line (:func:`load_schema`). The chapter's papermill
``parameters`` cell sets the same defaults (papermill reads its names and values there; a test
checks they equal the schema's), and the cell after it calls :func:`check_chapter`, which reads
exactly the schema's names from the chapter's globals, so a bad value given with
``papermill -p`` stops the notebook with a message naming the parameter and what it allows.
What the data allows (a model printed in the chosen table) is checked in the chapter with
:func:`among`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
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
SPEC_KEYS = ("type", "default", "help", *CONSTRAINTS)
IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
VALUE_TYPES = (str, int, float, bool, list, tuple, dict, type(None))
CHECKED = "_chapter_checked"
"""The name :func:`check_chapter` sets in the namespace it checks: a chapter has been checked in this kernel."""


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
    float, bool, list, or several joined by ``|``), ``default`` (a value the spec allows), ``help``,
    and optional ``minimum``, ``maximum``, ``choices`` (of a value that is not a list),
    ``min_items`` and ``items`` (a spec for each element of a list)."""
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
            _check_spec(f"{path.name}: {chapter}.{name}", name, spec)
    return data


def _check_spec(where: str, name: str, spec: Any) -> None:
    if not isinstance(spec, dict) or any(k not in spec for k in ("type", "default", "help")):
        raise ParameterError(f"{where}: a parameter needs a 'type', a 'default' and a 'help' text")
    unknown = set(spec) - set(SPEC_KEYS)
    if unknown:
        raise ParameterError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(SPEC_KEYS)}")
    for kind in str(spec["type"]).split("|"):
        if kind.strip() not in TYPES:
            raise ParameterError(f"{where}: type '{kind.strip()}' is not one of {', '.join(TYPES)}")
    if "items" in spec:
        item = spec["items"]
        if not isinstance(item, dict) or "type" not in item:
            raise ParameterError(f"{where}: 'items' must be a spec with a 'type'")
    try:
        _check_value(name, spec["default"], spec)
    except ParameterError as exc:
        raise ParameterError(f"{where}: the default is not allowed: {exc}") from None


def _kinds(spec: dict) -> tuple[type, ...]:
    return tuple(TYPES[k.strip()] for k in str(spec["type"]).split("|"))


def _check_value(name: str, value: Any, spec: dict) -> None:
    """``value`` against its spec: type, bounds, allowed values (of a value that is not a list) and
    number of items; each item of a list against ``items``."""
    listed = isinstance(value, list)
    check(
        name,
        value,
        _kinds(spec),
        **{k: spec[k] for k in ("minimum", "maximum") if k in spec},
        choices=spec["choices"] if "choices" in spec and not listed else None,
        min_items=spec.get("min_items", 0) if listed else 0,
    )
    if listed and "items" in spec:
        item = spec["items"]
        for element in value:
            check(
                f"{name} item",
                element,
                _kinds(item),
                **{k: item[k] for k in ("minimum", "maximum", "choices") if k in item},
            )


def _stray_names(namespace: Mapping[str, Any]) -> set[str]:
    """The names besides the schema's that the chapter may have been given: where no chapter has been
    checked yet (a fresh kernel, as papermill always starts), every plain value set before the check,
    that is by the parameters cell and the cell papermill injects after it; none where one has been
    (a second run in the same kernel), whose other names were left by that run: the chapter's own
    variables, or a misspelled name the first check refused."""
    if CHECKED in namespace:
        return set()
    return {
        k
        for k, v in namespace.items()
        if not k.startswith("_") and k not in IPYTHON_NAMES and isinstance(v, VALUE_TYPES)
    }


def check_chapter(namespace: MutableMapping[str, Any], chapter: str, schema: dict | None = None) -> None:
    """Check a chapter's parameters as they stand in ``namespace`` (the notebook's globals, right
    after its parameters cell): each name the schema declares for the chapter is looked up and its
    value checked (type, bounds, allowed values); a name it does not declare (a misspelled
    ``papermill -p``) stops the chapter too. Constraints that depend on the data (models printed in
    a table) stay in the chapter (:func:`among`)."""
    schema = load_schema() if schema is None else schema
    if chapter not in schema:
        raise ParameterError(f"{SCHEMA_FILE} has no chapter '{chapter}'")
    specs = schema[chapter]
    unknown = sorted(_stray_names(namespace) - set(specs))
    namespace[CHECKED] = chapter
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
        _check_value(name, namespace[name], spec)


def among(name: str, value: Any, allowed: Iterable[Any], hint: str = "") -> Any:
    """Return ``value``, a parameter the schema has checked, if the data allows it: each item of a
    list, or else the value itself, must be one of ``allowed`` (``hint``: said when a value is not,
    such as where it would be allowed); else raise ParameterError."""
    if isinstance(value, list):
        return check(name, value, list, items=allowed)
    return check(name, value, type(value), choices=allowed, hint=hint)
