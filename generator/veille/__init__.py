"""The veille: feeds followed, fetched, parsed, sanitized and archived for ever."""
