"""What every demo shares: its command line, its output files, its array module."""
