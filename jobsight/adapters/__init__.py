"""Adapters: every nameko dependency provider the services declare, in one place.

Each builds its client in ``setup()``, closes it in ``stop()`` and injects a narrow object
that says what it does. The domain (the rest of ``jobsight``) never imports from here.

    database   UnitOfWork: one unit of work per worker, repositories hang off it
    units      the units of work of each database (JobsUnit, UsersUnit, CoordinatorUnit)
    rpc        ServiceRpc: every call to another service, with a deadline and a circuit breaker
    security   PasswordHashing, TokenSigning, LoginThrottling
    redis      RedisProvider (the shared pool), IntervalLock (timer work once per interval)
    scraper    ScraperStateProvider: sources, fetchers, taxonomy cache, run locks
    warehouse  WarehouseStore, EventBacklog, configured_timer
    cache      InsightCache: the consistent-hashing ring of insight answers
    version    WarehouseVersion: the gateway's view of the warehouse version, kept by events
    context    RequestContext: the request id of every worker, and each call's outcome logged
"""
