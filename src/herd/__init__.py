"""Shared logic of the book "Llama 3.1, Reproduced": data loading and validation, statistics, the chapters'
computations, charts and the build."""

__version__ = "1.1.0"
