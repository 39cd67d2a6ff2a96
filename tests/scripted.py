"""A scripted OpenAI-compatible server as an HTTP transport: the real openai + instructor stack
talks to it, request by request, with no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from extractor.narrative.llm import http_module

http = http_module()


def completion(payload: dict | str, *, mode: str = "tools", prompt_tokens: int = 120, completion_tokens: int = 60) -> dict:
    args = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    if mode == "tools":
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "NarrativeExtraction", "arguments": args}}]}
        finish = "tool_calls"
    else:
        message = {"role": "assistant", "content": args if mode == "json" else f"```json\n{args}\n```"}
        finish = "stop"
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "scripted-model",
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


Step = Callable[[Any], Any]


class Script:
    """Answers requests in order with the given steps (the last one repeats); records every request."""

    def __init__(self, *steps: Step | dict) -> None:
        self.steps = list(steps)
        self.requests: list[Any] = []
        self.bodies: list[dict] = []

    def __call__(self, request: Any) -> Any:
        self.requests.append(request)
        raw = request.read()
        self.bodies.append(json.loads(raw) if raw else {})
        step = self.steps[min(len(self.requests) - 1, len(self.steps) - 1)]
        if callable(step):
            return step(request)
        return http.Response(200, json=step)

    def client(self) -> Any:
        return http.AsyncClient(transport=http.MockTransport(self))


def status(code: int, **headers: str) -> Step:
    return lambda request: http.Response(code, json={"error": {"message": f"status {code}", "type": "test"}},
                                         headers=headers)


def timeout() -> Step:
    def raise_timeout(request: Any) -> Any:
        raise http.ReadTimeout("scripted: the server is too slow", request=request)

    return raise_timeout
