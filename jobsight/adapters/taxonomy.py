"""The bundled skills taxonomy, read and compiled while a service starts.

Compiling the scanner for thousands of skills takes about a second of CPU; done on a service's
first request it would hold that request (and, under eventlet, every other one) past the callers'
RPC timeouts. Declared on a service, this does it in ``setup``, before the service takes work.
"""
from nameko.extensions import DependencyProvider

from jobsight.normalize import Taxonomy, default_taxonomy


class BundledTaxonomy(DependencyProvider):
    def setup(self) -> None:
        default_taxonomy()

    def get_dependency(self, worker_ctx) -> Taxonomy:
        return default_taxonomy()
