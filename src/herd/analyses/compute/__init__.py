"""Scaling laws and the compute budget (the scaling chapter).

``laws`` (6·N·D and the forms of the published laws, their constants from ``data/scaling_laws.csv``), ``refit``
(Chinchilla's parametric law refitted from the runs of its Figure 4, and its bootstrap), ``scaling`` (each model's
facts by key, the chapter's tables from the laws and the refit) and ``budget`` (MFU, parallelism and interruption
arithmetic: every check of the compute story, counted by root cause). They import in that order, never back.
Numbers and records only: ``herd.presentation.scaling_text`` and ``budget_text`` write them.

May import: ``herd.base``, ``herd.record``, ``herd.method``.
"""
