"""Exposure Check: find out whether your details were in a data breach, and what to do about it."""

__version__ = "0.1.0"
