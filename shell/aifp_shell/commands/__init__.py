"""One module per command: the work behind each, returning report values."""
