"""``python -m herd.vendor``: the npm-pinned JavaScript and MathJax copied into ``_static/vendor``.

The command only; the vendoring is :mod:`herd.book.vendor`.
"""

from herd.book.vendor import main

if __name__ == "__main__":  # pragma: no cover - exercised through make
    raise SystemExit(main())
