"""The analyses, one per chapter topic: numbers and records computed from the record by the method.

``claims`` (the claims audit: a verdict for every claim of the audited post), ``compute`` (scaling laws, the refit
of Chinchilla's law and its bootstrap, the compute budget's arithmetic), ``long_context`` (architecture, parameter
counts, KV cache, RoPE; tokens per word on real texts) and ``contamination`` (the n-gram scanner, its validation by
planting, the threshold-selection null, the scanner's measured speed).

May import: ``herd.base``, ``herd.record``, ``herd.method``; a topic may read another's results (``claims`` uses
``long_context.textstats``), never in a circle.
"""
