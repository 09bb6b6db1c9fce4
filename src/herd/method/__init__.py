"""The method: the book's one way of judging a comparison.

``stats`` (intervals and tests by metric kind, the family a question asks, corrections, equivalence and
non-inferiority, the verdicts' vocabulary), ``compare`` (a verdict for every pair of printed scores, the same rule
in every chapter) and ``montecarlo`` (decisions on Monte Carlo p-values that their Monte Carlo error cannot change).

May import: ``herd.base``, ``herd.record``.
"""
