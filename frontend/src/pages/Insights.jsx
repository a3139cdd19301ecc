// Insights for keywords (/insights?q=data+engineer) and a skill's weekly trend (&skill=Python),
// each chart from one of the gateway's insight routes, with its sample size and its numbers.
import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api.js";
import { ChartView, COLORS } from "../components/Chart.jsx";
import { SkillPicker } from "../components/SkillPicker.jsx";
import { ErrorMessage, Loading } from "../components/Status.jsx";
import { date, number, percent, plural } from "../format.js";
import { Link, navigate } from "../router.jsx";
import { authed, sessionStore } from "../session.js";
import { useStore } from "../store.js";

const TOP = 15;
const WORKPLACE_LABELS = { remote: "Remote", hybrid: "Hybrid", onsite: "On-site", unknown: "Not stated" };
const WORKPLACE_COLORS = { remote: COLORS.primary, hybrid: COLORS.teal, onsite: COLORS.amber, unknown: COLORS.grey };
const euro = new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
// Axis labels stay short enough for a phone's width: €120K.
const euroShort = new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR", notation: "compact" });

function useAnswer(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ data: null, error: null, loading: true });
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, attempt]);
  return { ...state, retry: () => setAttempt(attempt + 1) };
}

export function InsightsPage({ params }) {
  const q = (params.get("q") || "").trim();
  const chosenSkill = (params.get("skill") || "").trim();
  const [draft, setDraft] = useState(q);
  const [topSkill, setTopSkill] = useState("");

  useEffect(() => {
    setDraft(q);
    setTopSkill("");
    document.title = q ? `Insights for ${q} – Jobsight` : "Insights – Jobsight";
  }, [q]);

  const submit = (event) => {
    event.preventDefault();
    navigate(`/insights${query({ q: draft.trim(), skill: chosenSkill })}`);
  };
  const skill = chosenSkill || topSkill;
  // Follows a count of open jobs in every sample sentence: "14 open jobs matching “data engineer”".
  const scope = q ? ` matching “${q}”` : "";

  return (
    <div class="insights-page">
      <h1 tabindex="-1">Insights{q ? ` for “${q}”` : ""}</h1>
      <form class="search-box" role="search" onSubmit={submit}>
        <label for="insight-q" class="visually-hidden">
          Job title keywords
        </label>
        <input
          id="insight-q"
          type="search"
          placeholder="Job title keywords, e.g. data engineer"
          value={draft}
          maxLength={200}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">Show insights</button>
      </form>
      <p class="muted">
        What {q ? `open jobs matching “${q}”` : "all open jobs"} ask for and offer.{" "}
        {q && <Link href={`/${query({ q })}`}>Search these jobs</Link>}
      </p>
      <div class="cards">
        <DemandCard q={q} scope={scope} onTop={setTopSkill} />
        {q ? (
          <SalaryCard q={q} scope={scope} />
        ) : (
          <section class="card" aria-labelledby="insight-salary-title">
            <h2 id="insight-salary-title">Salary range</h2>
            <p class="empty">Type job title keywords above to see the salaries their jobs state.</p>
          </section>
        )}
        <ExperienceCard q={q} scope={scope} />
        <RemoteCard q={q} scope={scope} />
        <CompaniesCard q={q} scope={scope} />
        {q && <CoSkillsCard q={q} scope={scope} />}
        <TrendCard skill={skill} q={q} />
      </div>
    </div>
  );
}

function Card({ id, title, answer, sample, children, wide = false, controls = null }) {
  return (
    <section id={id} class={wide ? "card wide" : "card"} aria-labelledby={`${id}-title`} aria-busy={answer.loading ? "true" : "false"}>
      <h2 id={`${id}-title`}>{title}</h2>
      {controls}
      {answer.loading && <Loading>Loading…</Loading>}
      <ErrorMessage error={answer.error} retry={answer.retry} />
      {answer.data && (
        <>
          <p class="sample" data-sample={sample?.size ?? ""}>
            {sample?.text}
          </p>
          {children}
        </>
      )}
    </section>
  );
}

function Numbers({ caption, columns, rows }) {
  return (
    <details class="numbers">
      <summary>Show the numbers</summary>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th scope="col">{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, ...cells]) => (
              <tr>
                <th scope="row">{label}</th>
                {cells.map(([raw, shown]) => (
                  <td data-value={raw === null || raw === undefined ? "" : raw}>{shown}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function Empty({ children }) {
  return <p class="empty">{children}</p>;
}

const horizontal = (formatter = number) => ({
  indexAxis: "y",
  plugins: {
    legend: { display: false },
    tooltip: { callbacks: { label: (item) => ` ${formatter(item.raw)}` } },
  },
  scales: { x: { beginAtZero: true, ticks: { precision: 0, callback: (value) => formatter(value) } }, y: { ticks: { autoSkip: false } } },
});

function DemandCard({ q, scope, onTop }) {
  const answer = useAnswer(async () => {
    if (q) {
      const [pairs, co] = await Promise.all([
        api(`/generate-insight-skills-by-demand/${encodeURIComponent(q)}`),
        api(`/insights/co-skills${query({ keywords: q, limit: 1 })}`),
      ]);
      return { rows: pairs.slice(0, TOP), sample: co.sample_size };
    }
    const [all, share] = await Promise.all([api("/all-skills-by-demand"), api("/insights/remote-share")]);
    const rows = Object.entries(all).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP);
    return { rows, sample: share.sample_size };
  }, [q]);
  useEffect(() => {
    if (answer.data?.rows.length) onTop(answer.data.rows[0][0]);
  }, [answer.data]);
  const rows = answer.data?.rows || [];
  return (
    <Card
      id="insight-demand"
      title="Skills in demand"
      answer={answer}
      wide
      sample={answer.data && { size: answer.data.sample, text: `How many of the ${plural(answer.data.sample, "open job")}${scope} ask for each skill.` }}
    >
      {rows.length ? (
        <>
          <ChartView
            type="bar"
            tall
            label={`Bar chart of the ${rows.length} skills most asked for: ${rows.slice(0, 3).map(([s, n]) => `${s} ${n}`).join(", ")}…`}
            data={{ labels: rows.map(([skill]) => skill), datasets: [{ label: "Open jobs", data: rows.map(([, n]) => n), backgroundColor: COLORS.primary }] }}
            options={horizontal()}
          />
          <Numbers caption="Open jobs per skill" columns={["Skill", "Open jobs"]} rows={rows.map(([skill, n]) => [skill, [n, number(n)]])} />
        </>
      ) : (
        <Empty>No open job matches these words yet.</Empty>
      )}
    </Card>
  );
}

function SalaryCard({ q, scope }) {
  const answer = useAnswer(() => api(`/insights/salary${query({ title: q })}`), [q]);
  const data = answer.data;
  const p = data?.percentiles || {};
  const names = ["p25", "p50", "p75", "p90"];
  const known = data && data.sample_size > 0 && names.every((name) => p[name] !== null && p[name] !== undefined);
  const sample = data && {
    size: data.sample_size,
    text: `${number(data.sample_size)} of the ${plural(data.open_jobs, "open job")}${scope} (${percent(data.disclosure_share)}) state a salary; annual, in EUR.`,
  };
  return (
    <Card id="insight-salary" title="Salary range" answer={answer} sample={sample}>
      {known ? (
        <>
          <ChartView
            type="bar"
            label={`Salary range: a quarter earn under ${euro.format(p.p25)}, half under ${euro.format(p.p50)}, three quarters under ${euro.format(p.p75)}, nine in ten under ${euro.format(p.p90)}.`}
            data={{
              labels: ["Annual salary"],
              datasets: [
                { label: "25th–50th percentile", data: [[p.p25, p.p50]], backgroundColor: COLORS.light, grouped: false },
                { label: "50th–75th percentile", data: [[p.p50, p.p75]], backgroundColor: COLORS.primary, grouped: false },
                { label: "75th–90th percentile", data: [[p.p75, p.p90]], backgroundColor: COLORS.violet, grouped: false },
              ],
            }}
            options={{
              indexAxis: "y",
              plugins: {
                legend: { position: "bottom" },
                tooltip: { callbacks: { label: (item) => ` ${item.dataset.label}: ${euro.format(item.raw[0])} – ${euro.format(item.raw[1])}` } },
              },
              // From a little below the 25th percentile: from zero the range would be a sliver.
              scales: { x: { min: Math.max(0, Math.floor((p.p25 * 0.8) / 10000) * 10000), ticks: { maxTicksLimit: 6, callback: (value) => euroShort.format(value) } } },
            }}
          />
          <Numbers
            caption="Salary percentiles, annual EUR"
            columns={["Percentile", "Annual salary (EUR)"]}
            rows={names.map((name) => [`${name.slice(1)}th percentile`, [p[name], euro.format(p[name])]])}
          />
        </>
      ) : (
        <Empty>None of these jobs states a salary.</Empty>
      )}
    </Card>
  );
}

function ExperienceCard({ q, scope }) {
  const answer = useAnswer(() => api(`/insights/experience${query({ keywords: q })}`), [q]);
  const data = answer.data;
  const buckets = data?.buckets || [];
  const stated = buckets.filter((b) => b.years !== "unstated");
  const sample = data && {
    size: data.sample_size,
    text: `${plural(data.sample_size, "open job")}${scope}; ${number(data.stated)} of them state the years of experience asked.`,
  };
  return (
    <Card id="insight-experience" title="Experience asked" answer={answer} sample={sample}>
      {data?.stated ? (
        <ChartView
          type="bar"
          label={`Histogram of years of experience asked: ${stated.map((b) => `${b.years} years ${b.jobs}`).join(", ")}.`}
          data={{ labels: stated.map((b) => `${b.years} yrs`), datasets: [{ label: "Open jobs", data: stated.map((b) => b.jobs), backgroundColor: COLORS.teal, barPercentage: 1, categoryPercentage: 0.95 }] }}
          options={{
            plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => ` ${number(item.raw)} jobs` } } },
            scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: (value) => number(value) } } },
          }}
        />
      ) : (
        <Empty>None of these jobs states the experience it asks for.</Empty>
      )}
      {buckets.length > 0 && (
        <Numbers
          caption="Open jobs per years of experience asked"
          columns={["Years asked", "Open jobs", "Share"]}
          rows={buckets.map((b) => [b.years === "unstated" ? "Not stated" : b.years, [b.jobs, number(b.jobs)], [b.share, percent(b.share)]])}
        />
      )}
    </Card>
  );
}

function RemoteCard({ q, scope }) {
  const answer = useAnswer(() => api(`/insights/remote-share${query({ keywords: q })}`), [q]);
  const data = answer.data;
  const entries = Object.entries(data?.workplaces || {});
  const sample = data && { size: data.sample_size, text: `${plural(data.sample_size, "open job")}${scope}.` };
  return (
    <Card id="insight-remote" title="Remote, hybrid or on-site" answer={answer} sample={sample}>
      {data?.sample_size ? (
        <ChartView
          type="doughnut"
          label={`Doughnut chart of workplaces: ${entries.map(([w, v]) => `${WORKPLACE_LABELS[w] || w} ${percent(v.share)}`).join(", ")}.`}
          data={{
            labels: entries.map(([w]) => WORKPLACE_LABELS[w] || w),
            datasets: [{ data: entries.map(([, v]) => v.jobs), backgroundColor: entries.map(([w]) => WORKPLACE_COLORS[w] || COLORS.grey) }],
          }}
          options={{
            plugins: {
              legend: { position: "right" },
              tooltip: { callbacks: { label: (item) => ` ${item.label}: ${number(item.raw)} (${percent(entries[item.dataIndex][1].share)})` } },
            },
          }}
        />
      ) : (
        <Empty>No open job matches these words yet.</Empty>
      )}
      {entries.length > 0 && (
        <Numbers
          caption="Open jobs per workplace"
          columns={["Workplace", "Open jobs", "Share"]}
          rows={entries.map(([w, v]) => [WORKPLACE_LABELS[w] || w, [v.jobs, number(v.jobs)], [v.share, percent(v.share)]])}
        />
      )}
    </Card>
  );
}

function CoSkillsCard({ q, scope }) {
  const answer = useAnswer(() => api(`/insights/co-skills${query({ keywords: q, limit: TOP })}`), [q]);
  const data = answer.data;
  const skills = data?.skills || [];
  const sample = data && { size: data.sample_size, text: `Share of the ${plural(data.sample_size, "open job")}${scope} that ask for each skill.` };
  return (
    <Card id="insight-coskills" title="Skills that come together" answer={answer} sample={sample} wide>
      {skills.length ? (
        <>
          <ChartView
            type="bar"
            tall
            label={`Bar chart of how often skills come with these jobs: ${skills.slice(0, 3).map((s) => `${s.skill} ${percent(s.share)}`).join(", ")}…`}
            data={{ labels: skills.map((s) => s.skill), datasets: [{ label: "Share of jobs", data: skills.map((s) => (s.share || 0) * 100), backgroundColor: COLORS.violet }] }}
            options={{
              ...horizontal((value) => `${number(value)}%`),
              plugins: {
                legend: { display: false },
                tooltip: { callbacks: { label: (item) => ` ${percent(skills[item.dataIndex].share)} (${number(skills[item.dataIndex].jobs)} jobs)` } },
              },
            }}
          />
          <Numbers
            caption="Skills asked together"
            columns={["Skill", "Open jobs", "Share"]}
            rows={skills.map((s) => [s.skill, [s.jobs, number(s.jobs)], [s.share, percent(s.share)]])}
          />
        </>
      ) : (
        <Empty>No skills are named in these jobs.</Empty>
      )}
    </Card>
  );
}

function CompaniesCard({ q, scope }) {
  const answer = useAnswer(() => api(`/insights/companies${query({ keywords: q, limit: 10 })}`), [q]);
  const data = answer.data;
  const companies = data?.companies || [];
  const sample = data && { size: data.sample_size, text: `Companies with the most of the ${plural(data.sample_size, "open job")}${scope}.` };
  return (
    <Card id="insight-companies" title="Companies hiring most" answer={answer} sample={sample}>
      {companies.length ? (
        <>
          <ChartView
            type="bar"
            tall
            label={`Bar chart of the companies hiring most: ${companies.slice(0, 3).map((c) => `${c.company} ${c.open_jobs}`).join(", ")}…`}
            data={{ labels: companies.map((c) => c.company), datasets: [{ label: "Open jobs", data: companies.map((c) => c.open_jobs), backgroundColor: COLORS.amber }] }}
            options={horizontal()}
          />
          <Numbers
            caption="Open jobs per company"
            columns={["Company", "Open jobs", "Share"]}
            rows={companies.map((c) => [c.company, [c.open_jobs, number(c.open_jobs)], [c.share, percent(c.share)]])}
          />
        </>
      ) : (
        <Empty>No company has a matching open job.</Empty>
      )}
    </Card>
  );
}

function TrendCard({ skill, q }) {
  const { user } = useStore(sessionStore);
  const [subscribed, setSubscribed] = useState("");
  const [subscribeError, setSubscribeError] = useState(null);
  const answer = useAnswer(
    () => (skill ? api(`/insights/skills/${encodeURIComponent(skill)}/trend?weeks=12`) : new Promise(() => {})),
    [skill],
  );
  useEffect(() => {
    setSubscribed("");
    setSubscribeError(null);
  }, [skill]);
  const weeks = answer.data?.weeks || [];
  const choose = (name) => navigate(`/insights${query({ q, skill: name })}`);
  const subscribe = async () => {
    setSubscribeError(null);
    try {
      const result = await authed("/subscriptions", { method: "POST", body: { skill } });
      setSubscribed(result?.msg === "Already subscribed" ? `You already get alerts for ${skill}.` : `You will get alerts for new ${skill} jobs.`);
    } catch (error) {
      setSubscribeError(error);
    }
  };
  const sample = answer.data && {
    size: answer.data.sample_size,
    text: `${plural(answer.data.sample_size, "job")} asking for ${skill} first seen in the last ${weeks.length} weeks (open or closed since).`,
  };
  const controls = (
    <div class="card-controls">
      <SkillPicker id="trend-skill" label={skill ? "Show another skill" : "Skill"} exclude={skill ? [skill] : []} onPick={choose} placeholder="e.g. Kubernetes" />
      {user && skill && (
        <button type="button" class="secondary" onClick={subscribe}>
          Get alerts for {skill}
        </button>
      )}
      {subscribed && (
        <p class="success" role="status">
          {subscribed}
        </p>
      )}
      <ErrorMessage error={subscribeError} />
    </div>
  );
  return (
    <Card id="insight-trend" title={skill ? `Weekly trend: ${skill}` : "Weekly trend of a skill"} answer={skill ? answer : { loading: false }} sample={sample} wide controls={controls}>
      <ChartView
        type="line"
        label={`Line chart of new ${skill} jobs per week: ${weeks.map((w) => `${date(w.week)} ${w.new_jobs}`).join(", ")}.`}
        data={{
          labels: weeks.map((w) => date(w.week)),
          datasets: [{ label: `New ${skill} jobs`, data: weeks.map((w) => w.new_jobs), borderColor: COLORS.primary, backgroundColor: COLORS.primary, tension: 0.2 }],
        }}
        options={{
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => ` ${number(item.raw)} new jobs` } } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        }}
      />
      <Numbers
        caption={`New ${skill} jobs per week`}
        columns={["Week of", "New jobs"]}
        rows={weeks.map((w) => [date(w.week), [w.new_jobs, number(w.new_jobs)]])}
      />
    </Card>
  );
}
