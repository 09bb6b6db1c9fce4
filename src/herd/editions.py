"""``python -m herd.editions``: build, list, check or record the book's editions, and write the changelog.

The command only; the editions are :mod:`herd.book.editions`.
"""

from herd.book.editions import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
