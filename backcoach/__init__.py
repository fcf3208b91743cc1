"""backcoach: a terminal consultation assistant for self-management in back-pain care.

Kept import-free on purpose: `backcoach --help` must start fast on old laptops.
"""

__version__ = "0.1.0"
