"""The ASGI app: pages over the review store and one state-changing request (a decision).

Every endpoint is ``async`` on purpose: the store's SQLite connection belongs to the thread that
opened it, and running every request on the event loop's thread keeps that one connection (and
serialises this process's writes, while WAL and the store's transactions keep other processes'
writes, such as a batch rerun, safe)."""

from __future__ import annotations

import contextlib
import getpass
import secrets
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from extractor.reconcile.crossyear import CROSSYEAR_RULES
from extractor.reconcile.findings import RULES
from extractor.serve import charts, queries
from extractor.serve.memo import MEDIA, MemoUnavailable, accepted_memo
from extractor.serve.security import Guard, same
from extractor.serve.source import blocks
from extractor.store import Decision, ReviewStore, StoreError, open_store

HERE = Path(__file__).parent
MAX_BODY = 64 * 1024
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
DECISION_ZH = {"accepted": "已采纳", "dismissed": "已驳回"}
ALL_RULES = {**RULES, **CROSSYEAR_RULES}
# The summary's key cells and indicators under the names a reviewer reads (extractor.summary.indicators).
KEY_LABELS = {"new": "本年新收申请", "carried_over": "上年结转", "granted": "予以公开", "partial": "部分公开",
              "not_held": "本机关不掌握", "result_total": "办理结果总计", "carried_forward": "结转下年度",
              "review_total": "行政复议总计", "review_corrected": "复议纠错", "suit_total": "行政诉讼总计",
              "suit_corrected": "诉讼纠错", "suit_after_review_total": "复议后起诉总计",
              "suit_after_review_corrected": "复议后起诉纠错", "normative_in_force": "规范性文件现行有效"}


def when(iso: str | None) -> str:
    """A decision's time as a reviewer reads it (the store keeps ISO 8601 in UTC)."""
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else ""


def store_path(target: Path) -> Path:
    """The store file a serve target names (a batch output folder or its .db). Checked read-only
    before the store is opened, since opening creates its tables in whatever file it is given."""
    path = target / "review.db" if target.is_dir() else target
    if not path.is_file():
        raise StoreError(f"{target}: no review store here (run `extractor batch … -o {target}` first)")
    try:
        with path.open("rb") as fh:
            sqlite = fh.read(16) == b"SQLite format 3\x00"
        tables: set[str] = set()
        if sqlite:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                db.close()
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"{path}: cannot read it ({exc})") from None
    if not {"documents", "findings", "decisions"} <= tables:
        raise StoreError(f"{path}: not a review store (made by `extractor batch`)")
    return path


class Workbench:
    def __init__(self, db: Path, reviewer: str | None = None) -> None:
        self.db = db
        self.out = db.parent
        self.reviewer = reviewer or getpass.getuser()
        self.csrf = secrets.token_urlsafe(32)
        self._store: ReviewStore | None = None
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["when"] = when
        self.env.globals.update(csrf=self.csrf, severity_zh=SEVERITY_ZH, decision_zh=DECISION_ZH,
                                rule_title=lambda r: ALL_RULES[r].problem if r in ALL_RULES else r)

    @property
    def store(self) -> ReviewStore:
        if self._store is None:  # opened on the event loop's thread (see the module docstring)
            self._store = open_store(self.db)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def page(self, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(db=self.db, reviewer=self.reviewer, **ctx),
                            status_code=status)

    def not_found(self, what: str) -> HTMLResponse:
        return self.page("error.html.j2", 404, message=what)

    # --- pages --------------------------------------------------------------------------------
    async def batch(self, request: Request) -> Response:
        from extractor.summary import memo as summary
        from extractor.summary import table

        q = queries.BatchQuery.of(request.query_params)
        found = queries.standing(self.store)
        rows = queries.batch_rows(self.store, q, found)
        docs = self.store.documents()
        overview = summary.build(self.store, table.rows(self.store))
        return self.page(
            "batch.html.j2", q=q, rows=rows, overview=overview, total=len(docs),
            years=sorted({d["year"] for d in docs if d["year"]}), rules=sorted({f["rule"] for f in found}),
            decided=sum(1 for f in found if f["decision"]), standing=len(found),
            by_rule=charts.bars(queries.counts_by(found, "rule")),
            by_office=charts.bars(queries.counts_by(found, "agency")), bar_row=charts.ROW)

    def _document(self, request: Request) -> dict[str, Any] | None:
        try:
            return self.store.document_detail(int(request.path_params["doc"]))
        except StoreError:
            return None

    async def report(self, request: Request) -> Response:
        doc = self._document(request)
        if doc is None:
            return self.not_found("没有这份报告")
        found = queries.report_findings(self.store, doc["id"], doc["input"])
        ids = {d["input"]: d["id"] for d in self.store.documents()}
        return self.page("report.html.j2", d=doc, findings=found, others=ids, on_report=True,
                         blocks=blocks(doc["text"] or "", doc["cells"], found, doc["input"]),
                         counts={s: sum(1 for f in found if f["severity"] == s) for s in SEVERITY_ZH},
                         accepted=sum(1 for f in found if f["decision"] == "accepted" and f["scope"] == "report"))

    async def memo(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        doc = self._document(request)
        if doc is None or fmt not in MEDIA:
            return self.not_found("没有这份报告或这种格式")
        accepted = {f["fingerprint"] for f in queries.report_findings(self.store, doc["id"], doc["input"])
                    if f["decision"] == "accepted" and f["scope"] == "report"}
        try:
            body = accepted_memo(self.out, doc["input"], doc["text"] or "", accepted, fmt)
        except MemoUnavailable as exc:
            return PlainTextResponse(f"{exc}\n", status_code=409)
        media, suffix = MEDIA[fmt]
        name = f"memo-{doc['id']}{suffix}"
        return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})

    async def office(self, request: Request) -> Response:
        from extractor.summary import table
        from extractor.summary.indicators import INDICATORS

        key = request.path_params["key"]
        docs = queries.series(self.store, key)
        if not docs:
            return self.not_found("没有这个机关的报告")
        inputs = {d["input"] for d in docs}
        summary_rows = {r["input"]: r for r in table.rows(self.store) if r["input"] in inputs}
        ids = {d["id"] for d in docs}
        found = [f for f in queries.standing(self.store) if f["document_id"] in ids and f["scope"] == "crossyear"]
        return self.page("office.html.j2", docs=docs, rows=summary_rows, key_labels=KEY_LABELS,
                         indicators=INDICATORS, findings=found, others={d["input"]: d["id"] for d in docs})

    # --- the one state-changing request -------------------------------------------------------
    async def decide(self, request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("request too large\n", status_code=413)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        if not same(request.headers.get("x-csrf-token") or form.get("csrf"), self.csrf):
            return PlainTextResponse("missing or wrong CSRF token: reload the page\n", status_code=403)
        decision = form.get("decision")
        if decision not in DECISION_ZH:
            return PlainTextResponse("decision must be accepted or dismissed\n", status_code=400)
        note = (form.get("note") or "").strip()[:2000] or None
        reviewer = (form.get("reviewer") or "").strip()[:80] or self.reviewer
        try:
            f = self.store.decide(str(request.path_params["fid"]), cast(Decision, decision), note, reviewer)
        except StoreError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=404)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({k: f[k] for k in ("id", "decision", "note", "reviewer", "decided_at")})
        return RedirectResponse(f"/report/{f['document_id']}#f{f['id']}", status_code=303)


def create_app(target: Path, reviewer: str | None = None, token: str | None = None,
               hosts: set[str] | None = None) -> Any:
    """The ASGI app over the store at ``target``. ``hosts``: the Host names accepted (None: any,
    for a server behind a name the user chose); ``token``: required on every request when set."""
    bench = Workbench(store_path(target), reviewer)
    routes = [
        Route("/", bench.batch),
        Route("/report/{doc:int}", bench.report),
        Route("/report/{doc:int}/memo.{fmt}", bench.memo),
        Route("/office/{key:path}", bench.office),
        Route("/finding/{fid:int}/decide", bench.decide, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        bench.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.bench = bench
    return Guard(app, token, hosts)
