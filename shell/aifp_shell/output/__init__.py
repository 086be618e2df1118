"""Output: reports as one JSON document or text."""
