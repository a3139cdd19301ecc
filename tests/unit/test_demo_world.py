"""The demo world: deterministic, lazy, and realistic enough to exercise the pipeline."""

from jobsight.demo import DemoWorld
from jobsight.demo.generate import KINDS


def test_same_seed_same_jobs_and_different_seed_different_jobs():
    a, b, c = DemoWorld(seed=7), DemoWorld(seed=7), DemoWorld(seed=8)
    for i in (0, 1, 1234, 2999):
        assert a.job(i) == b.job(i)
        assert a.job(i).description_html == b.job(i).description_html
    assert [a.job(i).title for i in range(50)] != [c.job(i).title for i in range(50)]


def test_million_job_world_is_lazy():
    world = DemoWorld(seed=1, count=1_000_000)
    job = world.job(999_999)
    assert job.index == 999_999 and job.title
    assert job == DemoWorld(seed=1, count=1_000_000).job(999_999)


def test_jobs_look_like_the_market():
    jobs = list(DemoWorld())
    remote = sum(j.remote for j in jobs) / len(jobs)
    undisclosed = sum(j.pay is None for j in jobs) / len(jobs)
    multi = sum(len(j.boards) > 1 for j in jobs) / len(jobs)
    assert 0.28 < remote < 0.42
    assert 0.24 < undisclosed < 0.36
    assert 0.18 < multi < 0.32
    assert all(3 <= len(j.skills) <= 8 for j in jobs)
    assert {j.country for j in jobs} >= {"US", "GB", "DE", "NL", "PL", "RO", "MD", "CA", "IN"}
    assert any(j.city == "Chișinău" for j in jobs)
    assert {j.pay.period for j in jobs if j.pay} == {"hour", "month", "year"}


def test_every_skill_is_mentioned_in_the_description():
    for job in DemoWorld().jobs(0, 200):
        text = job.content.plain()
        for mention in job.mentions:
            assert mention in text


def test_remote_only_boards_carry_only_remote_jobs():
    world = DemoWorld()
    for kind in ("remoteok", "remotive", "rss"):
        assert world.visible(kind) and all(j.remote for j in world.visible(kind))
    assert all(j.country in ("MD", "RO") for j in world.visible("rabota"))


def test_advancing_time_closes_and_opens_jobs():
    world = DemoWorld()
    before = {j.index for kind in KINDS for j in world.visible(kind)}
    world.advance(30)
    after = {j.index for kind in KINDS for j in world.visible(kind)}
    assert len(before - after) > 0.1 * len(before)
    assert after - before
    world.reset()
    assert world.day == 0
    assert {j.index for kind in KINDS for j in world.visible(kind)} == before


def test_employers_hire_the_same_title_in_several_offices():
    world = DemoWorld(count=3000)
    jobs = list(world)
    copies = [job for job in jobs if job.text_of >= 0]
    assert len(copies) > 0.04 * len(jobs)
    for job in copies[:50]:
        original = world.job(job.text_of)
        assert (job.company, job.title) == (original.company, original.title) and job.city != original.city
        assert job.content.plain().replace(job.city, "") == original.content.plain().replace(original.city, "")
        assert job.city in {city for city, _ in job.company.offices}
    home = [job for job in jobs if job.country == job.company.country]
    assert all(job.city in {city for city, _ in job.company.offices} for job in home)
