"""b2i.py: A Python runtime written in C, built by b2i-cc, running on b2i-os."""

__version__ = "0.1.0"
