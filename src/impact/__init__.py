"""impact: which product defects hurt customers most, proven with data."""

__version__ = "0.1.0"
