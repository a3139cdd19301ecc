// Search: the URL holds the whole state (/?q=pyhton+developer&remote=remote&skills=Python&page=2),
// with the same parameter names as GET /jobs, so a search can be shared, reloaded and gone back to.
import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api.js";
import { ErrorMessage, Loading } from "../components/Status.jsx";
import { SkillPicker } from "../components/SkillPicker.jsx";
import { ago, annualSalary, date, daysAgo, number, place, plural, statedIsAnnual, statedSalary, workplace } from "../format.js";
import { Link, navigate } from "../router.jsx";
import { authed, sessionStore } from "../session.js";
import { useStore } from "../store.js";

const MAX_PAGE = 1000;
const SINCE_CHOICES = [[1, "Past 24 hours"], [3, "Past 3 days"], [7, "Past week"], [30, "Past month"]];
const WORKPLACE_CHOICES = [["remote", "Remote"], ["hybrid", "Hybrid"], ["onsite", "On-site"]];

let lastSearch = "/";
/** The search a job page's "back" link returns to. */
export const lastSearchUrl = () => lastSearch;

export function readSearch(params) {
  return {
    q: params.get("q") || "",
    location: params.get("location") || "",
    remote: params.get("remote") || "",
    salary_min: params.get("salary_min") || "",
    skills: (params.get("skills") || "").split(",").map((s) => s.trim()).filter(Boolean),
    since: params.get("since") || "",
    sort: params.get("sort") || "",
    page: Math.max(1, Math.min(MAX_PAGE, Number.parseInt(params.get("page") || "1", 10) || 1)),
  };
}

function searchQuery(state) {
  return query({
    q: state.q.trim(),
    location: state.location.trim(),
    remote: state.remote,
    salary_min: state.salary_min,
    skills: state.skills.join(","),
    since: state.since,
    sort: state.sort,
    page: state.page > 1 ? state.page : "",
  });
}

const regionNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;
function placeName(value) {
  if (/^[A-Z]{2}$/.test(value) && regionNames) {
    try {
      return regionNames.of(value) || value;
    } catch {
      return value;
    }
  }
  return value;
}

export function SearchPage({ params }) {
  const state = readSearch(params);
  const key = searchQuery(state);
  const [draft, setDraft] = useState({ q: state.q, location: state.location, salary_min: state.salary_min });
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(true);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    lastSearch = `/${key}`;
    document.title = state.q ? `${state.q} – Jobsight` : "Search jobs – Jobsight";
    setDraft({ q: state.q, location: state.location, salary_min: state.salary_min });
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api(`/jobs${key}`, { signal: controller.signal })
      .then((data) => {
        setAnswer({ ...data, q: state.q });
        setLoading(false);
      })
      .catch((failure) => {
        if (controller.signal.aborted) return;
        setError(failure);
        setLoading(false);
      });
    return () => controller.abort();
  }, [key, attempt]);

  const apply = (changes) => navigate(`/${searchQuery({ ...state, ...draft, ...changes, page: changes.page || 1 })}`);
  const toggleSkill = (skill) =>
    apply({ skills: state.skills.includes(skill) ? state.skills.filter((s) => s !== skill) : [...state.skills, skill] });

  const submit = (event) => {
    event.preventDefault();
    apply({});
  };

  return (
    <div class="search-page">
      <h1 tabindex="-1" class="visually-hidden">Search jobs</h1>
      <form class="search-box" role="search" onSubmit={submit}>
        <label for="q" class="visually-hidden">
          Job title, skill or keyword
        </label>
        <input
          id="q"
          type="search"
          name="q"
          placeholder="Job title, skill or keyword — typos are fine"
          value={draft.q}
          maxLength={200}
          onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })}
        />
        <button type="submit">Search</button>
      </form>

      <div class="search-layout">
        <aside class="filters-column" aria-label="Filters">
          <button
            type="button"
            class="secondary filters-toggle"
            aria-expanded={filtersOpen ? "true" : "false"}
            aria-controls="filters-panel"
            onClick={() => setFiltersOpen(!filtersOpen)}
          >
            {filtersOpen ? "Hide filters" : "Filters"}
            {activeCount(state) ? ` (${activeCount(state)})` : ""}
          </button>
          <div id="filters-panel" class={filtersOpen ? "filters open" : "filters"}>
            <Filters state={state} draft={draft} setDraft={setDraft} apply={apply} toggleSkill={toggleSkill} />
            {answer && <Facets answer={answer} state={state} apply={apply} toggleSkill={toggleSkill} />}
          </div>
        </aside>

        <section class="results-column" aria-labelledby="results-heading" aria-busy={loading ? "true" : "false"}>
          <ResultsHeader state={state} answer={answer} loading={loading} apply={apply} />
          <ActiveFilters state={state} apply={apply} toggleSkill={toggleSkill} />
          {loading && <Loading>Searching…</Loading>}
          <ErrorMessage error={error} retry={() => setAttempt(attempt + 1)} />
          {answer && !error && (
            <div class={loading ? "stale" : ""}>
              <Results answer={answer} state={state} />
              <Pages answer={answer} state={state} apply={apply} />
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function activeCount(state) {
  return [state.location, state.remote, state.salary_min, state.since].filter(Boolean).length + state.skills.length;
}

function Filters({ state, draft, setDraft, apply, toggleSkill }) {
  const sinceChoices = SINCE_CHOICES.map(([days, label]) => [daysAgo(days), label]);
  const custom = state.since && !sinceChoices.some(([value]) => value === state.since);
  return (
    <div class="filter-fields">
      <h2 class="panel-heading">Filters</h2>
      <div class="field">
        <label for="location">Location</label>
        <input
          id="location"
          type="text"
          placeholder="City, country or code"
          value={draft.location}
          maxLength={100}
          onInput={(e) => setDraft({ ...draft, location: e.currentTarget.value })}
          onChange={(e) => apply({ location: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="remote">Workplace</label>
        <select id="remote" value={state.remote} onChange={(e) => apply({ remote: e.currentTarget.value })}>
          <option value="">Any</option>
          {WORKPLACE_CHOICES.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
          <option value="false">Hybrid or on-site</option>
        </select>
      </div>
      <div class="field">
        <label for="salary_min">Minimum salary (EUR a year)</label>
        <input
          id="salary_min"
          type="number"
          inputMode="numeric"
          min="0"
          step="1000"
          placeholder="e.g. 50000"
          value={draft.salary_min}
          onInput={(e) => setDraft({ ...draft, salary_min: e.currentTarget.value })}
          onChange={(e) => apply({ salary_min: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="since">Posted</label>
        <select id="since" value={state.since} onChange={(e) => apply({ since: e.currentTarget.value })}>
          <option value="">Any time</option>
          {sinceChoices.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
          {custom && <option value={state.since}>Since {date(state.since)}</option>}
        </select>
      </div>
      <div class="field">
        <SkillPicker id="skill-filter" label="Skills (all required)" exclude={state.skills} onPick={toggleSkill} />
        {state.skills.length > 0 && (
          <ul class="chips" aria-label="Required skills">
            {state.skills.map((skill) => (
              <li>
                <button type="button" class="chip removable" onClick={() => toggleSkill(skill)} aria-label={`Remove skill ${skill}`}>
                  {skill} <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function Facets({ answer, state, apply, toggleSkill }) {
  const facets = answer.facets || {};
  const workplaces = WORKPLACE_CHOICES.filter(([value]) => facets.remote?.[value]);
  return (
    <div class="facets">
      {workplaces.length > 0 && (
        <FacetGroup title="Workplace">
          {workplaces.map(([value, label]) => (
            <FacetButton
              label={label}
              count={facets.remote[value]}
              pressed={state.remote === value}
              onClick={() => apply({ remote: state.remote === value ? "" : value })}
            />
          ))}
        </FacetGroup>
      )}
      {facets.skills?.length > 0 && (
        <FacetGroup title="Skills">
          {facets.skills.map(([skill, count]) => (
            <FacetButton label={skill} count={count} pressed={state.skills.includes(skill)} onClick={() => toggleSkill(skill)} />
          ))}
        </FacetGroup>
      )}
      {facets.location?.length > 0 && (
        <FacetGroup title="Location">
          {facets.location.map(([value, count]) => (
            <FacetButton
              label={placeName(value)}
              count={count}
              pressed={state.location === value}
              onClick={() => apply({ location: state.location === value ? "" : value })}
            />
          ))}
        </FacetGroup>
      )}
    </div>
  );
}

function FacetGroup({ title, children }) {
  const id = `facet-${title.toLowerCase()}`;
  return (
    <div class="facet-group" role="group" aria-labelledby={id}>
      <h2 id={id} class="panel-heading">
        {title}
      </h2>
      <ul class="facet-list">{children.map((child) => <li>{child}</li>)}</ul>
    </div>
  );
}

function FacetButton({ label, count, pressed, onClick }) {
  return (
    <button type="button" class="facet" aria-pressed={pressed ? "true" : "false"} onClick={onClick}>
      <span class="facet-label">{label}</span>
      <span class="facet-count" aria-label={`${number(count)} jobs`}>
        {number(count)}
      </span>
    </button>
  );
}

function ResultsHeader({ state, answer, loading, apply }) {
  const { user } = useStore(sessionStore);
  const [saved, setSaved] = useState(null);
  const [saveError, setSaveError] = useState(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setSaved(null);
    setSaveError(null);
  }, [searchQuery({ ...state, page: 1 })]);

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const search = { keywords: state.q.trim() };
      if (state.location) search.location = state.location;
      if (state.remote) search.remote = state.remote === "false" ? false : state.remote;
      if (state.salary_min) search.salary_min = Number(state.salary_min);
      if (state.skills.length) search.skills = state.skills;
      await authed("/subscriptions", { method: "POST", body: { search } });
      setSaved("Alert saved: you will be told when a new job matches this search.");
    } catch (error) {
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  const sort = state.sort || answer?.sort || (state.q ? "relevance" : "date");
  return (
    <div class="results-header">
      <div class="results-summary">
        <h2 id="results-heading" aria-live="polite">
          {answer ? `${plural(answer.total, "job")}${answer.q ? ` for “${answer.q}”` : ""}` : loading ? "Searching…" : "Jobs"}
        </h2>
        {state.q && (
          <Link class="small-link" href={`/insights${query({ q: state.q })}`}>
            Insights for “{state.q}”
          </Link>
        )}
      </div>
      <div class="results-tools">
        <label for="sort">Sort by</label>
        <select id="sort" value={sort} onChange={(e) => apply({ sort: e.currentTarget.value })}>
          <option value="relevance" disabled={!state.q}>
            Relevance
          </option>
          <option value="date">Newest first</option>
        </select>
        {user ? (
          <button type="button" class="secondary" onClick={save} disabled={!state.q.trim() || saving}
            title={state.q.trim() ? undefined : "Type keywords first: an alert needs them"}>
            {saving ? "Saving…" : "Save as alert"}
          </button>
        ) : (
          <Link class="small-link" href="/account">
            Log in to save this search as an alert
          </Link>
        )}
      </div>
      {!state.q.trim() && user && <p class="muted small">Alerts need keywords: type some to save this search.</p>}
      {saved && (
        <p class="success" role="status">
          {saved}
        </p>
      )}
      <ErrorMessage error={saveError} />
    </div>
  );
}

function ActiveFilters({ state, apply, toggleSkill }) {
  const chips = [];
  if (state.location) chips.push([`Location: ${placeName(state.location)}`, () => apply({ location: "" })]);
  if (state.remote) {
    const label = state.remote === "false" ? "Hybrid or on-site" : workplace(state.remote) || state.remote;
    chips.push([`Workplace: ${label}`, () => apply({ remote: "" })]);
  }
  if (state.salary_min) chips.push([`From €${number(Number(state.salary_min))} a year`, () => apply({ salary_min: "" })]);
  if (state.since) chips.push([`Posted since ${date(state.since)}`, () => apply({ since: "" })]);
  state.skills.forEach((skill) => chips.push([`Skill: ${skill}`, () => toggleSkill(skill)]));
  if (!chips.length) return null;
  return (
    <ul class="chips active-filters" aria-label="Active filters">
      {chips.map(([label, remove]) => (
        <li>
          <button type="button" class="chip removable" onClick={remove} aria-label={`Remove filter ${label}`}>
            {label} <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
      <li>
        <button type="button" class="link" onClick={() => apply({ location: "", remote: "", salary_min: "", since: "", skills: [] })}>
          Clear all
        </button>
      </li>
    </ul>
  );
}

function Results({ answer, state }) {
  if (!answer.results.length) {
    return (
      <div class="empty">
        <p>No open jobs match{state.q ? ` “${state.q}”` : ""} with these filters.</p>
        <p class="muted">Try fewer filters or other words.</p>
      </div>
    );
  }
  return (
    <ol class="results" start={(answer.page - 1) * answer.per_page + 1}>
      {answer.results.map((job) => (
        <li key={job.job_id}>
          <JobCard job={job} />
        </li>
      ))}
    </ol>
  );
}

export function SalaryLine({ job }) {
  const stated = statedSalary(job);
  const annual = annualSalary(job);
  if (!stated && !annual) return <p class="salary muted">Salary not stated</p>;
  return (
    <p class="salary">
      <span class="stated">{stated || annual}</span>
      {stated && annual && !statedIsAnnual(job) && <span class="annual"> ≈ {annual}</span>}
    </p>
  );
}

function JobCard({ job }) {
  const where = place(job);
  const kind = workplace(job.workplace);
  return (
    <article class="job-card" aria-labelledby={`job-${job.job_id}`}>
      <h3 id={`job-${job.job_id}`}>
        <Link href={`/job/${job.job_id}`}>{job.title}</Link>
      </h3>
      <p class="meta">
        <span class="company">{job.company}</span>
        {where && <span class="place">{where}</span>}
        {kind && <span class={`badge ${job.workplace}`}>{kind}</span>}
      </p>
      <SalaryLine job={job} />
      {job.skills?.length > 0 && (
        <ul class="chips skills" aria-label="Skills">
          {job.skills.slice(0, 10).map((skill) => (
            <li class="chip">{skill}</li>
          ))}
          {job.skills.length > 10 && <li class="chip muted">+{job.skills.length - 10} more</li>}
        </ul>
      )}
      <p class="seen muted">
        First seen <time datetime={job.first_seen || job.date_posted}>{ago(job.first_seen || job.date_posted)}</time>
        {job.n_sources > 1 ? ` · on ${job.n_sources} boards` : ""}
      </p>
    </article>
  );
}

function Pages({ answer, state, apply }) {
  const pages = Math.min(MAX_PAGE, Math.ceil(answer.total / answer.per_page));
  if (pages <= 1) return null;
  const go = (page) => {
    apply({ page });
    window.scrollTo(0, 0);
  };
  return (
    <nav class="pages" aria-label="Result pages">
      <button type="button" class="secondary" disabled={state.page <= 1} onClick={() => go(state.page - 1)}>
        ← Previous
      </button>
      <span>
        Page {number(state.page)} of {number(pages)}
      </span>
      <button type="button" class="secondary" disabled={state.page >= pages} onClick={() => go(state.page + 1)}>
        Next →
      </button>
    </nav>
  );
}
