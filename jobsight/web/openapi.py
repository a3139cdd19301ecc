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
        "/subscriptions": {"post": {
            "summary": "Subscribe to a skill", "security": _BEARER, "requestBody": _body("Subscription"),
            "responses": {"201": _ok("Subscribed", {"$ref": "#/components/schemas/Message"}),
                          "200": _ok("Already subscribed", {"$ref": "#/components/schemas/Message"}),
                          **_AUTH, **_COMMON}}},
        "/subscriptions/{skill}": {"delete": {
            "summary": "Unsubscribe from a skill", "security": _BEARER,
            "parameters": [_path_param("skill", {"type": "string", "maxLength": 64})],
            "responses": {"204": _ok("Unsubscribed"), "404": _error("Not subscribed"), **_AUTH, **_COMMON}}},
        "/find-jobs": {"get": {
            "summary": "Open jobs whose title matches", "parameters": [
                {"name": "title", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200}}],
            "responses": {"200": _ok("Jobs", {"type": "array", "items": _JOB}),
                          "404": _error("No jobs found"), **_COMMON}}},
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
        "/status": {"get": {
            "summary": "Health of every service",
            "responses": {"200": _ok("All up", {"$ref": "#/components/schemas/Status"}),
                          "503": _ok("Some down", {"$ref": "#/components/schemas/Status"})}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": _ok("OpenAPI 3 document")}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Jobsight gateway", "version": jobsight.__version__,
                 "description": "Job search, insights and subscriptions. Every response carries X-Request-ID."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {
                "Message": _MSG,
                "SignUp": {"type": "object", "required": ["name", "email", "password"], "properties": {
                    "name": {"type": "string", "maxLength": 100}, "email": {"type": "string", "format": "email"},
                    "password": {"type": "string", "minLength": 8}}},
                "Login": {"type": "object", "required": ["email", "password"], "properties": {
                    "email": {"type": "string"}, "password": {"type": "string"}}},
                "Subscription": {"type": "object", "required": ["skill"], "properties": {
                    "skill": {"type": "string", "maxLength": 64}}},
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
