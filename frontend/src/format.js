// How numbers, money, places and dates read on the page.

const PERIODS = {
  hour: "an hour", day: "a day", week: "a week", bi_week: "every two weeks",
  semi_month: "twice a month", month: "a month", year: "a year",
};
const WORKPLACES = { remote: "Remote", hybrid: "Hybrid", onsite: "On-site" };

const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

export const number = (value) => (value === null || value === undefined ? "—" : integer.format(value));
export const oneDecimal = (value) => (value === null || value === undefined ? "—" : decimal.format(value));
export const percent = (share) => (share === null || share === undefined ? "—" : `${decimal.format(share * 100)}%`);

function money(amount, currency) {
  try {
    return new Intl.NumberFormat("en-GB", {
      style: "currency", currency, maximumFractionDigits: amount < 1000 ? 2 : 0, minimumFractionDigits: 0,
    }).format(amount);
  } catch {
    return `${integer.format(amount)} ${currency}`;
  }
}

function range(low, high, currency) {
  if (low !== null && low !== undefined && high !== null && high !== undefined && low !== high) {
    return `${money(low, currency)}–${money(high, currency)}`;
  }
  return money(low ?? high, currency);
}

/** The salary as the posting stated it, e.g. "$40–$50 an hour"; null when it stated none. */
export function statedSalary(job) {
  const salary = job.salary && typeof job.salary === "object" ? job.salary : job;
  const low = salary.salary_min ?? salary.min;
  const high = salary.salary_max ?? salary.max;
  const currency = salary.salary_currency ?? salary.currency;
  const period = salary.salary_period ?? salary.period;
  if ((low === null || low === undefined) && (high === null || high === undefined)) return null;
  if (!currency) return null;
  return `${range(low, high, currency)} ${PERIODS[period] || ""}`.trim();
}

/** The annualized base-currency figure, e.g. "€83,200–€104,000 a year". */
export function annualSalary(job) {
  const salary = job.salary && typeof job.salary === "object" ? job.salary : job;
  const low = salary.annual_min;
  const high = salary.annual_max;
  if ((low === null || low === undefined) && (high === null || high === undefined)) return null;
  return `${range(low, high, salary.annual_currency || "EUR")} a year`;
}

/** True when the stated figure already is the annual one, so it need not be shown twice. */
export function statedIsAnnual(job) {
  const salary = job.salary && typeof job.salary === "object" ? job.salary : job;
  const period = salary.salary_period ?? salary.period;
  const currency = salary.salary_currency ?? salary.currency;
  return period === "year" && currency === (salary.annual_currency || "EUR");
}

export function place(job) {
  return job.location || [job.city, job.country].filter(Boolean).join(", ") || null;
}

export const workplace = (value) => WORKPLACES[value] || null;

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
});

const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

// A bare date (2025-11-24) is a calendar day, not midnight UTC shown in the reader's zone.
export const date = (iso) => (!iso ? "—" : /^\d{4}-\d{2}-\d{2}$/.test(iso) ? dayFormat.format(new Date(iso)) : dateFormat.format(new Date(iso)));
export const dateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : "—");

/** "today", "yesterday", "3 days ago", "5 weeks ago", or the date. */
export function ago(iso) {
  if (!iso) return "—";
  const days = Math.floor((Date.now() - new Date(iso).getTime()) / 86400000);
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  if (days < 14) return `${days} days ago`;
  if (days < 70) return `${Math.floor(days / 7)} weeks ago`;
  return `on ${date(iso)}`;
}

/** The UTC date `days` before today, as the API's `since` wants it. */
export function daysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

export const plural = (n, one, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;
