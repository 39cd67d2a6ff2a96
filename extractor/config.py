"""Configuration in one place: where templates and prompts live, model settings from the environment."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

ROOT = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    """schemas/ or prompts/: inside the installed package (a wheel maps them to extractor/NAME),
    else at the top of the checkout (an editable install or a run from the source tree)."""
    packaged = Path(__file__).parent / name  # what importlib.resources.files("extractor") gives, without its ~10 ms import
    return packaged if packaged.is_dir() else ROOT / name


def schemas_dir() -> Path:
    return Path(os.environ.get("EXTRACTOR_SCHEMAS") or _shipped("schemas"))


def prompts_dir() -> Path:
    return Path(os.environ.get("EXTRACTOR_PROMPTS") or _shipped("prompts"))


_SIZE_SUFFIX = {"k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


class Limits(BaseModel):
    """What one report may cost. Each default is far above a real report (tens of KB of text, a few
    dozen pages) and far below what exhausts the machine; each can be raised by an option
    (``--limit NAME=VALUE``) or the environment (``EXTRACTOR_LIMIT_NAME``)."""

    bytes: int = Field(default=50_000_000, gt=0, description="size of an input file")
    chars: int = Field(default=2_000_000, gt=0, description="characters of text extracted from it")
    pages: int = Field(default=300, gt=0, description="pages of a PDF")
    docx_inflated: int = Field(default=100_000_000, gt=0, description="uncompressed size of a DOCX archive")
    docx_entries: int = Field(default=2_000, gt=0, description="files inside a DOCX archive")
    seconds: float = Field(default=20.0, gt=0, description="time to parse and review one report")

    @classmethod
    def from_env(cls, overrides: list[str] | None = None) -> Limits:
        """Defaults, then EXTRACTOR_LIMIT_* variables, then NAME=VALUE overrides (sizes take k/M/G).
        A malformed value is a ValueError naming it."""
        values: dict[str, float] = {}
        pairs = [(name, os.environ[f"EXTRACTOR_LIMIT_{name.upper()}"]) for name in cls.model_fields
                 if f"EXTRACTOR_LIMIT_{name.upper()}" in os.environ]
        for item in overrides or []:
            name, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"--limit {item!r}: expected NAME=VALUE")
            pairs.append((name.strip().lower(), value))
        for name, value in pairs:
            if name not in cls.model_fields:
                raise ValueError(f"unknown limit {name!r} (known: {', '.join(cls.model_fields)})")
            raw = value.strip().lower().removesuffix("b")
            scale = _SIZE_SUFFIX.get(raw[-1:], 1)
            try:
                number = float(raw[:-1] if scale > 1 else raw) * scale
            except ValueError:
                raise ValueError(f"limit {name}={value!r}: not a number") from None
            if not number > 0:
                raise ValueError(f"limit {name}={value!r}: must be above zero")
            values[name] = number
        return cls.model_validate({k: v if k == "seconds" else int(v) for k, v in values.items()})


_limits: Limits | None = None


def limits() -> Limits:
    """The limits in force: set by the command line, else read from the environment once."""
    global _limits
    if _limits is None:
        _limits = Limits.from_env()
    return _limits


def use_limits(value: Limits | None) -> None:
    global _limits
    _limits = value


class ModelSettings(BaseModel):
    """Settings of the model backend; the key is a SecretStr so it never prints."""

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    mode: str = "tools"
    timeout: float = Field(default=60.0, description="seconds for one HTTP request")
    connect_timeout: float = Field(default=10.0, description="seconds to connect to the endpoint")
    deadline: float = Field(default=90.0, description="seconds for a report's whole model extraction "
                            "(every request, retry and re-ask); then the rules backend takes over")
    max_answer_bytes: int = Field(default=1_000_000, description="an answer larger than this is refused unread")
    max_retries: int = Field(default=3, description="HTTP retries with backoff on 429, 5xx, timeouts")
    reasks: int = Field(default=2, description="re-asks when the answer fails validation or grounding")
    chunk_chars: int = Field(default=6000, description="prose characters per request; longer reports split by section")
    token_budget: int = Field(default=24000, description="tokens per report after which no more re-asks")
    use_cache: bool = True
    price_in_per_mtok: float = Field(default=0.0, description="USD per million prompt tokens")
    price_out_per_mtok: float = Field(default=0.0, description="USD per million completion tokens")

    @classmethod
    def from_env(cls, **overrides: object) -> ModelSettings:
        env = os.environ
        key = env.get("EXTRACTOR_API_KEY") or env.get("OPENAI_API_KEY")
        values: dict[str, object] = {
            "model": env.get("EXTRACTOR_MODEL") or env.get("OPENAI_MODEL"),
            "base_url": env.get("EXTRACTOR_BASE_URL") or env.get("OPENAI_BASE_URL"),
            "api_key": SecretStr(key) if key else None,
            "price_in_per_mtok": float(env.get("EXTRACTOR_PRICE_IN", "0") or 0),
            "price_out_per_mtok": float(env.get("EXTRACTOR_PRICE_OUT", "0") or 0),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("api_key"), str):
            values["api_key"] = SecretStr(str(values["api_key"]))
        return cls.model_validate(values)

    @property
    def configured(self) -> bool:
        return bool(self.model and (self.base_url or self.api_key))
