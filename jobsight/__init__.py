"""Jobsight: a job aggregator with data insights, built as Nameko microservices."""

__version__ = "0.1.0"
