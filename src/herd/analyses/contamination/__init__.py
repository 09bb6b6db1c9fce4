"""Benchmark contamination, whole (the contamination chapter).

``scanner`` (the n-gram scanner, a package: readers, hashing, index, anchors, scanning, engines and the command
line behind ``python -m herd.contamination``), ``planting`` (validating the scanner on copies planted in a
corpus), ``selection`` (what choosing the threshold with the largest gain does: the null) and ``throughput``
(the scanner's measured speed, from the bench results).

May import: ``herd.base``, ``herd.record``, ``herd.method``.
"""
