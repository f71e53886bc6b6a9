"""Executable demos run at build time to produce the site's figures."""
