"""Long context: what a model's window holds (the long-context chapter).

``arch`` (the official Llama 3.x architecture arguments, parameter counts, KV cache, RoPE) and ``textstats``
(tokens per word and per page, measured on real texts with the Llama 3 tokenizer).

May import: ``herd.base``, ``herd.record``, ``herd.method``.
"""
