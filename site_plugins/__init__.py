"""Thin MkDocs adapters around :mod:`generator`."""
