"""verify: every step of a migration set, run on scratch databases."""
