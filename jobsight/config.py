"""The one config loader: reads config.yml exactly as ``nameko run --config`` does.

``${VAR:default}`` placeholders are substituted from the environment, so the file the
services run with and the file the CLI and tests read always agree.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml
from nameko.cli.main import setup_yaml_parser

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "config.yml"

_parser_ready = False


def load(path: str | os.PathLike | None = None) -> dict:
    global _parser_ready
    if not _parser_ready:
        setup_yaml_parser()
        _parser_ready = True
    path = Path(path or os.environ.get("JOBSIGHT_CONFIG") or DEFAULT_PATH)
    with open(path) as handle:
        return yaml.safe_load(handle)


def db_uri(config: dict, database: str) -> str:
    """The SQLAlchemy URI of one of our databases: users, jobs, warehouse or coordinator."""
    return config["DATABASES"][database]
