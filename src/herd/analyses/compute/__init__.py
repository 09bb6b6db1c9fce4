"""Scaling laws and the compute budget (the scaling chapter).

``scaling`` (the published laws, 6·N·D, each model's facts by key, the chapter's tables), ``refit`` (Chinchilla's
parametric law refitted from the runs of its Figure 4, and its bootstrap) and ``budget`` (MFU, parallelism and
interruption arithmetic: every check of the compute story, counted by root cause).

May import: ``herd.base``, ``herd.record``, ``herd.method``.
"""
