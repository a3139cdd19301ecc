// The skill names the type-ahead offers: the scraper's taxonomy (GET /skills), ranked by how
// many open jobs ask for each (GET /all-skills-by-demand). Fetched once per page load.
import { api } from "./api.js";

let loading = null;

export function loadSkills() {
  if (!loading) {
    loading = Promise.all([api("/skills"), api("/all-skills-by-demand").catch(() => ({}))])
      .then(([taxonomy, demand]) =>
        taxonomy.skills
          .map((skill) => ({
            name: skill.name,
            aliases: skill.aliases || [],
            category: skill.category || "",
            jobs: demand[skill.name] || 0,
          }))
          .sort((a, b) => b.jobs - a.jobs || a.name.localeCompare(b.name)),
      )
      .catch((error) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

const fold = (text) => text.trim().toLowerCase();

/** Skills whose name or an alias starts with the text come first, then those containing it. */
export function suggest(skills, text, exclude = [], limit = 8) {
  const wanted = fold(text);
  if (!wanted) return skills.filter((s) => !exclude.includes(s.name)).slice(0, limit);
  const starts = [];
  const contains = [];
  for (const skill of skills) {
    if (exclude.includes(skill.name)) continue;
    const spellings = [skill.name, ...skill.aliases].map(fold);
    if (spellings.some((s) => s.startsWith(wanted))) starts.push(skill);
    else if (spellings.some((s) => s.includes(wanted))) contains.push(skill);
    if (starts.length >= limit) break;
  }
  return [...starts, ...contains].slice(0, limit);
}

/** The canonical name for a typed spelling ("k8s" → "Kubernetes"), or null. */
export function canonical(skills, text) {
  const wanted = fold(text);
  const found = skills.find((s) => [s.name, ...s.aliases].some((spelling) => fold(spelling) === wanted));
  return found ? found.name : null;
}
