"""The base: the machinery every layer uses, none of it about Llama.

``codehash`` (which ``herd`` modules a piece of code imports, and a digest of their code), ``memo`` (slow,
deterministic results kept on disk under a key of their inputs and code), ``formats`` (the one way a number is
written as text, and read back), ``markup`` (text from the data as it reaches HTML: escaped, links only to web
addresses), ``lineage`` (where a number a reader sees came from: the record of the rows it was read from or the
function that computed it) and ``params`` (the chapters' parameters: their schema and the checks a chapter runs first).

May import: nothing of ``herd`` but its version. Every other layer may import it.
"""
