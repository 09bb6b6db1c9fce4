"""The record: what the book reads, validated, before any statistics.

``data`` (the data package loaded and validated against its schema), ``tabular`` (reading a package strictly:
descriptor, paths, cells), ``provenance`` (where each number comes from, and where sources disagree),
``lineage`` (references to the package's rows, with their sources, for the lineage of a number),
``score_tables`` (the printed score tables and what each prints), ``coverage`` (the models a page names but
cannot show), ``post`` (the audited post, by paragraph fingerprints), ``texts`` (real texts available offline)
and ``tokenizer`` (the official Llama 3 tokenizer, from llama-models' file).

May import: ``herd.base``.
"""
