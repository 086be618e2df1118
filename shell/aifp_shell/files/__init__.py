"""Files: where things are, the migration set on disk, backups, pre-flight, retention."""
