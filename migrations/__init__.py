"""The AIFP migration set, shipped inside the wheel as package data."""
