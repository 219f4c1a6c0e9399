"""Oversight: a conservative cross-model reviewer service."""

__version__ = "0.1.0"
