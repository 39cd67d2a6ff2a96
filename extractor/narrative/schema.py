"""The narrative schema: what the text says, each item grounded by a verbatim quote with offsets.

Both backends fill these records. Offsets are computed by code from the quote (never taken from a
model) and index ``ParsedReport.text``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from extractor.models import Number

Extractor = Literal["rules", "model", "rules+model"]

def qualitative_ids() -> dict[str, str]:
    """Qualitative assertion id -> its description, from schemas/metrics.yaml."""
    from extractor.narrative.metrics import load_assertions

    return {a.id: a.text for a in load_assertions()}

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


# --- what the model returns ---------------------------------------------------------------------
# Field descriptions are the prompt too: they tell the model what each field means and what to
# leave out. Quotes must be copied exactly; offsets are never asked of the model.
# Only the model backend validates these: their validators are built on first use (defer_build),
# so a run with the rules backend does not pay for them at import.

_DEFERRED = ConfigDict(defer_build=True)


def _metric_ids() -> list[str]:
    from extractor.narrative.metrics import load_metrics

    return [m.id for m in load_metrics()] + list(qualitative_ids())


def _metric_help() -> str:
    from extractor.narrative.metrics import load_metrics

    numeric = "; ".join(f"{m.id} = {m.text}" for m in load_metrics())
    qualitative = "; ".join(f"{k} = {v}" for k, v in qualitative_ids().items())
    return (f"指标编号。数量类：{numeric}。定性类（value 为 null）：{qualitative}。"
            "无法归入上述任何一项的数字不要输出。")


SCHEMA_VERSION = "1"


class ModelClaim(BaseModel):
    model_config = _DEFERRED

    metric: str = Field(description=_metric_help(), json_schema_extra={"enum": list[Any](_metric_ids())})
    value: float | None = Field(default=None, description="报告中写的数字，换算成阿拉伯数字（“三十六”写 36，“1.2万”写 12000）；定性表述为 null")
    unit: str | None = Field(default=None, description="单位，如 件、条、次、万元")
    qualifier: str | None = Field(default=None, description="数字前后的限定词：余、多、近、约、超过、以上、不到、累计；精确数为 null")
    quote: str = Field(description="包含该数字或表述的原文片段，逐字照抄（不得改写、不得省略、不得补字），10 至 60 字")


class ModelOrganization(BaseModel):
    model_config = _DEFERRED

    leading_group: bool | None = Field(default=None, description="是否写明成立了政府信息公开（政务公开）领导小组")
    head_title: str | None = Field(default=None, description="领导小组组长的职务，如 党委副书记、镇长；未写明为 null")
    office: str | None = Field(default=None, description="负责日常工作的机构，如 综合办公室")
    staffing: Literal["dedicated", "part_time", "unspecified"] | None = Field(
        default=None, description="工作人员为专职（dedicated）、兼职（part_time）或未说明（unspecified）")
    quote: str | None = Field(default=None, description="说明以上情况的原文，逐字照抄")


class ModelChannel(BaseModel):
    model_config = _DEFERRED

    name: str = Field(description="渠道名称，照原文写，如 “北京西集”微信公众号、政府网站、村务公开栏")
    kind: Literal["website", "wechat", "weibo", "app", "gazette", "bulletin_board", "service_window",
                  "hotline", "press", "new_media", "other"] = Field(description="渠道类别")
    count: int | None = Field(default=None, description="原文写明的经该渠道发布的条数；未写明为 null")
    quote: str = Field(description="提到该渠道的原文片段，逐字照抄")


class ModelItem(BaseModel):
    model_config = _DEFERRED

    summary: str = Field(description="用一句话（不超过30字）概括")
    category: str | None = Field(default=None, description="类别，如 机制、队伍、平台、内容、时效、依申请办理")
    quote: str = Field(description="对应的原文片段，逐字照抄")


class ModelImprovement(ModelItem):
    answers: list[int] = Field(default_factory=list, description="该改进措施针对的问题在 problems 中的序号（从0开始）")


class NarrativeExtraction(BaseModel):
    """从政府信息公开工作年度报告的文字部分抽取的内容。只依据给出的原文，不推测。"""

    model_config = _DEFERRED

    organization: ModelOrganization | None = Field(default=None, description="组织领导与人员情况")
    channels: list[ModelChannel] = Field(default_factory=list, description="报告提到的每个公开渠道")
    problems: list[ModelItem] = Field(default_factory=list, description="第五部分所列存在的问题，每条一项")
    improvements: list[ModelImprovement] = Field(default_factory=list, description="第五部分所列改进措施，每条一项")
    claims: list[ModelClaim] = Field(default_factory=list, description="正文中关于申请数量、办理结果、复议诉讼、规范性文件、许可处罚等可与表格核对的数字和定性表述")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> NarrativeExtraction:
        """Send ungrounded items back to the model while the re-ask budget lasts; after that
        they are kept here and dropped by code, so one bad item never costs the good ones."""
        ctx = info.context
        if not ctx or "text" not in ctx:
            return self
        from extractor.narrative.grounding import problems_of

        issues = problems_of(self, ctx["text"])
        if issues and ctx.get("may_reask", lambda: False)():
            raise ValueError("以下条目未能在原文中逐字找到或数值不在引文中，请逐字照抄原文后重新输出：\n" + "\n".join(issues))
        return self


if __name__ == "__main__":  # python -m extractor.narrative.schema: refresh schemas/narrative.schema.json
    import json

    from extractor.config import schemas_dir

    target = schemas_dir() / "narrative.schema.json"
    target.write_text(json.dumps(NarrativeExtraction.model_json_schema(), ensure_ascii=False, indent=2) + "\n",
                      encoding="utf-8")
    print(target)
