"""The method: the book's one way of judging a comparison.

``stats`` (intervals and tests by metric kind, the family a question asks, corrections, equivalence and
non-inferiority, the verdicts' vocabulary), ``score_test`` (the score statistic: Wilson's interval of one score, the
Miettinen–Nurminen test and interval of a gap), ``exact`` (the exact unconditional test of a gap and its interval, at
whole counts), ``sample_sizes`` (the N each benchmark's tests rest on, and the N printed intervals imply), ``compare``
(a verdict for every pair of printed scores, the same rule in every chapter), ``rowwise`` (claims over the rows of a
table: on every row, shown, refuted or not resolved; on some row; and what a row of its N can show), ``families``
(how a question's verdicts move with its family) and ``montecarlo`` (decisions on Monte Carlo p-values that their
Monte Carlo error cannot change). Numbers and records only: ``herd.presentation`` writes them (``compare_text``,
``sizes_text``, ``method_text``).

May import: ``herd.base``, ``herd.record``.
"""
