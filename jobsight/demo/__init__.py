"""Demo job boards: a seeded world of realistic postings served offline in each source's
native shape, so the whole ingestion pipeline can run without the internet."""
from jobsight.demo.generate import DemoWorld, Job
from jobsight.demo.server import default_sources, make_app, serve

__all__ = ["DemoWorld", "Job", "default_sources", "make_app", "serve"]
