"""Event payloads to warehouse rows: what is accepted, and the reason given for what is not."""
import pytest

from jobsight.events import envelope
from jobsight.warehouse import records
from jobsight.warehouse.records import BadPayload, STAGE_COLUMNS

JOB = {
    "job_id": 7, "version": 3, "status": "open", "title": "Data Engineer", "company": "  ACME  Corp ",
    "location": "Berlin, Germany", "city": "Berlin", "region": None, "country": "DE", "workplace": "remote",
    "employment_type": "full_time", "seniority": "senior", "date_posted": "2026-11-01T10:00:00+00:00",
    "first_seen": "2026-11-01T10:05:00+00:00", "last_seen": "2026-11-02T10:05:00+00:00", "closed_at": None,
    "updated_at": "2026-11-02T10:05:00+00:00", "skills": ["SQL", "Python", "SQL"],
    "salary": {"min": 5000, "max": 6000, "currency": "EUR", "period": "month", "annual_min": 60000,
               "annual_max": 72000, "annual_currency": "EUR", "raw": "5-6k/month"},
    "experience_years": 4, "sources": [], "n_sources": 2,
}


def test_a_whole_job_becomes_one_staging_row():
    row = (records.stage_row(JOB))
    assert row["job_id"] == 7 and row["source_version"] == 3
    assert row["company_key"] == "acme corp"
    assert row["location_key"] == "DE||Berlin|Berlin, Germany"
    assert row["remote"] is True  # derived from workplace when the job does not say
    assert (row["annual_min"], row["annual_max"], row["annual_currency"]) == (60000.0, 72000.0, "EUR")
    assert row["skills"] == ["Python", "SQL"]
    assert set(records.stage_row(JOB)) == {name for name, _ in STAGE_COLUMNS}


def test_a_job_without_salary_or_location_is_fine():
    row = (records.stage_row({**JOB, "salary": None, "location": None, "city": None, "country": None}))
    assert row["annual_min"] is None and row["location_key"] is None


@pytest.mark.parametrize("change, reason", [
    ({"job_id": "7"}, "job.job_id"),
    ({"job_id": True}, "job.job_id"),
    ({"version": 0}, "job.version"),
    ({"status": "deleted"}, "job.status"),
    ({"title": "  "}, "job.title"),
    ({"company": None}, "job.company"),
    ({"skills": "Python"}, "job.skills"),
    ({"skills": ["Python", ""]}, "job.skills"),
    ({"salary": {"annual_min": "lots"}}, "job.salary.annual_min"),
    ({"salary": {"annual_min": float("nan")}}, "job.salary.annual_min"),
    ({"salary": {"annual_currency": "EURO"}}, "job.salary.annual_currency"),
    ({"first_seen": "yesterday"}, "job.first_seen"),
    ({"first_seen": "2026-11-01T10:00:00"}, "job.first_seen"),
    ({"country": "DEU"}, "job.country"),
    ({"remote": "yes"}, "job.remote"),
])
def test_malformed_jobs_are_rejected_with_the_field_named(change, reason):
    with pytest.raises(BadPayload, match=reason.replace(".", r"\.")):
        records.stage_row({**JOB, **change})


@pytest.mark.parametrize("payload, reason", [
    (None, "not an object"),
    ("job", "not an object"),
    ({"data": {"job": JOB}}, "event_id"),
    (envelope({"nothing": 1}), "no job"),
    (envelope({"job": []}), "job must be an object"),
])
def test_malformed_envelopes_are_rejected(payload, reason):
    with pytest.raises(BadPayload, match=reason):
        records.job_event(payload)


def test_a_job_event_gives_its_envelope_and_row():
    event = envelope({"job": JOB}, event_id="e-1")
    opened, row = records.job_event(event)
    assert opened["event_id"] == "e-1" and row["job_id"] == 7
    assert records.occurred_at(opened) is not None


def test_subscription_events_need_a_user_and_a_skill():
    _, user_id, skill = records.subscription_event(envelope({"user_id": 3, "skill": " Rust "}))
    assert (user_id, skill) == (3, "Rust")
    with pytest.raises(BadPayload, match="data.skill"):
        records.subscription_event(envelope({"user_id": 3}))
    with pytest.raises(BadPayload, match="data.user_id"):
        records.subscription_event(envelope({"user_id": "3", "skill": "Rust"}))


def test_a_batch_keeps_the_newest_version_of_each_job():
    rows = [records.stage_row({**JOB, "version": v, "title": f"v{v}"}) for v in (2, 5, 3)]
    (kept,) = records.newest_per_job(rows)
    assert (kept)["title"] == "v5"


def test_date_keys_read_as_yyyymmdd():
    from datetime import date
    assert records.date_key(date(2026, 1, 9)) == 20260109
