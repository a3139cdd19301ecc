"""The OpenAPI 3 description of every gateway route (served at ``/openapi.json``)."""
from __future__ import annotations

from functools import lru_cache

import jobsight

_MSG = {"type": "object", "properties": {"msg": {"type": "string"}, "code": {"type": "string"}},
        "required": ["msg"]}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}}


def _ok(description: str, schema: dict | None = None) -> dict:
    response = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return response


def _body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _path_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


_COMMON = {"400": _error("Invalid input"), "500": _error("Internal error (the body names the request id)"),
           "503": _error("A service is unavailable"), "504": _error("A service did not answer in time")}
_AUTH = {"401": _error("Missing, invalid or expired token")}
_BEARER = [{"bearer": []}]
_SKILL_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
_JOB = {"type": "object", "properties": {
    "job_id": {"type": "integer"}, "title": {"type": "string"}, "company": {"type": "string"},
    "location": {"type": "string", "nullable": True}, "description": {"type": "string"},
    "date_posted": {"type": "string", "format": "date-time", "nullable": True}},
    "required": ["job_id", "title", "company", "location", "description", "date_posted"]}


def _query_param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_SEARCH_PARAMETERS = [
    _query_param("q", {"type": "string", "maxLength": 200}, "keywords: title (weighted most), skills, description"),
    _query_param("location", {"type": "string", "maxLength": 100}, "a country code or name, or a city"),
    _query_param("remote", {"type": "string", "enum": ["true", "false", "remote", "hybrid", "onsite"]},
                 "false: hybrid or onsite"),
    _query_param("salary_min", {"type": "integer", "minimum": 0, "maximum": 10000000},
                 "minimum annual salary in EUR (jobs whose top of range reaches it)"),
    _query_param("skills", {"type": "string"}, "comma-separated, at most 10, every one required; "
                                                 "an unknown skill is a 400"),
    _query_param("since", {"type": "string", "format": "date"}, "posted on or after (not in the future)"),
    _query_param("company", {"type": "string", "maxLength": 200}, "company name"),
    _query_param("source", {"type": "string", "maxLength": 100}, "seen on this source (name or kind)"),
    _query_param("sort", {"type": "string", "enum": ["relevance", "date"]}, "default: relevance with q, else date"),
    _query_param("page", {"type": "integer", "minimum": 1, "maximum": 1000}, "default 1"),
    _query_param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "default 20"),
]
_SEARCH_RESULTS = {"type": "object", "properties": {
    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
    "sort": {"type": "string"},
    "results": {"type": "array", "items": {"type": "object", "properties": {
        "job_id": {"type": "integer"}, "title": {"type": "string"}, "company": {"type": "string"},
        "location": {"type": "string", "nullable": True}, "remote": {"type": "boolean", "nullable": True},
        "workplace": {"type": "string", "nullable": True}, "annual_min": {"type": "number", "nullable": True},
        "annual_max": {"type": "number", "nullable": True}, "skills": {"type": "array", "items": {"type": "string"}},
        "date_posted": {"type": "string", "format": "date-time", "nullable": True},
        "n_sources": {"type": "integer"}, "score": {"type": "number"}}}},
    "facets": {"type": "object", "properties": {
        "skills": {"type": "array", "items": {"type": "array", "items": {}}},
        "remote": {"type": "object", "additionalProperties": {"type": "integer"}},
        "location": {"type": "array", "items": {"type": "array", "items": {}}}}}}}


_VERSIONED = {"sample_size": {"type": "integer"},
              "warehouse_version": {"type": "integer", "nullable": True,
                                    "description": "the warehouse version (GET /status) the answer was read at"}}
_SHARE = {"type": "number", "nullable": True, "description": "0..1, 4 decimals; null when nothing matched"}
_KEYWORDS = _query_param("keywords", {"type": "string", "maxLength": 200},
                         "title keywords (typos tolerated); absent: every open job; empty or absurd: 400")
_SKILL = {"type": "string", "maxLength": 64}


def _insight(summary: str, parameters: list, properties: dict) -> dict:
    return {"get": {"summary": summary, "parameters": parameters,
                    "responses": {"200": _ok("The answer, its sample size and warehouse version", {
                        "type": "object", "properties": {**properties, **_VERSIONED}}), **_COMMON}}}


_INSIGHT_PATHS = {
    "/insights/salary": _insight(
        "Salary percentiles (annual, base currency) of open jobs by skill, title and/or location",
        [_query_param("skill", _SKILL, "a skill the taxonomy knows (an unknown one is a 400)"),
         _query_param("title", {"type": "string", "maxLength": 200}, "title keywords"),
         _query_param("location", {"type": "string", "maxLength": 100}, "a country code or name, or a city")],
        {"filters": {"type": "object"}, "currency": {"type": "string"}, "open_jobs": {"type": "integer"},
         "disclosure_share": _SHARE,
         "percentiles": {"type": "object", "properties": {
             p: {"type": "number", "nullable": True} for p in ("p25", "p50", "p75", "p90")}}}),
    "/insights/skills/{skill}/trend": _insight(
        "Jobs asking for a skill first seen in each of the last N ISO weeks (this one included)",
        [_path_param("skill", _SKILL),
         _query_param("weeks", {"type": "integer", "minimum": 1, "maximum": 104}, "default 12")],
        {"skill": {"type": "string"}, "weeks": {"type": "array", "items": {"type": "object", "properties": {
            "week": {"type": "string", "format": "date"}, "new_jobs": {"type": "integer"}}}}}),
    "/insights/co-skills": _insight(
        "Skills asked together in open jobs whose title matches the keywords",
        [{**_KEYWORDS, "required": True, "description": "title keywords (typos tolerated)"},
         _query_param("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "default 20")],
        {"keywords": {"type": "string"}, "skills": {"type": "array", "items": {"type": "object", "properties": {
            "skill": {"type": "string"}, "jobs": {"type": "integer"}, "share": _SHARE}}}}),
    "/insights/experience": _insight(
        "Open jobs per years of experience asked: 0, 1, 2, 3-4, 5-7, 8+, unstated",
        [_KEYWORDS],
        {"keywords": {"type": "string", "nullable": True}, "stated": {"type": "integer"},
         "buckets": {"type": "array", "items": {"type": "object", "properties": {
             "years": {"type": "string"}, "jobs": {"type": "integer"}, "share": _SHARE}}}}),
    "/insights/remote-share": _insight(
        "Open jobs by workplace: remote, hybrid, onsite, unknown",
        [_KEYWORDS],
        {"keywords": {"type": "string", "nullable": True}, "workplaces": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"jobs": {"type": "integer"}, "share": _SHARE}}}}),
    "/insights/companies": _insight(
        "Companies with the most open jobs, optionally for keywords and/or a skill",
        [_KEYWORDS, _query_param("skill", _SKILL, "a skill the taxonomy knows (an unknown one is a 400)"),
         _query_param("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "default 10")],
        {"keywords": {"type": "string", "nullable": True}, "skill": {"type": "string", "nullable": True},
         "companies": {"type": "array", "items": {"type": "object", "properties": {
             "company": {"type": "string"}, "open_jobs": {"type": "integer"}, "share": _SHARE}}}}),
}


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    paths = {
        "/sign-up": {"post": {
            "summary": "Create an account", "requestBody": _body("SignUp"),
            "responses": {"201": _ok("Signed up", {"$ref": "#/components/schemas/SignedUp"}),
                          "409": _error("User already exists"), **_COMMON}}},
        "/login": {"post": {
            "summary": "Log in and get a bearer token", "requestBody": _body("Login"),
            "responses": {"200": _ok("Logged in", {"$ref": "#/components/schemas/LoggedIn"}),
                          "401": _error("Invalid email or password"),
                          "429": _error("Too many attempts; see Retry-After"), **_COMMON}}},
        "/get-subscriptions/{user_id}": {"get": {
            "summary": "A user's skill subscriptions", "security": _BEARER,
            "parameters": [_path_param("user_id", {"type": "integer", "minimum": 1})],
            "responses": {"200": _ok("Skills", {"type": "object", "properties": {
                "skills": {"type": "array", "items": {"type": "string"}}}}),
                "403": _error("Another user's subscriptions"), "404": _error("No skills"), **_AUTH, **_COMMON}}},
        "/subscriptions": {
            "post": {
                "summary": "Subscribe to a skill or save a search", "security": _BEARER,
                "requestBody": _body("Subscription"),
                "responses": {"201": _ok("Subscribed or saved", {"$ref": "#/components/schemas/Message"}),
                              "200": _ok("Already subscribed", {"$ref": "#/components/schemas/Message"}),
                              **_AUTH, **_COMMON}},
            "get": {
                "summary": "Everything the user subscribes to", "security": _BEARER,
                "responses": {"200": _ok("Skills and saved searches", {"type": "object", "properties": {
                    "skills": {"type": "array", "items": {"type": "string"}},
                    "searches": {"type": "array", "items": {"$ref": "#/components/schemas/SavedSearch"}}}}),
                    **_AUTH, **_COMMON}}},
        "/subscriptions/search/{search_id}": {"delete": {
            "summary": "Delete a saved search", "security": _BEARER,
            "parameters": [_path_param("search_id", {"type": "integer", "minimum": 1})],
            "responses": {"204": _ok("Deleted"), "404": _error("No such saved search"), **_AUTH, **_COMMON}}},
        "/notifications": {"get": {
            "summary": "The user's notifications, newest first", "security": _BEARER,
            "parameters": [
                {"name": "unread", "in": "query", "schema": {"type": "boolean"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
            "responses": {"200": _ok("A page of the inbox", {"$ref": "#/components/schemas/Inbox"}),
                          **_AUTH, **_COMMON}}},
        "/notifications/{notification_id}/read": {"post": {
            "summary": "Mark a notification read", "security": _BEARER,
            "parameters": [_path_param("notification_id", {"type": "integer", "minimum": 1})],
            "responses": {"200": _ok("Read", {"$ref": "#/components/schemas/Message"}),
                          "404": _error("No such notification"), **_AUTH, **_COMMON}}},
        "/subscriptions/{skill}": {"delete": {
            "summary": "Unsubscribe from a skill", "security": _BEARER,
            "parameters": [_path_param("skill", {"type": "string", "maxLength": 64})],
            "responses": {"204": _ok("Unsubscribed"), "404": _error("Not subscribed"), **_AUTH, **_COMMON}}},
        "/find-jobs": {"get": {
            "summary": "Open jobs whose title matches", "parameters": [
                {"name": "title", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200}}],
            "responses": {"200": _ok("Jobs", {"type": "array", "items": _JOB}),
                          "404": _error("No jobs found"), **_COMMON}}},
        "/jobs": {"get": {
            "summary": "Search open jobs: full text (typos tolerated in titles), filters, facets, pages",
            "parameters": _SEARCH_PARAMETERS,
            "responses": {"200": _ok("One page of results, the total and facets over every match",
                                     {"$ref": "#/components/schemas/SearchResults"}), **_COMMON}}},
        "/jobs/{job_id}": {"get": {
            "summary": "One canonical job with every source it was seen on",
            "parameters": [_path_param("job_id", {"type": "integer", "minimum": 1})],
            "responses": {"200": _ok("The job", {"type": "object"}), "404": _error("Job not found"), **_COMMON}}},
        "/sources": {"get": {
            "summary": "Every configured job source: circuit state, last run statistics, open postings",
            "responses": {"200": _ok("Sources", {"type": "object", "properties": {
                "sources": {"type": "array", "items": {"type": "object"}}}}), **_COMMON}}},
        "/generate-insight-skills-by-demand/{keywords}": {"get": {
            "summary": "Skills most asked for in jobs matching the keywords",
            "parameters": [_path_param("keywords", {"type": "string", "maxLength": 200})],
            "responses": {"200": _ok("[skill, count] pairs, most demanded first", {
                "type": "array", "items": {"type": "array", "items": {}}}), **_COMMON}}},
        "/generate-insight-average-experience/{keywords}": {"get": {
            "summary": "Average minimum years of experience asked in jobs matching the keywords",
            "parameters": [_path_param("keywords", {"type": "string", "maxLength": 200})],
            "responses": {"200": _ok("Average", {"type": "object", "properties": {
                "average_experience": {"type": "number", "nullable": True},
                "sample_size": {"type": "integer"}}}), **_COMMON}}},
        "/skills-by-salary": {"get": {
            "summary": "Average annual salary (base currency) per skill",
            "responses": {"200": _ok("skill → salary", {"type": "object", "additionalProperties": {"type": "number"}}),
                          **_COMMON}}},
        "/average-job-salary": {"get": {
            "summary": "Average annual salary (base currency) over open jobs that state one",
            "responses": {"200": _ok("Average", {"type": "object", "properties": {
                "average_salary": {"type": "number", "nullable": True}, "currency": {"type": "string"},
                "sample_size": {"type": "integer"}}}), **_COMMON}}},
        "/all-skills-by-demand": {"get": {
            "summary": "Every skill with the number of open jobs asking for it",
            "responses": {"200": _ok("skill → count", _SKILL_COUNTS), **_COMMON}}},
        **_INSIGHT_PATHS,
        "/status": {"get": {
            "summary": "Health of every service",
            "responses": {"200": _ok("All up", {"$ref": "#/components/schemas/Status"}),
                          "503": _ok("Some down", {"$ref": "#/components/schemas/Status"})}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": _ok("OpenAPI 3 document")}}},
        "/metrics": {"get": {"summary": "Prometheus metrics of this gateway instance (text format)",
                             "responses": {"200": {"description": "Prometheus text exposition",
                                                   "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Jobsight gateway", "version": jobsight.__version__,
                 "description": (
                     "Job search, insights and subscriptions. Every response carries X-Request-ID. "
                     "Live notifications: open a websocket at /ws?token=<bearer token>; the server sends "
                     '{"type": "notification", "notification": {...}} frames (unread ones first), the client '
                     'acknowledges with {"type": "ack", "ids": [...]}; {"type": "ping"} is answered with pong.')},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {
                "Message": _MSG,
                "SearchResults": _SEARCH_RESULTS,
                "SignUp": {"type": "object", "required": ["name", "email", "password"], "properties": {
                    "name": {"type": "string", "maxLength": 100}, "email": {"type": "string", "format": "email"},
                    "password": {"type": "string", "minLength": 8}}},
                "Login": {"type": "object", "required": ["email", "password"], "properties": {
                    "email": {"type": "string"}, "password": {"type": "string"}}},
                "Subscription": {"type": "object", "description": "Either skill or search", "properties": {
                    "skill": {"type": "string", "maxLength": 64},
                    "search": {"$ref": "#/components/schemas/SearchSpec"}}},
                "SearchSpec": {"type": "object", "required": ["keywords"], "properties": {
                    "keywords": {"type": "string", "maxLength": 200},
                    "location": {"type": "string", "maxLength": 100},
                    "remote": {"oneOf": [{"type": "boolean"}, {"type": "string", "enum": ["remote", "hybrid", "onsite"]}]},
                    "salary_min": {"type": "number", "minimum": 0, "description": "annual, EUR"},
                    "skills": {"type": "array", "maxItems": 10, "items": {"type": "string"}}}},
                "SavedSearch": {"allOf": [{"$ref": "#/components/schemas/SearchSpec"}, {"type": "object",
                                "properties": {"id": {"type": "integer"}, "created_at": {"type": "string"}}}]},
                "Inbox": {"type": "object", "properties": {
                    "total": {"type": "integer"}, "unread": {"type": "integer"}, "page": {"type": "integer"},
                    "notifications": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "job": {"type": "object"}, "reasons": {"type": "array"},
                        "created_at": {"type": "string"}, "read": {"type": "boolean"}}}}}},
                "SignedUp": {"type": "object", "properties": {
                    "msg": {"type": "string"}, "websocket": {"type": "string"}, "user_id": {"type": "integer"}}},
                "LoggedIn": {"type": "object", "properties": {
                    "msg": {"type": "string"}, "websocket": {"type": "string"}, "token": {"type": "string"},
                    "user_id": {"type": "integer"}, "expires_at": {"type": "integer"}}},
                "Status": {"type": "object", "properties": {
                    "msg": {"type": "string"},
                    "services": {"type": "object", "additionalProperties": {"type": "string", "enum": ["ok", "down"]}}}},
            },
        },
    }
