"""SQLite: opening databases, reading them, running a plan's statements."""
