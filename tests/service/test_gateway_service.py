"""The gateway's entrypoints with nameko's worker_factory (its RPC proxies are mocks): input is
refused before any hop, cache hits are answered without insights, and the warehouse version
follows warehouse_loaded events."""
import uuid

import pytest
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from jobsight.adapters.version import KnownVersion
from jobsight.cache.ring import Ring
from jobsight.cache.store import RingCache
from jobsight.errors import NotFound, ValidationError
from jobsight.events import envelope
from jobsight.insights import questions
from services.gateway import GatewayService


def request(path="/", query=None, method="GET"):
    return Request(EnvironBuilder(path=path, method=method, query_string=query or {}).get_environ())


@pytest.fixture
def cache(redis_client):
    return RingCache(Ring(["a"]), {"a": redis_client}, namespace=f"gwtest-{uuid.uuid4().hex[:8]}", ttl=60)


@pytest.fixture
def service(cache):
    return worker_factory(GatewayService, cache=cache, warehouse_version=KnownVersion(ttl=60), config={})


def test_find_jobs_passes_the_title_and_says_when_nothing_matches(service):
    service.scraper.find_jobs.return_value = [{"job_id": 1, "title": "Python Developer"}]
    assert service.find_jobs(request("/find-jobs", {"title": " python   developer "})) == (
        200, [{"job_id": 1, "title": "Python Developer"}])
    service.scraper.find_jobs.assert_called_once_with("python developer")
    service.scraper.find_jobs.return_value = []
    with pytest.raises(NotFound, match="No jobs found"):
        service.find_jobs(request("/find-jobs", {"title": "nothing"}))


@pytest.mark.parametrize("job_id", ["0", "abc", str(2**63)])
def test_a_bad_job_id_never_reaches_the_scraper(service, job_id):
    with pytest.raises(ValidationError, match="job_id"):
        service.get_job(request(f"/jobs/{job_id}"), job_id)
    service.scraper.get_job.assert_not_called()


def test_a_bad_insight_question_never_reaches_insights(service):
    with pytest.raises(ValidationError):
        service.insight_co_skills(request("/insights/co-skills", {"keywords": "???"}))
    service.insights.co_skills.assert_not_called()
    service.insights.warehouse_version.assert_not_called()


def test_a_cached_insight_is_answered_by_the_gateway_under_the_version_it_heard(service, cache):
    service.warehouse_loaded(envelope({"version": 5, "key": "1.5.5"}))
    _, parts = questions.prepare("remote_share", keywords="python developer")
    cache.get_or_compute(parts, lambda: {"sample_size": 3}, "1.5.5")
    answer = service.insight_remote_share(request("/insights/remote-share", {"keywords": "Python Developer"}))
    assert answer == (200, {"sample_size": 3})
    service.insights.remote_share.assert_not_called()
    service.insights.warehouse_version.assert_not_called()  # the event told it, no need to ask


def test_after_a_load_the_same_question_goes_to_insights(service, cache):
    service.warehouse_loaded(envelope({"version": 5, "key": "1.5.5"}))
    _, parts = questions.prepare("remote_share", keywords="python developer")
    cache.get_or_compute(parts, lambda: {"sample_size": 3}, "1.5.5")
    service.warehouse_loaded(envelope({"version": 6, "key": "1.6.6"}))
    service.insights.remote_share.return_value = {"sample_size": 4}
    answer = service.insight_remote_share(request("/insights/remote-share", {"keywords": "python developer"}))
    assert answer == (200, {"sample_size": 4})
    service.insights.remote_share.assert_called_once_with(keywords="python developer")


def test_a_malformed_warehouse_event_changes_nothing(service):
    service.warehouse_loaded(envelope({"version": 5, "key": "1.5.5"}))
    for payload in ({"data": "nope"}, "text", envelope({"key": "garbage"})):
        service.warehouse_loaded(payload)
    assert service.cache_stats()["warehouse_version"]["version"] == "1.5.5"
