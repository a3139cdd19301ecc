"""Ingestion: from a job source to canonical jobs in jobs_db, and their events.

A posting's path, one named stage each (as Scrapy lists its item pipelines):

    fetch      jobsight.sources.fetch.Fetcher        polite HTTP: rate limit, retries, breaker, conditional GET
    parse      jobsight.sources.<kind>                the native payload to RawPosting (pure, total)
    normalize  jobsight.normalize.normalize           skills, salary, experience, workplace, location
    resolve    jobsight.ingestion.resolver.resolve    which canonical job each posting is (dedup)
    store      jobsight.ingestion.repository          JobRepository.store, in the batch's transaction
    announce   jobsight.ingestion.pipeline.announce   job_posted / job_updated / job_closed into the outbox, same transaction

``jobsight.ingestion.pipeline.run_source`` runs them for one source; ``ScraperState``
(jobsight.ingestion.state) is what the scraper keeps between runs.
"""
STAGES = ("fetch", "parse", "normalize", "resolve", "store", "announce")
