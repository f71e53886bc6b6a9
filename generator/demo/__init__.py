"""Build-time demos: directives, sources, runs, cache and rendering of their results."""
