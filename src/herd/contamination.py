"""``python -m herd.contamination --benchmark … --corpus … --out …``: score a benchmark's contamination.

The command only; the scanner is :mod:`herd.analyses.contamination.scanner`, its command line
:mod:`herd.analyses.contamination.scanner.__main__`.
"""

from herd.analyses.contamination.scanner.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
