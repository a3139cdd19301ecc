"""The insight cache: a consistent-hashing ring of Redis nodes under Sentinel (``ring``), the
cache object services use (``store``) and its nameko wiring (``provider``)."""
