"""Schemas: the expected schema at a version (replay), drift, its cache, computed rollbacks."""
