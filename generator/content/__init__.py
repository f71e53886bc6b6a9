"""Read ``content/``: posts, knowledge-base pages, front matter, shortcodes, dates and slugs."""
