"""The narrative schema: what the text says, each item grounded by a verbatim quote with offsets.

Both backends fill these records. Offsets are computed by code from the quote (never taken from a
model) and index ``ParsedReport.text``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from extractor.models import Number

Extractor = Literal["rules", "model", "rules+model"]

QUALITATIVE = {
    "all_on_time": "所有申请均按时办结/答复",
    "no_requests": "本年未收到政府信息公开申请",
    "no_review": "未发生政府信息公开行政复议",
    "no_suit": "未发生政府信息公开行政诉讼",
    "no_fees": "未收取任何费用",
    "nothing_withheld": "申请均予以公开，无不予公开",
}

CHANNEL_KINDS = ["website", "wechat", "weibo", "app", "gazette", "bulletin_board", "service_window",
                 "hotline", "press", "new_media", "other"]


class Grounded(BaseModel):
    quote: str = Field(description="verbatim text from the report")
    start: int = Field(description="character offset of the quote in the report text")
    end: int


class Claim(Grounded):
    metric: str = Field(description="metric id from schemas/metrics.yaml, or a qualitative assertion id")
    kind: Literal["numeric", "qualitative"] = "numeric"
    value: Number | None = None
    unit: str | None = None
    qualifier: str | None = Field(default=None, description="余/多/近/约/超过/以上… when the number is not exact")
    low: Decimal | None = None
    high: Decimal | None = None
    cells: list[str] = Field(default_factory=list, description="cell keys the claim is checked against")
    section: str | None = None
    extractor: Extractor = "rules"


class Organization(BaseModel):
    leading_group: bool | None = Field(default=None, description="a leading group (领导小组) is said to exist")
    head_title: str | None = Field(default=None, description="the group head's title, e.g. 党委副书记, 镇长")
    office: str | None = Field(default=None, description="the office in charge of the daily work")
    staffing: Literal["dedicated", "part_time", "unspecified"] | None = None
    quotes: list[Grounded] = Field(default_factory=list)


class Channel(Grounded):
    name: str
    kind: str = Field(description="one of: " + ", ".join(CHANNEL_KINDS))
    count: int | None = None


class Item(Grounded):
    summary: str
    category: str | None = None


class Improvement(Item):
    answers: list[int] = Field(default_factory=list, description="indices of the problems this improvement addresses")


class Narrative(BaseModel):
    organization: Organization = Field(default_factory=Organization)
    channels: list[Channel] = Field(default_factory=list)
    problems: list[Item] = Field(default_factory=list)
    improvements: list[Improvement] = Field(default_factory=list)

    def unanswered(self) -> list[int]:
        answered = {i for imp in self.improvements for i in imp.answers}
        return [i for i in range(len(self.problems)) if i not in answered]
