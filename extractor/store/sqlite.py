"""The SQLite store: one file, WAL mode so readers (Datasette, a web app) never block the writer
and several writers (reviewers' decisions) wait their turn; every change in a transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractor.store.base import Decision, FindingFilter, Outcome, ReviewStore, RunInfo, StoreError
from extractor.store.records import ReviewRecord, agency_key, content_rows, finding_content

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT, tool_version TEXT, rules_version TEXT,
  backend TEXT, model TEXT, command TEXT, inputs INTEGER, reviewed INTEGER, skipped INTEGER,
  failed INTEGER, findings INTEGER, requests INTEGER DEFAULT 0, prompt_tokens INTEGER DEFAULT 0,
  completion_tokens INTEGER DEFAULT 0, cost_usd REAL DEFAULT 0, seconds REAL);
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY, input TEXT NOT NULL UNIQUE, path TEXT, sha256 TEXT, format TEXT,
  agency TEXT, agency_key TEXT, year INTEGER, template TEXT, title TEXT, report_date TEXT,
  reading TEXT, text TEXT);
CREATE INDEX IF NOT EXISTS documents_series ON documents(agency_key, year);
CREATE TABLE IF NOT EXISTS reviews (
  document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  run_id INTEGER REFERENCES runs(id), sha256 TEXT, status TEXT NOT NULL, error TEXT,
  tool_version TEXT, rules_version TEXT, backend TEXT, model TEXT, errors INTEGER, warnings INTEGER,
  infos INTEGER, problems INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd REAL,
  seconds REAL, reviewed_at TEXT);
CREATE TABLE IF NOT EXISTS cells (
  document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE, key TEXT, name TEXT, table_id TEXT,
  row_label TEXT, col_label TEXT, value NUMERIC, kind TEXT, raw TEXT, unit TEXT,
  start INTEGER, "end" INTEGER, line INTEGER);
CREATE INDEX IF NOT EXISTS cells_document ON cells(document_id, key);
CREATE TABLE IF NOT EXISTS claims (
  document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE, metric TEXT, kind TEXT, value NUMERIC,
  qualifier TEXT, cells TEXT, quote TEXT, start INTEGER, "end" INTEGER, extractor TEXT);
CREATE INDEX IF NOT EXISTS claims_document ON claims(document_id);
CREATE TABLE IF NOT EXISTS narrative (
  document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE, kind TEXT, idx INTEGER, summary TEXT,
  category TEXT, quote TEXT, start INTEGER, "end" INTEGER);
CREATE INDEX IF NOT EXISTS narrative_document ON narrative(document_id);
CREATE TABLE IF NOT EXISTS checks (
  document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE, rule TEXT, status TEXT,
  checked INTEGER, failed INTEGER, detail TEXT, PRIMARY KEY (document_id, rule));
CREATE TABLE IF NOT EXISTS findings (
  id INTEGER PRIMARY KEY, document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL, scope TEXT NOT NULL DEFAULT 'report', rule TEXT, severity TEXT,
  message TEXT, expected, found, evidence TEXT, status TEXT NOT NULL,
  first_run INTEGER, last_run INTEGER, UNIQUE (document_id, fingerprint));
CREATE INDEX IF NOT EXISTS findings_fingerprint ON findings(fingerprint);
CREATE TABLE IF NOT EXISTS decisions (
  document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE, fingerprint TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('accepted', 'dismissed')), note TEXT, reviewer TEXT,
  decided_at TEXT, PRIMARY KEY (document_id, fingerprint));
CREATE VIEW IF NOT EXISTS findings_view AS
  SELECT f.id, d.input, d.agency, d.year, f.rule, f.severity, f.status, f.message, f.expected, f.found,
         dec.decision, dec.note, f.fingerprint, f.scope, f.evidence
  FROM findings f JOIN documents d ON d.id = f.document_id
  LEFT JOIN decisions dec ON dec.document_id = f.document_id AND dec.fingerprint = f.fingerprint;
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStore(ReviewStore):
    def __init__(self, path: Path, batch_size: int = 64) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{path}: cannot open the review store ({exc})") from None
        self.batch_size = batch_size
        self._pending = 0
        self._unreviewed: set[int] = set()  # documents with no review recorded: nothing of theirs to replace

    # --- transactions -------------------------------------------------------------------------
    def _begin(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")

    def flush(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self._pending = 0

    def close(self) -> None:
        self.flush()
        self.db.close()

    # --- runs ---------------------------------------------------------------------------------
    def begin_run(self, info: RunInfo) -> int:
        self._begin()
        cur = self.db.execute(
            "INSERT INTO runs (started_at, tool_version, rules_version, backend, model, command) VALUES (?,?,?,?,?,?)",
            (_now(), info.tool_version, info.rules_version, info.backend, info.model, info.command))
        self.flush()
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, totals: dict[str, Any]) -> None:
        cols = ["inputs", "reviewed", "skipped", "failed", "findings", "requests", "prompt_tokens",
                "completion_tokens", "cost_usd", "seconds"]
        self._begin()
        self.db.execute(f"UPDATE runs SET finished_at = ?, {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
                        (_now(), *[totals.get(c, 0) for c in cols], run_id))
        self.flush()

    def runs(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM runs ORDER BY id")]

    def reserve(self, inputs: list[tuple[str, str]]) -> dict[str, int]:
        self._begin()
        self.db.executemany("INSERT OR IGNORE INTO documents (input, path) VALUES (?, ?)", inputs)
        self.flush()
        # Content and report findings are only ever written with a review row: a document without
        # one has none, and recording it needs no deletes and no look-up of earlier findings.
        self._unreviewed = {r[0] for r in self.db.execute(
            "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM reviews)")}
        return {r[1]: r[0] for r in self.db.execute("SELECT id, input FROM documents")}

    def outcomes(self) -> dict[str, Outcome]:
        rows = self.db.execute(
            "SELECT d.input, d.path, r.sha256, r.status, r.error, r.tool_version, r.rules_version, r.backend, r.model "
            "FROM reviews r JOIN documents d ON d.id = r.document_id")
        return {r["input"]: Outcome(**dict(r)) for r in rows}

    # --- one review ---------------------------------------------------------------------------
    def _document(self, rec: ReviewRecord) -> int:
        d = rec.document
        row = self.db.execute(
            "INSERT INTO documents (input, path, sha256, format, agency, agency_key, year, template, title, "
            "report_date, reading, text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(input) DO UPDATE SET "
            "path=excluded.path, sha256=excluded.sha256, format=coalesce(excluded.format, format), "
            "agency=coalesce(excluded.agency, agency), agency_key=coalesce(excluded.agency_key, agency_key), "
            "year=coalesce(excluded.year, year), template=coalesce(excluded.template, template), "
            "title=coalesce(excluded.title, title), report_date=coalesce(excluded.report_date, report_date), "
            "reading=coalesce(excluded.reading, reading), text=coalesce(excluded.text, text) RETURNING id",
            (rec.input, rec.path, rec.sha256, d.get("format"), d.get("agency"), agency_key(d.get("agency")),
             d.get("year"), d.get("template"), d.get("title"), d.get("report_date"), d.get("reading"),
             rec.text if rec.ok else None)).fetchone()
        return int(row[0])

    def record(self, run_id: int, rec: ReviewRecord, info: RunInfo) -> None:
        self._begin()
        doc = self._document(rec)
        first = doc in self._unreviewed
        self._unreviewed.discard(doc)
        counts = rec.counts()
        usage = rec.usage
        self.db.execute(
            "INSERT OR REPLACE INTO reviews VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc, run_id, rec.sha256, "ok" if rec.ok else "failed", rec.error, info.tool_version,
             info.rules_version, info.backend, info.model, counts["error"], counts["warning"], counts["info"],
             rec.problems, usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0),
             usage.get("cost_usd", 0.0), round(rec.seconds, 4), _now()))
        if rec.ok:
            self._replace_content(doc, rec, first)
            self._carry_findings(run_id, [(doc, fp, f) for fp, f in rec.findings], "report", [] if first else [doc])
        self._pending += 1
        if self._pending >= self.batch_size:
            self.flush()

    def _replace_content(self, doc: int, rec: ReviewRecord, first: bool = False) -> None:
        rows = rec.rows if rec.document_id == doc and rec.rows else content_rows(doc, json.loads(rec.line)["review"])
        for table, marks in (("cells", 13), ("claims", 10), ("narrative", 8), ("checks", 6)):
            if not first:
                self.db.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc,))
            self.db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * marks)})", rows[table])

    def _carry_findings(self, run_id: int, found: list[tuple[int, str, tuple[Any, ...]]], scope: str,
                        documents: Iterable[int] | None) -> dict[str, int]:
        """Findings seen before keep their row (and so their decision): `open`; unseen ones are `new`;
        earlier ones no longer raised become `gone`. ``documents`` limits which earlier ones are
        compared (None: every finding of the scope). ``found``: (document, fingerprint, finding_content)."""
        old: dict[tuple[int, str], str] = {}
        if documents is None:
            old_rows = self.db.execute("SELECT document_id, fingerprint, status FROM findings WHERE scope = ?", (scope,))
            old = {(r[0], r[1]): r[2] for r in old_rows}
        elif docs := list(documents):
            old_rows = self.db.execute(
                f"SELECT document_id, fingerprint, status FROM findings WHERE scope = ? AND document_id IN "
                f"({','.join('?' * len(docs))})", (scope, *docs))
            old = {(r[0], r[1]): r[2] for r in old_rows}
        tally = {"new": 0, "open": 0, "gone": 0}
        seen = set()
        rows = []
        for doc, fp, content in found:
            if (doc, fp) in seen:
                continue
            seen.add((doc, fp))
            status = "open" if old.get((doc, fp)) in ("new", "open") else "new"
            tally[status] += 1
            rows.append((doc, fp, scope, *content, status, run_id, run_id))
        self.db.executemany(
            "INSERT INTO findings (document_id, fingerprint, scope, rule, severity, message, expected, found, "
            "evidence, status, first_run, last_run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(document_id, fingerprint) DO UPDATE SET rule=excluded.rule, severity=excluded.severity, "
            "message=excluded.message, expected=excluded.expected, found=excluded.found, "
            "evidence=excluded.evidence, status=excluded.status, last_run=excluded.last_run", rows)
        for (doc, fp), status in old.items():
            if (doc, fp) not in seen and status != "gone":
                tally["gone"] += 1
                self.db.execute("UPDATE findings SET status = 'gone', last_run = ? WHERE document_id = ? AND "
                                "fingerprint = ?", (run_id, doc, fp))
        return tally

    def replace_crossyear(self, run_id: int, findings: list[tuple[int, str, dict[str, Any]]]) -> dict[str, int]:
        self._begin()
        tally = self._carry_findings(run_id, [(doc, fp, finding_content(f)) for doc, fp, f in findings], "crossyear",
                                     None)
        self.flush()
        return tally

    # --- reading ------------------------------------------------------------------------------
    def _tuples(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Cursor:
        """A cursor yielding plain tuples (no sqlite3.Row to build per row)."""
        cur = self.db.cursor()
        cur.row_factory = None
        return cur.execute(sql, tuple(args))

    def _dicts(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts of column name to value, as dict(sqlite3.Row) gives them, built faster."""
        cur = self._tuples(sql, args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def documents(self) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT d.id, d.input, d.path, d.sha256, d.format, d.agency, d.agency_key, d.year, d.template, d.title, "
            "d.report_date, r.status, r.error, r.errors, r.warnings, r.infos, r.problems "
            "FROM documents d LEFT JOIN reviews r ON r.document_id = d.id ORDER BY d.input")

    def document_detail(self, document_id: int, keys: list[str] | None = None) -> dict[str, Any]:
        doc = self.db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if doc is None:
            raise StoreError(f"no document {document_id}")
        sql = "SELECT * FROM cells WHERE document_id = ?"
        args: list[Any] = [document_id]
        if keys is not None:
            sql += f" AND (key IN ({','.join('?' * len(keys))}) OR table_id = 'legacy')"
            args += keys
        cells = self._dicts(sql, args)
        narrative = self._dicts("SELECT * FROM narrative WHERE document_id = ? ORDER BY kind, idx", (document_id,))
        problems = self.db.execute("SELECT problems FROM reviews WHERE document_id = ?", (document_id,)).fetchone()
        return {**dict(doc), "cells": cells, "narrative": narrative, "problems": problems[0] if problems else None}

    def cell_values(self, keys: list[str]) -> dict[int, dict[str, Any]]:
        marks = ",".join("?" * len(keys))
        named = set(keys)
        out: dict[int, dict[str, Any]] = {}
        for doc, key, name, value in self._tuples(
                f"SELECT document_id, key, name, value FROM cells WHERE (key IN ({marks}) OR name IN ({marks})) "
                "AND kind IN ('number', 'zero')", (*keys, *keys)):
            out.setdefault(doc, {})[name if name in named else key] = value
        return out

    def narrative_items(self, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
        return self._dicts(
            f"SELECT n.*, d.input, d.agency, d.year FROM narrative n JOIN documents d ON d.id = n.document_id "
            f"WHERE n.kind IN ({','.join('?' * len(kinds))}) ORDER BY d.input, n.kind, n.idx", kinds)

    def findings(self, flt: FindingFilter) -> list[dict[str, Any]]:
        sql, args = self._finding_query(flt)
        return [self._finding_row(r) for r in self.db.execute(self._finding_select() + sql, args)]

    def finding_rules(self, flt: FindingFilter) -> list[str]:
        sql, args = self._finding_query(flt)
        return [r[0] for r in self.db.execute(
            "SELECT f.rule FROM findings f JOIN documents d ON d.id = f.document_id LEFT JOIN decisions dec "
            "ON dec.document_id = f.document_id AND dec.fingerprint = f.fingerprint" + sql, args)]

    @staticmethod
    def _finding_query(flt: FindingFilter) -> tuple[str, list[Any]]:
        """WHERE … ORDER BY … [LIMIT] of a finding query, and its arguments."""
        where: list[str] = []
        args: list[Any] = []
        if flt.status == "standing":
            where.append("f.status IN ('new', 'open')")
        elif flt.status:
            where.append("f.status = ?")
            args.append(flt.status)
        for col, value in (("f.rule", flt.rule), ("f.severity", flt.severity)):
            if value:
                where.append(f"{col} = ?")
                args.append(value)
        if flt.decision == "none":
            where.append("dec.decision IS NULL")
        elif flt.decision:
            where.append("dec.decision = ?")
            args.append(flt.decision)
        if flt.document:
            where.append("(d.input LIKE ? OR d.agency LIKE ?)")
            args += [f"%{flt.document}%"] * 2
        sql = ((" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY d.input, f.severity = 'info', f.severity = 'warning', f.id")
        if flt.limit:
            sql += f" LIMIT {int(flt.limit)}"
        return sql, args

    @staticmethod
    def _finding_select() -> str:
        return ("SELECT f.*, d.input, d.path, d.agency, d.year, d.template, dec.decision, dec.note, dec.reviewer, "
                "dec.decided_at FROM findings f JOIN documents d ON d.id = f.document_id LEFT JOIN decisions dec "
                "ON dec.document_id = f.document_id AND dec.fingerprint = f.fingerprint")

    @staticmethod
    def _finding_row(row: sqlite3.Row) -> dict[str, Any]:
        out = dict(row)
        out["evidence"] = json.loads(out["evidence"] or "[]")
        return out

    def finding(self, ref: str) -> dict[str, Any]:
        """By row id (``12`` or ``#12``) or by fingerprint (a unique prefix of at least 6 digits)."""
        ref = ref.strip().lstrip("#")
        if ref.isdigit() and len(ref) < 6:
            rows = list(self.db.execute(self._finding_select() + " WHERE f.id = ?", (int(ref),)))
        elif len(ref) >= 6:
            rows = list(self.db.execute(self._finding_select() + " WHERE f.fingerprint LIKE ?", (ref.lower() + "%",)))
        else:
            raise StoreError(f"{ref}: give a finding id or at least 6 digits of its fingerprint")
        if not rows:
            raise StoreError(f"{ref}: no such finding in {self.path}")
        if len(rows) > 1:
            raise StoreError(f"{ref}: {len(rows)} findings match; give more digits of the fingerprint")
        return self._finding_row(rows[0])

    def decide(self, ref: str, decision: Decision, note: str | None, reviewer: str | None) -> dict[str, Any]:
        found = self.finding(ref)
        self._begin()
        try:
            self.db.execute("INSERT OR REPLACE INTO decisions VALUES (?,?,?,?,?,?)",
                            (found["document_id"], found["fingerprint"], decision, note, reviewer, _now()))
        finally:
            self.flush()
        return self.finding(str(found["id"]))
