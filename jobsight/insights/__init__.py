"""Insights over the warehouse: ``questions`` (pure: names, validation, cache keys; what the
gateway imports) and ``queries`` (the SQL behind each question, for the insights service)."""
