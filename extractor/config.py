"""Configuration in one place: where templates and prompts live, model settings from the environment."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

ROOT = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    """schemas/ or prompts/: inside the installed package (a wheel maps them to extractor/NAME),
    else at the top of the checkout (an editable install or a run from the source tree)."""
    packaged = Path(str(files("extractor") / name))
    return packaged if packaged.is_dir() else ROOT / name


def schemas_dir() -> Path:
    return Path(os.environ.get("EXTRACTOR_SCHEMAS") or _shipped("schemas"))


def prompts_dir() -> Path:
    return Path(os.environ.get("EXTRACTOR_PROMPTS") or _shipped("prompts"))


class ModelSettings(BaseModel):
    """Settings of the model backend; the key is a SecretStr so it never prints."""

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    mode: str = "tools"
    timeout: float = 60.0
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
