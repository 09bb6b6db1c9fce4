"""``%load_ext herd.jupyter`` (what ``binder/postBuild`` configures): glued values shown in place in Jupyter.

The name kernels load; the extension is :mod:`herd.book.jupyter`.
"""

from herd.book.jupyter import load_ipython_extension

__all__ = ["load_ipython_extension"]
