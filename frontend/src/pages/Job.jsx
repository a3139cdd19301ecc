// One canonical job (GET /jobs/<id>) and every board it was seen on, with links to each.
import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api.js";
import { ErrorMessage, Loading } from "../components/Status.jsx";
import { date, dateTime, oneDecimal, place, workplace } from "../format.js";
import { Link } from "../router.jsx";
import { lastSearchUrl, SalaryLine } from "./Search.jsx";

const EMPLOYMENT = {
  full_time: "Full-time", part_time: "Part-time", contract: "Contract", internship: "Internship", temporary: "Temporary",
};
const SENIORITY = { intern: "Intern", junior: "Junior", mid: "Mid-level", senior: "Senior", lead: "Lead" };

export function JobPage({ id }) {
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    setJob(null);
    document.title = "Job – Jobsight";
    api(`/jobs/${id}`, { signal: controller.signal })
      .then((data) => {
        setJob(data);
        document.title = `${data.title} at ${data.company} – Jobsight`;
      })
      .catch((failure) => {
        if (!controller.signal.aborted) setError(failure);
      });
    return () => controller.abort();
  }, [id, attempt]);

  return (
    <div class="job-page">
      <p>
        <Link href={lastSearchUrl()}>← Back to search</Link>
      </p>
      {!job && !error && (
        <>
          <h1 tabindex="-1" class="visually-hidden">Job</h1>
          <Loading>Loading the job…</Loading>
        </>
      )}
      {error && (
        <>
          <h1 tabindex="-1">This job could not be shown</h1>
          <ErrorMessage error={error} retry={error.status === 404 ? null : () => setAttempt(attempt + 1)} />
        </>
      )}
      {job && <JobDetails job={job} />}
    </div>
  );
}

function JobDetails({ job }) {
  const where = place(job);
  const facts = [
    ["Company", job.company],
    ["Location", where],
    ["Workplace", workplace(job.workplace)],
    ["Employment", EMPLOYMENT[job.employment_type]],
    ["Seniority", SENIORITY[job.seniority]],
    ["Experience asked", job.experience_years !== null && job.experience_years !== undefined
      ? `${oneDecimal(job.experience_years)}+ years` : null],
    ["Posted", job.date_posted ? date(job.date_posted) : null],
    ["First seen", dateTime(job.first_seen)],
    ["Last seen", dateTime(job.last_seen)],
  ].filter(([, value]) => value);
  const sources = job.sources || [];
  return (
    <article aria-labelledby="job-title">
      <h1 id="job-title" tabindex="-1">
        {job.title}
      </h1>
      {job.status !== "open" && (
        <p class="notice">This job is closed{job.closed_at ? ` since ${date(job.closed_at)}` : ""}: no board lists it any more.</p>
      )}
      <SalaryLine job={job} />
      {/\d/.test(job.salary?.raw || "") && <p class="muted small">As the posting put it: “{job.salary.raw}”</p>}
      <dl class="facts">
        {facts.map(([term, value]) => (
          <div>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {job.skills?.length > 0 && (
        <section aria-labelledby="job-skills">
          <h2 id="job-skills">Skills</h2>
          <ul class="chips">
            {job.skills.map((skill) => (
              <li>
                <Link class="chip" href={`/${query({ skills: skill })}`} aria-label={`Search jobs asking for ${skill}`}>
                  {skill}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="job-sources">
        <h2 id="job-sources">Seen on {sources.length === 1 ? "1 board" : `${sources.length} boards`}</h2>
        <div class="table-wrap">
          <table class="sources">
            <thead>
              <tr>
                <th scope="col">Board</th>
                <th scope="col">Kind</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
                <th scope="col">Link</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((source) => (
                <tr>
                  <th scope="row">{source.source_name}</th>
                  <td data-label="Kind">{source.kind}</td>
                  <td data-label="First seen">{dateTime(source.first_seen)}</td>
                  <td data-label="Last seen">{source.closed_at ? `closed ${dateTime(source.closed_at)}` : dateTime(source.last_seen)}</td>
                  <td>
                    <a href={source.url} rel="noopener noreferrer nofollow" target="_blank">
                      Open on {source.source_name}
                      <span class="visually-hidden"> (opens in a new tab)</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {job.description && (
        <section aria-labelledby="job-description">
          <h2 id="job-description">Description</h2>
          <div class="description">{job.description}</div>
        </section>
      )}
    </article>
  );
}
