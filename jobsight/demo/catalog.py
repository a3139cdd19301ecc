"""Static reference data the demo world draws from: fictional companies, roles and their skill
pools, skill aliases, cities, and the phrases descriptions are assembled from.

Everything here is fixed (independent of the world's seed) so that the list of demo sources,
which names companies and their boards, is the same for every seed.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class Company:
    name: str
    slug: str
    country: str  # HQ, ISO 3166-1 alpha-2
    ats: str | None  # greenhouse | lever | ashby | None: where its own postings live
    careers: bool  # publishes JSON-LD career pages on /careers/<slug>/
    weight: float  # relative hiring volume
    offices: tuple[tuple[str, str | None], ...] = ()  # (city, region) of its offices in its HQ country


# "Name|HQ": roughly the spread of employers a European/US aggregator sees.
_COMPANY_ROWS = """
Acme Analytics|US Bluefin Labs|US Northwind Cloud|US Brightpath Health|US Cobalt Robotics|US
Lumen Payments|US Harborview Data|US Quillstack|US Redwood Logistics|US Stratus Metrics|US
Tidewater Software|US Vantage Grid|US Wildflower AI|US Keystone Ledger|US Summit Genomics|US
Pioneer Freight|US Orbital Insights|US Maple Street Media|US Cascade Security|US Foxglove Games|US
Greenline Energy|US Ironclad Systems|US Juniper Retail|US Kestrel Mobility|US Lattice Biotech|US
Meridian Insurance|US Nimbus Devices|US Overland Travel|US Paperkite|US Quarry Capital|US
Riverbend Learning|US Sable Commerce|US Trellis HR|US Umbra Networks|US Verity Legal|US
Thames Digital|GB Albion Fintech|GB Kingsway Health|GB Greenwich Labs|GB Soho Creative|GB
Bramble Insurance|GB Lighthouse Data|GB Pennine Software|GB Cotswold Commerce|GB Mersey Mobility|GB
Spreewerk|DE Rheinwerk Digital|DE Isarlabs|DE Elbe Logistics|DE Nordlicht Energie|DE
Kiezkasse|DE Brandenburg Robotics|DE Alster Analytics|DE Schwarzwald Systems|DE Havelsoft|DE
Mainfeld Versicherung|DE Zugspitze Cloud|DE Kranich Mobility|DE Lindenbaum Health|DE Wattwerk|DE
Grachtwerk|NL Tulip Payments|NL Polder Data|NL Dijkstra Systems|NL Windmolen Energy|NL
Vistula Software|PL Krakow Code Works|PL Amber Analytics|PL Baltic Games|PL Tatra Cloud|PL
Carpathia Tech|RO Danubius Software|RO Transilvania Data|RO Bucovina Labs|RO Dacia Digital|RO
Codru Soft|MD Nistru Systems|MD Prut Digital|MD Orhei Software|MD Basarab Tech|MD
Chisinau Code Factory|MD Moldcell Digital Lab|MD Bessarabia Labs|MD Vatra Fintech|MD Rosu Creative|MD
Stefan Voda Solutions|MD Botanica Apps|MD Cricova Data|MD Ialoveni Games|MD Dnestr Cloud|MD
Maple Leaf Analytics|CA Hudson Bay Software|CA Laurentian AI|CA Rideau Health|CA Fraser Fintech|CA
Coral Sea Software|AU Kookaburra Labs|AU Outback Logistics|AU Harbourside Data|AU Wattle Payments|AU
Ganges Digital|IN Deccan Systems|IN Saffron Tech|IN Indus Cloud|IN Lotus Analytics|IN
Kaveri Software|IN Monsoon Labs|IN Tamarind Commerce|IN Peacock Payments|IN Himalaya Health|IN
Sierra Nevada Tech|ES Alhambra Data|ES Mediterraneo Labs|ES Tapas Commerce|ES Sol Energy|ES
Seine Analytics|FR Lumiere Systems|FR Brioche Commerce|FR Tagus Software|PT Azulejo Labs|PT
Liffey Digital|IE Shamrock Payments|IE Fjord Analytics|SE Aurora Mobility|SE Lagom Health|SE
Helix Bioinformatics|US Quantum Harbor|US Ember Finance|US Silverline Media|US Gridlock Games|US
Northstar Robotics|US Copperleaf Health|US Driftwood Labs|US Evergreen Ledger|US Falcon Ridge Security|US
Glasshouse Design|GB Hawthorn Analytics|GB Ivybridge Systems|GB Jetstream Travel|GB Kelpie Mobility|AU
Lindwurm Games|DE Moselwein Commerce|DE Neckar Data|DE Oderbruch Energy|DE Pfalz Payments|DE
Quarzsand Labs|NL Rembrandt Media|NL Scheldt Logistics|NL Tulpenveld Health|NL Utrechtse Data|NL
"""


def _build_companies() -> tuple[Company, ...]:
    tokens = [t.strip() for t in re.split(r"\|([A-Z]{2})\b", _COMPANY_ROWS) if t.strip()]
    pairs = list(zip(tokens[0::2], tokens[1::2]))
    rng = random.Random("jobsight-demo-companies")
    # A fixed assignment of employers to ATS vendors and career pages, independent of the
    # world's seed, so that the demo sources list never changes.
    eligible = [k for k, (_, cc) in enumerate(pairs) if cc != "MD"]
    rng.shuffle(eligible)
    ats_of: dict[int, str] = {}
    for vendor, n in (("greenhouse", 20), ("lever", 15), ("ashby", 10)):
        for k in eligible[:n]:
            ats_of[k] = vendor
        eligible = eligible[n:]
    careers = set(eligible[:16])
    careers.update(k for k in list(ats_of)[::4])  # some ATS customers also mark up their own pages
    moldovan = [k for k, (_, cc) in enumerate(pairs) if cc == "MD"]
    careers.update(moldovan[:3])
    companies = []
    for k, (name, cc) in enumerate(pairs):
        weight = rng.lognormvariate(0, 0.6)
        if k in ats_of:
            weight *= 2.2  # employers paying for an ATS tend to hire more
        companies.append(Company(name, slugify(name), cc, ats_of.get(k), k in careers, weight,
                                 _offices(name, cc, weight)))
    return tuple(companies)


def _offices(name: str, country: str, weight: float) -> tuple[tuple[str, str | None], ...]:
    """Where an employer hires at home: one office, more for those hiring more. Its own
    generator, so offices never shift the rest of the catalogue."""
    rng = random.Random(f"jobsight-demo-offices:{name}")
    cities = list(dict.fromkeys(CITIES[country]))
    rng.shuffle(cities)
    return tuple(cities[:max(1, min(len(cities), round(weight * 1.5)))])


COUNTRY_NAMES = {
    "US": "United States", "GB": "United Kingdom", "DE": "Germany", "NL": "Netherlands",
    "PL": "Poland", "RO": "Romania", "MD": "Moldova", "CA": "Canada", "AU": "Australia",
    "IN": "India", "ES": "Spain", "FR": "France", "PT": "Portugal", "IE": "Ireland", "SE": "Sweden",
}

# city, region (state/province or None)
CITIES: dict[str, list[tuple[str, str | None]]] = {
    "US": [("New York", "NY"), ("San Francisco", "CA"), ("Austin", "TX"), ("Seattle", "WA"),
           ("Boston", "MA"), ("Chicago", "IL"), ("Denver", "CO"), ("Atlanta", "GA")],
    "GB": [("London", "England"), ("Manchester", "England"), ("Edinburgh", "Scotland"),
           ("Bristol", "England")],
    "DE": [("Berlin", "Berlin"), ("München", "Bayern"), ("Hamburg", "Hamburg"),
           ("Frankfurt am Main", "Hessen"), ("Köln", "Nordrhein-Westfalen")],
    "NL": [("Amsterdam", "Noord-Holland"), ("Rotterdam", "Zuid-Holland"), ("Utrecht", "Utrecht"),
           ("Eindhoven", "Noord-Brabant")],
    "PL": [("Warszawa", None), ("Kraków", None), ("Wrocław", None), ("Gdańsk", None)],
    "RO": [("București", None), ("Cluj-Napoca", None), ("Iași", None), ("Timișoara", None)],
    "MD": [("Chișinău", None), ("Chișinău", None), ("Chișinău", None), ("Bălți", None)],
    "CA": [("Toronto", "ON"), ("Vancouver", "BC"), ("Montreal", "QC")],
    "AU": [("Sydney", "NSW"), ("Melbourne", "VIC"), ("Brisbane", "QLD")],
    "IN": [("Bengaluru", "Karnataka"), ("Hyderabad", "Telangana"), ("Pune", "Maharashtra")],
    "ES": [("Madrid", None), ("Barcelona", None), ("Valencia", None)],
    "FR": [("Paris", None), ("Lyon", None)],
    "PT": [("Lisbon", None), ("Porto", None)],
    "IE": [("Dublin", None)],
    "SE": [("Stockholm", None)],
}

COMPANIES: tuple[Company, ...] = _build_companies()
COMPANY_BY_SLUG = {c.slug: c for c in COMPANIES}

# Where jobs are located when not at the employer's HQ.
JOB_COUNTRY_WEIGHTS = {
    "US": 25, "GB": 10, "DE": 10, "NL": 5, "PL": 6, "RO": 5, "MD": 10, "CA": 6, "AU": 4,
    "IN": 7, "ES": 5, "FR": 2, "PT": 2, "IE": 1.5, "SE": 1.5,
}

EUROPE = {"GB", "DE", "NL", "PL", "RO", "MD", "ES", "FR", "PT", "IE", "SE"}


@dataclass(frozen=True)
class Role:
    key: str
    titles: tuple[str, ...]
    department: str
    teams: tuple[str, ...]
    core: tuple[str, ...]  # always required
    pool: tuple[str, ...]  # the rest are drawn from here
    category: str  # board category (Remotive / WWR style)
    weight: float
    ro_title: str | None = None  # how Moldovan employers title it on rabota
    de_titles: tuple[str, ...] = ()  # how German-language ads title it, when not in English


ROLES: tuple[Role, ...] = (
    Role("python", ("Python Developer", "Python Engineer", "Backend Engineer (Python)"),
         "Engineering", ("Platform", "Payments", "Core API"), ("Python",),
         ("Django", "Flask", "FastAPI", "PostgreSQL", "Redis", "Docker", "AWS", "Celery",
          "REST", "SQL", "Kubernetes", "Git", "Linux", "RabbitMQ"), "Software Development", 10,
         "Programator Python", ("Python-Entwickler", "Softwareentwickler Python")),
    Role("go", ("Go Developer", "Backend Engineer (Go)", "Golang Engineer"), "Engineering",
         ("Infrastructure", "Platform", "Core API"), ("Go",),
         ("gRPC", "PostgreSQL", "Kubernetes", "Docker", "Kafka", "AWS", "Redis", "Linux",
          "Microservices", "Prometheus"), "Software Development", 5),
    Role("java", ("Java Developer", "Java Backend Engineer", "Software Engineer (Java)"),
         "Engineering", ("Payments", "Core Banking", "Integrations"), ("Java",),
         ("Spring Boot", "Hibernate", "Kafka", "PostgreSQL", "Microservices", "Docker",
          "Kubernetes", "Maven", "SQL", "REST", "Oracle"), "Software Development", 9,
         "Programator Java", ("Java-Entwickler", "Softwareentwickler Java")),
    Role("frontend", ("Frontend Engineer (React)", "Frontend Developer", "React Developer"),
         "Engineering", ("Web", "Growth", "Design Systems"), ("JavaScript", "React"),
         ("TypeScript", "Redux", "CSS", "HTML", "Next.js", "GraphQL", "Jest", "Webpack"),
         "Software Development", 9, "Frontend Developer", ("Frontend-Entwickler",)),
    Role("fullstack", ("Full Stack Developer", "Full-Stack Engineer", "Software Engineer, Full Stack"),
         "Engineering", ("Product", "Growth", "Internal Tools"), ("JavaScript",),
         ("TypeScript", "Node.js", "React", "PostgreSQL", "MongoDB", "Docker", "AWS",
          "GraphQL", "Vue.js", "Python"), "Software Development", 8, "Programator Full Stack",
         ("Fullstack-Entwickler",)),
    Role("data_eng", ("Data Engineer", "Analytics Engineer", "Big Data Engineer"), "Data",
         ("Data Platform", "Analytics"), ("SQL", "Python"),
         ("Spark", "Airflow", "Kafka", "Snowflake", "dbt", "AWS", "Scala", "BigQuery",
          "Docker", "Terraform"), "Data", 6),
    Role("data_sci", ("Data Scientist", "Senior Data Scientist", "Data Scientist, Pricing"),
         "Data", ("Pricing", "Risk", "Recommendations"), ("Python",),
         ("pandas", "scikit-learn", "SQL", "Statistics", "TensorFlow", "PyTorch", "R",
          "NumPy", "Jupyter"), "Data", 4),
    Role("ml", ("Machine Learning Engineer", "ML Engineer", "AI Engineer"), "Data",
         ("ML Platform", "Search", "Recommendations"), ("Python", "Machine Learning"),
         ("PyTorch", "TensorFlow", "Kubernetes", "MLflow", "AWS", "Docker", "SQL", "NLP",
          "LLM", "Spark"), "Data", 5),
    Role("devops", ("DevOps Engineer", "Site Reliability Engineer", "Platform Engineer",
                    "Cloud Engineer"), "Engineering", ("Infrastructure", "SRE", "Platform"),
         ("Kubernetes", "Docker"),
         ("Terraform", "AWS", "Linux", "Ansible", "CI/CD", "Prometheus", "Bash", "GCP",
          "Azure", "Helm", "Python", "Go"), "DevOps and Sysadmin", 8, "Inginer DevOps"),
    Role("android", ("Android Developer", "Android Engineer", "Mobile Engineer (Android)"),
         "Engineering", ("Mobile",), ("Kotlin", "Android"),
         ("Java", "Jetpack Compose", "Coroutines", "Gradle", "REST", "Git", "Firebase"),
         "Software Development", 4, "Dezvoltator Android", ("Android-Entwickler",)),
    Role("ios", ("iOS Developer", "iOS Engineer", "Mobile Engineer (iOS)"), "Engineering",
         ("Mobile",), ("Swift", "iOS"),
         ("SwiftUI", "Objective-C", "Xcode", "Combine", "REST", "Git", "Firebase"),
         "Software Development", 3),
    Role("qa", ("QA Automation Engineer", "Test Automation Engineer", "QA Engineer",
                "Software Engineer in Test"), "Engineering", ("Quality",), ("Test Automation",),
         ("Selenium", "Cypress", "Python", "Java", "Playwright", "JavaScript", "CI/CD", "Jira",
          "Postman", "SQL"), "QA", 6, "Tester QA Automation", ("Softwaretester",)),
    Role("dotnet", (".NET Developer", "C# Developer", "Backend Engineer (.NET)"), "Engineering",
         ("Integrations", "Core Platform"), ("C#", ".NET"),
         ("ASP.NET Core", "SQL Server", "Azure", "Entity Framework", "Microservices",
          "Docker", "REST", "Angular"), "Software Development", 5, "Programator .NET",
         (".NET-Entwickler", "C#-Entwickler")),
    Role("php", ("PHP Developer", "Backend Developer (PHP)", "Laravel Developer"), "Engineering",
         ("Web", "E-commerce"), ("PHP",),
         ("Laravel", "Symfony", "MySQL", "JavaScript", "Vue.js", "Docker", "Redis", "REST"),
         "Software Development", 4, "Programator PHP", ("PHP-Entwickler",)),
    Role("ruby", ("Ruby on Rails Developer", "Ruby Engineer", "Backend Engineer (Rails)"),
         "Engineering", ("Product",), ("Ruby", "Ruby on Rails"),
         ("PostgreSQL", "Redis", "Sidekiq", "Docker", "AWS", "RSpec", "JavaScript"),
         "Software Development", 2),
    Role("cpp", ("C++ Engineer", "Embedded Software Engineer", "C++ Developer"), "Engineering",
         ("Embedded", "Trading Systems"), ("C++",),
         ("Linux", "C", "CMake", "Python", "Multithreading", "Qt", "Embedded"),
         "Software Development", 2, "Programator C++",
         ("C++-Entwickler", "Embedded-Softwareentwickler")),
    Role("rust", ("Rust Engineer", "Systems Engineer (Rust)"), "Engineering", ("Core",),
         ("Rust",), ("Linux", "Tokio", "PostgreSQL", "Kubernetes", "gRPC", "C++", "WebAssembly"),
         "Software Development", 1),
    Role("security", ("Security Engineer", "Application Security Engineer", "Cloud Security Engineer"),
         "Security", ("Security",), ("Security",),
         ("AWS", "Kubernetes", "Python", "SIEM", "Terraform", "Penetration Testing", "Linux"),
         "DevOps and Sysadmin", 2, None, ("IT-Sicherheitsingenieur",)),
    Role("analyst", ("Data Analyst", "Business Intelligence Analyst", "Product Analyst"), "Data",
         ("Analytics", "Finance"), ("SQL",),
         ("Excel", "Tableau", "Power BI", "Python", "Looker", "BigQuery", "Statistics"),
         "Data", 4, "Analist de date", ("Datenanalyst",)),
    Role("pm", ("Product Manager", "Technical Product Manager", "Product Owner"), "Product",
         ("Product",), ("Product Management",),
         ("Agile", "Scrum", "Jira", "SQL", "Figma", "A/B Testing", "Roadmapping"),
         "Product", 4, "Product Owner", ("Produktmanager",)),
    Role("em", ("Engineering Manager", "Head of Engineering", "Software Development Manager"),
         "Engineering", ("Platform", "Product"), ("Leadership",),
         ("Agile", "Python", "Java", "AWS", "Kubernetes", "Microservices", "Scrum"),
         "Management and Finance", 3, None, ("Teamleiter Softwareentwicklung",)),
    Role("design", ("Product Designer", "UX/UI Designer", "UI Designer"), "Design", ("Design",),
         ("Figma",), ("Sketch", "User Research", "Prototyping", "HTML", "CSS", "Design Systems"),
         "Design", 3, "Designer UI/UX"),
)

# How text spells a skill: the canonical name first, then aliases people really write.
SKILL_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Kubernetes": ("Kubernetes", "k8s", "K8s"),
    "PostgreSQL": ("PostgreSQL", "Postgres", "postgres", "PostgresSQL"),
    "Go": ("Go", "golang", "Golang"),
    "JavaScript": ("JavaScript", "JS", "Javascript", "ECMAScript"),
    "TypeScript": ("TypeScript", "TS", "Typescript"),
    "Node.js": ("Node.js", "NodeJS", "Node"),
    "React": ("React", "React.js", "ReactJS"),
    "Vue.js": ("Vue.js", "Vue", "VueJS"),
    "Next.js": ("Next.js", "NextJS"),
    "AWS": ("AWS", "Amazon Web Services"),
    "GCP": ("GCP", "Google Cloud"),
    "Azure": ("Azure", "Microsoft Azure"),
    "C#": ("C#", "C Sharp"),
    ".NET": (".NET", "dotnet", ".NET Core"),
    "scikit-learn": ("scikit-learn", "sklearn"),
    "CI/CD": ("CI/CD", "CI / CD pipelines", "continuous integration"),
    "Spring Boot": ("Spring Boot", "Spring"),
    "MongoDB": ("MongoDB", "Mongo"),
    "Ruby on Rails": ("Ruby on Rails", "Rails", "RoR"),
    "Machine Learning": ("Machine Learning", "ML"),
    "Docker": ("Docker", "docker", "containers (Docker)"),
    "Terraform": ("Terraform", "TF"),
    "SQL Server": ("SQL Server", "MS SQL", "MSSQL"),
    "Jetpack Compose": ("Jetpack Compose", "Compose"),
    "Python": ("Python", "Python 3", "python"),
    "Kafka": ("Kafka", "Apache Kafka"),
    "Spark": ("Spark", "Apache Spark", "PySpark"),
    "Airflow": ("Airflow", "Apache Airflow"),
    "Test Automation": ("test automation", "automated testing"),
    "LLM": ("LLMs", "large language models"),
    "NLP": ("NLP", "natural language processing"),
    "Power BI": ("Power BI", "PowerBI"),
    "Objective-C": ("Objective-C", "ObjC"),
    "Linux": ("Linux", "GNU/Linux"),
    "REST": ("REST", "RESTful APIs"),
    "MySQL": ("MySQL", "MariaDB/MySQL"),
}


def spellings(skill: str) -> tuple[str, ...]:
    return SKILL_SPELLINGS.get(skill, (skill,))


SENIORITY = (  # level, title prefix, share, years of experience asked (min, max)
    ("intern", "Intern", 0.03, (0, 0)),
    ("junior", "Junior", 0.14, (0, 2)),
    ("mid", "", 0.38, (2, 4)),
    ("senior", "Senior", 0.33, (4, 7)),
    ("lead", "Lead", 0.07, (6, 10)),
    ("lead", "Staff", 0.05, (7, 10)),
)

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                "nine", "ten")

INDUSTRY_BLURBS = (
    "helps small businesses get paid faster",
    "builds the data infrastructure behind modern logistics",
    "makes healthcare scheduling painless for clinics and patients",
    "runs a marketplace connecting independent retailers with millions of shoppers",
    "develops software that keeps energy grids balanced",
    "builds tools that help teams plan, track and ship their work",
    "offers insurance that people actually understand",
    "powers payments for online merchants across Europe",
    "builds learning products used by schools in 30 countries",
    "creates games played by millions every day",
    "turns satellite imagery into decisions for farmers",
    "builds the banking core for a new generation of fintechs",
)

BENEFITS_EN = (
    "Flexible working hours", "Home office budget", "Learning and conference budget",
    "Private health insurance", "Stock options", "25 days of paid vacation",
    "Parental leave", "Gym membership", "Company retreats twice a year", "Latest MacBook Pro",
)
BENEFITS_DE = (
    "Flexible Arbeitszeiten", "30 Tage Urlaub", "Weiterbildungsbudget", "Jobrad",
    "Deutschlandticket", "Betriebliche Altersvorsorge", "Homeoffice-Möglichkeit",
)
BENEFITS_RO = (
    "Program flexibil", "Asigurare medicală privată", "Cursuri de engleză",
    "Bonusuri anuale", "Oficiu modern în centrul orașului", "Team building-uri",
    "Abonament la sală",
)

EEO_EN = (
    "{company} is an equal opportunity employer. We celebrate diversity and are committed to "
    "creating an inclusive environment for all employees, regardless of race, religion, "
    "gender, sexual orientation, age, disability or veteran status."
)
EEO_DE = (
    "Wir freuen uns über Bewerbungen unabhängig von Geschlecht, Nationalität, ethnischer und "
    "sozialer Herkunft, Religion, Behinderung, Alter sowie sexueller Orientierung und Identität."
)

REMOTE_SCOPES = {  # region wording per where a remote job may be done from
    "US": ("USA Only", "Remote - US", "United States"),
    "CA": ("Canada Only", "Remote - Canada", "Canada"),
    "EU": ("Europe Only", "Remote - EU", "Europe"),
    "WORLD": ("Anywhere in the World", "Remote", "Worldwide"),
    "AMERICAS": ("North America Only", "Remote - Americas", "Americas"),
}
