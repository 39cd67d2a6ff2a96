"""A persistent cache of model extractions (SQLite in the user's cache directory).

Keyed by model, endpoint, mode, prompt version, schema version and the hash of the text sent, it
holds the whole outcome, dropped items included, so a rerun makes no request at all. No API key
is ever part of a key or a value (values are redacted before they are stored).

A cache that cannot be used (corrupt, unwritable, a folder in the way) is the tool's own failure:
it is reported in one line naming the file, with the way out (--no-cache), never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

from platformdirs import user_cache_dir

from extractor.errors import SetupError


def cache_path() -> Path:
    folder = Path(os.environ.get("EXTRACTOR_CACHE_DIR") or user_cache_dir("extractor"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SetupError(f"{folder}: cannot create the model cache folder ({exc.strerror}); "
                         "set EXTRACTOR_CACHE_DIR or pass --no-cache") from None
    return folder / "llm-cache.sqlite3"


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class Cache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_path()
        try:
            self.db = sqlite3.connect(self.path, check_same_thread=False)
            self.db.execute("CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, created REAL, value TEXT)")
            # A write now, not after the model has been paid: an unwritable cache fails up front.
            self.db.execute("BEGIN IMMEDIATE")
            self.db.rollback()
            self.db.commit()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _error(self, exc: sqlite3.Error) -> SetupError:
        return SetupError(f"{self.path}: model cache unusable ({exc}); remove the file or pass --no-cache")

    def get(self, key: str) -> dict | None:
        try:
            row = self.db.execute("SELECT value FROM extraction WHERE key = ?", (key,)).fetchone()
            return json.loads(row[0]) if row else None
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        except ValueError:  # a damaged entry is a miss, not a failure: it is rewritten after the request
            return None

    def put(self, key: str, value: dict) -> None:
        try:
            self.db.execute("INSERT OR REPLACE INTO extraction VALUES (?, ?, ?)",
                            (key, time.time(), json.dumps(value, ensure_ascii=False)))
            self.db.commit()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def close(self) -> None:
        self.db.close()
