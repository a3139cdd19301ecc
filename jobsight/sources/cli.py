"""``jobsight parse``: run a source adapter over saved documents and print postings as JSON lines."""
from __future__ import annotations

import dataclasses
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, TextIO

from jobsight.posting import RawPosting
from jobsight.sources import get_adapter


def parse_files(kind: str, paths: list[str], out: TextIO = sys.stdout,
                normalize: Callable[[RawPosting], Any] | None = None, err: TextIO | None = None) -> int:
    """Parse each file with the ``kind`` adapter; write one JSON line per posting; return the count.

    Skips (and unreadable files) go to ``err`` (stderr), one line each with the reason.
    """
    adapter = get_adapter(kind)
    err = err if err is not None else sys.stderr
    count = 0
    for path in paths:
        file = Path(path)
        try:
            document = file.read_bytes()
        except OSError as exc:
            print(f"skip {path}: cannot read file: {exc.strerror or exc}", file=err)
            continue
        # Adapters take each posting's URL from the document when it has one; the file URI is
        # only the fallback (and the place a Skip points at).
        result = adapter.parse(document, file.resolve().as_uri(), None)
        for posting in result.postings:
            data = normalize(posting).to_dict() if normalize else dataclasses.asdict(posting)
            out.write(json.dumps(data, ensure_ascii=False, default=_json_default) + "\n")
            count += 1
        for skip in result.skipped:
            print(f"skip {skip.url}: {skip.reason}", file=err)
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
