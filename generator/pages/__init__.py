"""The normalized pages the renderer publishes, and the site's own feeds."""
