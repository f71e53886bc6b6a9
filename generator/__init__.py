"""Turn the editors' ``content/`` folder into the pages of the newsletter site.

The package does not depend on MkDocs: it reads posts, feed archives, knowledge-base
pages and the tag vocabulary, and produces normalized Markdown pages that MkDocs (or
any other renderer) publishes.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
