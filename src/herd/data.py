"""``python -m herd.data``: validate the data package and print a summary.

The command only; the loader is :mod:`herd.record.data`.
"""

from herd.record.data import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
