"""The review store: documents, runs, cells, claims, findings with fingerprints, checks and the
reviewers' decisions. ``ReviewStore`` is the access interface the batch, the ``findings`` commands
and the cross-year checks use; SQLite is the one built in (one file, opens in Datasette), and a
server database would be another implementation of the same interface chosen by ``open_store``."""

from __future__ import annotations

from pathlib import Path

from extractor.store.base import Decision, FindingFilter, Outcome, ReviewStore, RunInfo, StoreError

__all__ = ["DB_NAME", "Decision", "FindingFilter", "Outcome", "ReviewStore", "RunInfo", "StoreError", "open_store"]

DB_NAME = "review.db"


def open_store(target: str | Path) -> ReviewStore:
    """A folder (its review.db), a ``.db`` file, or ``sqlite:///path``; other URLs are refused
    with a clear reason until a server backend is added."""
    text = str(target)
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme != "sqlite":
            raise StoreError(f"{text}: only sqlite:///PATH is built in (no {scheme} backend)")
        text = rest[1:]  # as SQLAlchemy: sqlite:///relative.db, sqlite:////absolute.db
    path = Path(text)
    if path.is_dir() or not path.suffix:
        path = path / DB_NAME
    from extractor.store.sqlite import SQLiteStore

    return SQLiteStore(path)
