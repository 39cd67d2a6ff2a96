"""A persistent cache of model extractions (SQLite in the user's cache directory).

Keyed by model, endpoint, mode, prompt version, schema version and the hash of the text sent, it
holds the whole outcome, dropped items included, so a rerun makes no request at all. No API key
is ever part of a key or a value.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

from platformdirs import user_cache_dir


def cache_path() -> Path:
    folder = Path(os.environ.get("EXTRACTOR_CACHE_DIR") or user_cache_dir("extractor"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "llm-cache.sqlite3"


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class Cache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_path()
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, created REAL, value TEXT)")
        self.db.commit()

    def get(self, key: str) -> dict | None:
        row = self.db.execute("SELECT value FROM extraction WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: dict) -> None:
        self.db.execute("INSERT OR REPLACE INTO extraction VALUES (?, ?, ?)",
                        (key, time.time(), json.dumps(value, ensure_ascii=False)))
        self.db.commit()

    def close(self) -> None:
        self.db.close()
