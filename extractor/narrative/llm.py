"""The model backend: instructor + openai against any OpenAI-compatible endpoint.

One request per report (long reports split by section within a size budget), only the prose sent,
never the tables. Ungrounded items go back to the model through instructor's re-ask while the
re-ask and token budgets last; what is still ungrounded is dropped and listed. HTTP failures are
retried with backoff by the openai client; when the endpoint keeps failing the caller falls back
to the rules backend and says so.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from extractor.config import ModelSettings, prompts_dir
from extractor.models import Dropped, Extraction, ParsedReport, Usage
from extractor.narrative.rules import narrative_spans
from extractor.narrative.schema import SCHEMA_VERSION, Claim, Narrative, NarrativeExtraction
from extractor.secrets import redact, register

if TYPE_CHECKING:
    # Imported where the backend uses them: `review` with no model imports this module (for
    # gather_limited) and must not pay for the cache, the grounding or the prompt templates.
    from jinja2 import Environment

    from extractor.narrative.cache import Cache

MODES = {"tools": "TOOLS", "json": "JSON", "md_json": "MD_JSON"}  # names of instructor.Mode members
_VERSION = re.compile(r"\{#\s*prompt-version:\s*(\S+)\s*#\}")


def http_module() -> Any:
    """The HTTP library the installed openai client is built on (httpx2 in openai 3, httpx before);
    tests build their scripted transports from it."""
    import openai._base_client as base

    return getattr(base, "httpx2", None) or base.httpx  # type: ignore[attr-defined]


class ModelUnavailable(Exception):
    """The endpoint could not give a usable answer; the report is reviewed with the rules backend."""


def _env() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(prompts_dir())), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def prompt_version() -> str:
    m = _VERSION.search((prompts_dir() / "narrative.system.j2").read_text(encoding="utf-8"))
    return m.group(1) if m else "unversioned"


@dataclass
class _Attempts:
    """Counts every attempt's tokens, re-asks included (not only the last answer's)."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    errors: list[str] = field(default_factory=list)

    def on_response(self, response: Any) -> None:
        self.requests += 1
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
            self.completion_tokens += getattr(usage, "completion_tokens", 0) or 0


def chunks(report: ParsedReport, max_chars: int) -> list[list[dict[str, str]]]:
    """The prose by section, grouped into parts of at most max_chars (a section longer than that
    is cut at paragraph ends)."""
    titles = {s.key: s.title for s in report.sections}
    pieces: list[dict[str, str]] = []
    for key, start, end in narrative_spans(report):
        body = report.text[start:end].strip()
        if not body:
            continue
        title = titles.get(key or "", "开头")
        while len(body) > max_chars:
            cut = body.rfind("\n", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            pieces.append({"title": title, "text": body[:cut].strip()})
            body = body[cut:].strip()
        pieces.append({"title": title, "text": body})
    parts: list[list[dict[str, str]]] = [[]]
    size = 0
    for piece in pieces:
        if parts[-1] and size + len(piece["text"]) > max_chars:
            parts.append([])
            size = 0
        parts[-1].append(piece)
        size += len(piece["text"])
    return [p for p in parts if p]


def _in_chain(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        if isinstance(current, kind):
            return current
        seen.append(current)
        current = current.__cause__ or current.__context__
    return None


def _root_cause(exc: BaseException) -> BaseException:
    """The endpoint's own error under instructor's retry wrapper (APITimeoutError, RateLimitError…)."""
    seen = exc
    chain = [exc]
    while (nxt := seen.__cause__ or seen.__context__) is not None and nxt not in chain:
        chain.append(nxt)
        seen = nxt
    for e in chain:
        if type(e).__module__.startswith("openai"):
            return e
    return exc


def _redact(message: str, settings: ModelSettings) -> str:
    return redact(message)[:300]


class AnswerTooLarge(Exception):
    """The endpoint's answer exceeded max_answer_bytes; it was not read further."""


def capped(inner: Any, limit: int) -> Any:
    """A transport that refuses an answer over `limit` bytes as it streams in: a huge answer is
    neither held in memory, nor parsed, nor sent back to the model in a re-ask."""
    http = http_module()

    class CappedTransport(http.AsyncBaseTransport):  # type: ignore[name-defined]
        async def handle_async_request(self, request: Any) -> Any:
            response = await inner.handle_async_request(request)
            declared = response.headers.get("content-length", "")
            chunks: list[bytes] = []
            size = int(declared) if declared.isdigit() else 0
            if size <= limit:
                size = 0
                async for chunk in response.stream:  # raw bytes, as the network gives them
                    size += len(chunk)
                    if size > limit:
                        break
                    chunks.append(chunk)
            await response.aclose()
            if size > limit:
                raise AnswerTooLarge(f"the endpoint's answer is over {limit:,} bytes; refused unread")
            return http.Response(response.status_code, headers=response.headers, content=b"".join(chunks),
                                 request=request, extensions=response.extensions)

        async def aclose(self) -> None:
            await inner.aclose()

    return CappedTransport()


class ModelBackend:
    def __init__(self, settings: ModelSettings, http_client: Any = None,
                 cache: Cache | None = None) -> None:
        if not settings.model:
            raise ModelUnavailable("no model configured: pass --model or set EXTRACTOR_MODEL")
        self.settings = settings
        # Imported here, not at module level: a run with no model configured never pays their start-up.
        import instructor
        from openai import AsyncOpenAI, DefaultAsyncHttpxClient

        from extractor.narrative.cache import Cache

        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
        register(settings.api_key.get_secret_value() if settings.api_key else None)
        http = http_module()
        if http_client is None:
            http_client = DefaultAsyncHttpxClient()
        # httpx keeps a client's transport in `_transport`; wrapping it caps every answer, scripted ones too.
        http_client._transport = capped(http_client._transport, settings.max_answer_bytes)
        timeout = http.Timeout(min(settings.timeout, settings.deadline), connect=settings.connect_timeout)
        self.openai = AsyncOpenAI(api_key=key, base_url=settings.base_url, timeout=timeout,
                                  max_retries=settings.max_retries, http_client=http_client)
        self.client = instructor.from_openai(self.openai, mode=instructor.Mode[MODES[settings.mode]])
        self.cache = cache if cache is not None else (Cache() if settings.use_cache else None)
        self.prompt_version = prompt_version()
        env = _env()
        self.system = env.get_template("narrative.system.j2").render()
        self.user = env.get_template("narrative.user.j2")

    def _key(self, parts: list[list[dict[str, str]]]) -> str:
        from extractor.narrative.cache import cache_key

        digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
        s = self.settings
        return cache_key(s.model or "", s.base_url or "", s.mode, self.prompt_version, SCHEMA_VERSION, digest)

    async def _ask(self, report: ParsedReport, part: list[dict[str, str]], no: int, count: int,
                   attempts: _Attempts) -> NarrativeExtraction:
        from instructor.core.hooks import Hooks

        s = self.settings
        hooks = Hooks()
        hooks.on("completion:response", attempts.on_response)
        start_requests = attempts.requests

        def may_reask() -> bool:
            used = attempts.prompt_tokens + attempts.completion_tokens
            return attempts.requests - start_requests <= s.reasks and used < s.token_budget

        d = report.document
        messages: list[Any] = [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.user.render(title=d.title, agency=d.agency, year=d.year,
                                                         sections=part, part_no=no, part_count=count)},
        ]
        result: NarrativeExtraction = await self.client.create(
            response_model=NarrativeExtraction, messages=messages, model=s.model, temperature=0,
            max_retries=s.reasks, context={"text": report.text, "may_reask": may_reask}, hooks=hooks,
        )
        return result

    async def extract(self, report: ParsedReport) -> tuple[list[Claim], Narrative, Extraction]:
        from extractor.narrative.grounding import ground

        s = self.settings
        parts = chunks(report, s.chunk_chars)
        info = Extraction(backend="openai", model=s.model, prompt_version=self.prompt_version,
                          schema_version=SCHEMA_VERSION)
        key = self._key(parts)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            info.cached = True
            info.dropped = [Dropped.model_validate(x) for x in hit["dropped"]]
            return ([Claim.model_validate(c) for c in hit["claims"]], Narrative.model_validate(hit["narrative"]), info)
        attempts = _Attempts()
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(s.deadline):
                merged = await self._ask_all(report, parts, attempts)
        except TimeoutError:
            raise ModelUnavailable(f"no complete answer within the deadline of {s.deadline:g} s") from None
        except Exception as exc:  # every failure of the endpoint or the answer: fall back, say why
            too_large = _in_chain(exc, AnswerTooLarge)
            root = too_large or _root_cause(exc)
            raise ModelUnavailable(_redact(f"{type(root).__name__}: {root}", s)) from exc
        finally:
            info.latency_s = round(time.perf_counter() - t0, 3)
            info.usage = Usage(requests=attempts.requests, prompt_tokens=attempts.prompt_tokens,
                               completion_tokens=attempts.completion_tokens,
                               cost_usd=(attempts.prompt_tokens * s.price_in_per_mtok
                                         + attempts.completion_tokens * s.price_out_per_mtok) / 1e6)
        # A server may echo the key in its answer: nothing of it reaches a memo or the cache.
        merged = NarrativeExtraction.model_validate_json(redact(merged.model_dump_json()))
        spans = [(a, b) for _, a, b in narrative_spans(report)]
        claims, narrative, dropped = ground(merged, report, spans)
        info.dropped = [Dropped.model_validate(x) for x in dropped]
        if self.cache is not None:
            self.cache.put(key, {
                "claims": [c.model_dump(mode="json") for c in claims],
                "narrative": narrative.model_dump(mode="json"),
                "dropped": [d.model_dump(mode="json") for d in info.dropped],
            })
        return claims, narrative, info

    async def _ask_all(self, report: ParsedReport, parts: list[list[dict[str, str]]],
                       attempts: _Attempts) -> NarrativeExtraction:
        merged = NarrativeExtraction()
        for no, part in enumerate(parts, start=1):
            got = await self._ask(report, part, no, len(parts), attempts)
            offset = len(merged.problems)
            for imp in got.improvements:
                imp.answers = [a + offset for a in imp.answers]
            merged.claims += got.claims
            merged.channels += got.channels
            merged.problems += got.problems
            merged.improvements += got.improvements
            merged.organization = merged.organization or got.organization
        return merged

    async def aclose(self) -> None:
        await self.openai.close()


async def gather_limited(coros: list, limit: int) -> list:
    sem = asyncio.Semaphore(max(1, limit))

    async def run(c: Any) -> Any:
        async with sem:
            return await c

    return await asyncio.gather(*(run(c) for c in coros))
