"""``python -m herd.build``: execute the chapters whose inputs changed, then build the book.

The command only; the runner is :mod:`herd.book.build`.
"""

from herd.book.build import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
