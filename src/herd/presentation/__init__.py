"""Presentation: what a reader sees, from the analyses' numbers and records.

``tables`` (deterministic HTML tables with their CSV and each number's lineage), ``glue`` (the one way a chapter
hands values to its sentences, with their lineage), ``scaling_lineage`` (where the scaling chapter's numbers come
from), ``compare_lineage`` (where the benchmarks chapter's and the method page's numbers come from),
``long_context_lineage`` and ``data_page_lineage`` (the same for the long-context and data pages), ``charts`` (the
Altair theme and the chart builders, each
returning the chart with the rows it draws), ``downloads`` (the CSV behind every table and chart, and the data
package archive), ``findings`` (the home page's findings, read from the values the executed chapters glued),
``sizes_text`` (the N each benchmark's tests use, in words and tables), ``method_text`` (the method page's tables and
worked examples), ``scaling_text`` (the scaling chapter's tables and sentences: the laws, the refit and its
bootstrap), ``budget_text`` (the compute checks in words), ``selection_text`` (the selection null's tables and
sentences), ``throughput_text`` (the scanner's measured speed in words),
``planting_text`` (the scanner's validation on planted copies in words), ``long_context_text`` (the long-context
chapter's memory, RoPE and window numbers in words), ``contamination_lineage`` (where the contamination chapter's
numbers come from),
``compare_text`` (the comparisons' tables, captions and sentences, and their glued record), ``levels_text`` (which
level each of a comparison's intervals is drawn at, and why, for a table split in two), ``claims_text`` (the
claims audit's tables and sentences), ``claims_words`` (what each check of the audit found and the rule it applied, in
words) and ``claims_lineage`` (where the claims chapter's numbers come from).

May import: ``herd.base``, ``herd.record``, ``herd.method``, ``herd.analyses``.
"""
