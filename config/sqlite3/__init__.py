"""Handoff's SQLite backend (`base.py`): Django's, with each statement's placeholders
converted once."""
