"""Typed checks for notebook parameters.

Every chapter declares its parameters in a papermill ``parameters`` cell and passes
them through :func:`check` straight after, so a bad value given with
``papermill -p`` stops the notebook with a message naming the parameter and what
it allows.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
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
) -> Any:
    """Return ``value`` if it is a ``kind`` within the bounds, else raise ParameterError.

    ``choices`` limits a scalar; ``items`` limits each element of a list parameter.
    """
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise ParameterError(f"parameter '{name}' = {value!r}: expected {_names(kinds)}, got a boolean")
    if not isinstance(value, kinds):
        raise ParameterError(f"parameter '{name}' = {value!r}: expected {_names(kinds)}, got {type(value).__name__}")
    if choices is not None:
        allowed = list(choices)
        if value not in allowed:
            raise ParameterError(f"parameter '{name}' = {value!r} is not allowed; allowed: {_listing(allowed)}")
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
