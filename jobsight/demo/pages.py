"""Demo HTML job pages: company career pages carrying schema.org JobPosting JSON-LD (in the
variants seen in the wild) and a rabota.md style board (Romanian listing and detail pages).

Pages wrap the job in realistic chrome (navigation, cookie banner, footer, "similar jobs"),
which scrapers must tell apart from the job itself.
"""
from __future__ import annotations

import html
import json
from datetime import timedelta

from jobsight.demo import catalog, links
from jobsight.demo.feeds import NotFound
from jobsight.demo.generate import EPOCH, NEVER, DemoWorld, Job

e = html.escape

_SCHEMA_TYPES = {"full_time": "FULL_TIME", "part_time": "PART_TIME", "contract": "CONTRACTOR",
                 "internship": "INTERN"}
_UNITS = {"year": "YEAR", "month": "MONTH", "hour": "HOUR"}


def _ld(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _chrome(title: str, company: catalog.Company, head: str, body: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{head}</head><body>"
        '<div id="cookie-banner" class="cookie-banner"><p>We use cookies and similar '
        'technologies to analyse traffic and improve your experience.</p>'
        "<button>Accept all</button><button>Settings</button></div>"
        f'<header><nav><a class="logo" href="/careers/{company.slug}/">{e(company.name)}</a>'
        '<a href="#">Product</a><a href="#">Customers</a><a href="#">Blog</a>'
        f'<a href="/careers/{company.slug}/">Careers</a></nav></header>'
        f"<main>{body}</main>"
        f"<footer><p>&copy; 2025 {e(company.name)}. All rights reserved.</p>"
        "<p>Powered by React and Next.js, hosted on Kubernetes.</p>"
        '<a href="#">Privacy</a> <a href="#">Imprint</a></footer></body></html>\n'
    )


def _company(world: DemoWorld, slug: str) -> catalog.Company:
    if slug not in world.boards("jsonld"):
        raise NotFound("<h1>Page not found</h1>")
    return catalog.COMPANY_BY_SLUG[slug]


def render_careers_index(world: DemoWorld, base: str, slug: str, query: dict) -> str:
    company = _company(world, slug)
    jobs = world.visible("jsonld", slug)
    items = "".join(
        f'<li class="job"><a href="/careers/{slug}/jobs/{links.careers_id(j)}">{e(j.title)}</a>'
        f' <span class="location">{e(j.location)}</span></li>' for j in jobs)
    body = (f"<h1>Careers at {e(company.name)}</h1><p>We're hiring! {len(jobs)} open "
            f'positions.</p><ul class="jobs">{items}</ul>')
    return _chrome(f"Careers – {company.name}", company, "", body)


def render_careers_job(world: DemoWorld, base: str, slug: str, jid: int, query: dict) -> str:
    company = _company(world, slug)
    index = jid - 100_000
    if not 0 <= index < world.count:
        raise NotFound("<h1>This position is no longer available</h1>")
    job = world.job(index)
    if ("jsonld", slug) not in job.boards or not job.is_open(world.day):
        raise NotFound("<h1>This position is no longer available</h1>")
    r = job.rng("jsonld")
    url = links.careers_url(base, job)
    org = {"@type": "Organization", "name": company.name, "sameAs": f"{base}/careers/{slug}/",
           "logo": f"{base}/careers/{slug}/logo.png"}
    posting: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description_html,
        "datePosted": job.posted_at.date().isoformat() if r.random() < 0.5
        else job.posted_at.isoformat(timespec="seconds"),
        "hiringOrganization": org,
        "url": url,
    }
    if job.close_day < NEVER:
        posting["validThrough"] = (EPOCH + timedelta(days=job.close_day)).isoformat()
    etype = _SCHEMA_TYPES[job.employment_type]
    posting["employmentType"] = [etype, "TEMPORARY"] if etype == "CONTRACTOR" and r.random() < 0.5 \
        else ([etype] if r.random() < 0.3 else etype)
    if job.requisition_id is not None:
        posting["identifier"] = {"@type": "PropertyValue", "name": company.name,
                                 "value": job.requisition_id}
    address = {"@type": "PostalAddress", "addressLocality": job.city,
               "addressCountry": job.country}
    if job.region:
        address["addressRegion"] = job.region
    if job.remote:
        posting["jobLocationType"] = "TELECOMMUTE"
        scope = job.remote_scope or "WORLD"
        posting["applicantLocationRequirements"] = (
            {"@type": "Country", "name": catalog.REMOTE_SCOPES[scope][2]})
    else:
        posting["jobLocation"] = {"@type": "Place", "address": address}
    if job.pay is not None:
        value: dict = {"@type": "QuantitativeValue", "unitText": _UNITS[job.pay.period]}
        if job.pay.max is None:
            value["value"] = job.pay.min
        else:
            value["minValue"], value["maxValue"] = job.pay.min, job.pay.max
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": job.pay.currency,
                                 "value": value}
    if job.experience_years and r.random() < 0.6:
        posting["experienceRequirements"] = {"@type": "OccupationalExperienceRequirements",
                                             "monthsOfExperience": job.experience_years * 12}
    if r.random() < 0.5:
        posting["skills"] = ", ".join(job.mentions)

    variant = r.randrange(5)
    org_id = f"{base}/careers/{slug}/#organization"
    if variant == 1:
        data: object = [posting, {"@context": "https://schema.org", "@type": "BreadcrumbList",
                                  "itemListElement": [{"@type": "ListItem", "position": 1,
                                                       "name": "Careers",
                                                       "item": f"{base}/careers/{slug}/"}]}]
    elif variant == 2:
        posting.pop("@context")
        posting["hiringOrganization"] = {"@id": org_id}
        data = {"@context": "https://schema.org",
                "@graph": [{**org, "@id": org_id}, posting]}
    elif variant == 3:
        posting["hiringOrganization"] = company.name
        data = posting
    elif variant == 4:
        posting["description"] = html.escape(job.description_html)
        data = posting
    else:
        data = posting
    website = {"@context": "https://schema.org", "@type": "WebSite", "name": company.name,
               "url": f"{base}/careers/{slug}/"}
    others = [j for j in world.visible("jsonld", slug) if j.index != job.index][:4]
    aside = "".join(f'<li><a href="/careers/{slug}/jobs/{links.careers_id(o)}">{e(o.title)}</a></li>'
                    for o in others)
    body = (f'<article class="job"><h1>{e(job.title)}</h1>'
            f'<p class="meta">{e(job.location)} · {e(job.team)}</p>'
            f'<div class="description">{job.description_html}</div>'
            f'<a class="apply" href="{e(url)}/apply">Apply now</a></article>'
            f'<aside class="other-jobs"><h2>Other open roles</h2><ul>{aside}</ul></aside>')
    return _chrome(f"{job.title} – {company.name}", company, _ld(website) + _ld(data), body)


# -- rabota.md --------------------------------------------------------------------------------

RABOTA_PAGE_SIZE = 20


def _space(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def rabota_salary(job: Job) -> str:
    pay = job.pay
    if pay is None:
        return "Salariu negociabil"
    if pay.max is None:
        return f"de la {_space(pay.min)} {pay.currency}"
    return f"{_space(pay.min)} - {_space(pay.max)} {pay.currency}"


def rabota_experience(job: Job) -> str:
    years = job.experience_years
    if years == 0:
        return "fără experiență"
    return "de la 1 an" if years == 1 else f"de la {years} ani"


def _card(base: str, job: Job) -> str:
    href = links.posting_url("", job, "rabota")  # rabota links are site-relative
    return (f'<div class="vacancyCardItem previewCard" data-id="{links.rabota_id(job)}">'
            f'<div class="vacancyCardItem__title"><a class="vacancyShowPopup" href="{href}">'
            f"{e(job.title)}</a></div>"
            f'<div class="vacancyCardItem__company"><a href="/rabota/ro/companies/'
            f'{job.company.slug}">{e(job.company.name)}</a></div>'
            f'<div class="vacancyCardItem__location">{e(job.city)}</div>'
            f'<div class="vacancyCardItem__salary">{e(rabota_salary(job))}</div></div>')


def _rabota_page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="ro"><head><meta charset="utf-8">'
        f"<title>{e(title)} | Rabota.md</title></head><body>"
        '<header class="site-header"><a href="/rabota/ro">Rabota.md</a>'
        '<a href="/rabota/ro/vacancies/category/it/1">Locuri de muncă IT</a>'
        '<a href="#">Companii</a><a href="#">Autentificare</a></header>'
        f'<div class="container">{body}</div>'
        '<footer><p>© 2025 Rabota.md – Locuri de muncă în Moldova</p></footer>'
        "</body></html>\n")


def render_rabota_listing(world: DemoWorld, base: str, page: int, query: dict) -> str:
    jobs = world.visible("rabota")
    page = max(page, 1)
    chunk = jobs[(page - 1) * RABOTA_PAGE_SIZE: page * RABOTA_PAGE_SIZE]
    # Promoted vacancies repeat on every page, outside the list proper.
    vip = "".join(_card(base, j) for j in jobs[:3])
    cards = "".join(_card(base, j) for j in chunk)
    pages = -(-len(jobs) // RABOTA_PAGE_SIZE)
    pager = "".join(f'<a href="/rabota/ro/vacancies/category/it/{n}">{n}</a>'
                    for n in range(1, pages + 1))
    body = (f'<h1>Locuri de muncă IT</h1><div class="vip-vacancies">{vip}</div>'
            f'<div class="vacancy-list">{cards}</div><div class="pagination">{pager}</div>')
    return _rabota_page("Locuri de muncă IT", body)


def render_rabota_detail(world: DemoWorld, base: str, vid: int, query: dict) -> str:
    index = vid - 80_000
    if not 0 <= index < world.count:
        raise NotFound(_rabota_page("Pagina nu a fost găsită", "<h1>404</h1>"))
    job = world.job(index)
    if ("rabota", "rabota") not in job.boards or not job.is_open(world.day):
        raise NotFound(_rabota_page("Pagina nu a fost găsită", "<h1>Postul nu mai este activ</h1>"))
    schedule = {"full_time": "Program complet", "part_time": "Program parțial",
                "contract": "Program flexibil", "internship": "Program parțial"}[job.employment_type]
    where = "Remote" if job.remote else job.city
    rows = (("Oraș", where), ("Experiența de munca", rabota_experience(job)),
            ("Salariu", rabota_salary(job)), ("Program de muncă", schedule),
            ("Studii", "Superioare"))
    summary = "".join(f'<div class="summary-row"><span>{e(k)}</span><span>{e(v)}</span></div>'
                      for k, v in rows)
    similar = [j for j in world.visible("rabota") if j.index != job.index][:4]
    body = (
        '<div class="vc_detail"><div class="top-info">'
        f"<h1>{e(job.title)}</h1>"
        f'<span class="company-name"><a href="/rabota/ro/companies/{job.company.slug}">'
        f"{e(job.company.name)}</a></span>"
        f'<span class="vacancy-id">ID: {links.rabota_id(job)} · Actualizat '
        f'<span>{job.posted_at.strftime("%d.%m.%Y")}</span></span></div>'
        f'<div class="summary">{summary}</div>'
        f'<div class="vacancy-content">{job.description_html}</div>'
        '<a class="apply-btn" href="#">Aplică</a></div>'
        '<div class="similar-vacancies"><h3>Locuri de muncă similare</h3>'
        + "".join(_card(base, j) for j in similar) + "</div>")
    return _rabota_page(job.title, body)
