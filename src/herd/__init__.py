"""Shared logic of the book "Llama 3.1, Reproduced", in layers that import only downwards: ``base`` (what
every layer uses), ``record`` (the data package and what it holds), ``method`` (the statistics), ``analyses``
(one per chapter topic), ``presentation`` (tables, charts, findings) and ``book`` (the build and the editions).
The modules beside them are the commands users type (``python -m herd.data``, ``herd.build``,
``herd.editions``, ``herd.vendor``, ``herd.contamination``) and the Jupyter extension (``herd.jupyter``)."""

__version__ = "1.2.0"
