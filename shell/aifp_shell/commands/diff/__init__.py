"""diff FROM TO: reading the two schemas, and --apply."""
