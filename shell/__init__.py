"""aifp_shell: the effects of aifp-migrate: files, SQLite, backups, locks, clock and CLI."""
