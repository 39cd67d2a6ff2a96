"""Office-facing wording: cells named by the labels printed in the report, never by their keys.

The rules speak in keys (the JSON keeps them); a letter between offices names 表三“（一）予以公开”行
“自然人”列. Everything here is composed from a finding's structured data, falling back to its message
with every key replaced by its printed label.
"""

from __future__ import annotations

import re
from decimal import Decimal

from extractor.models import Cell
from extractor.reconcile import identities
from extractor.reconcile.findings import Evidence, Finding
from extractor.review import Review
from extractor.templates import TemplateSpec, load_templates

_NUMERALS = "〇一二三四五六七八九十"
# A canonical key, an identity instance id, or a key with its value in brackets: never in a letter.
KEY_RE = re.compile(r"\b(?:t[234]|legacy)\.[A-Za-z0-9_.*]+(?:\[[A-Za-z0-9_.,*]+\])?(?:\(\S*?\))?")


def number_zh(n: int) -> str:
    """1 -> 一, 12 -> 十二, 21 -> 二十一 (finding numbers in a letter)."""
    if n <= 10:
        return _NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (_NUMERALS[tens] if tens > 1 else "") + "十" + (_NUMERALS[ones] if ones else "")


def fmt_number(v: object) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


class Namer:
    """Printed names for the cells of one review."""

    def __init__(self, review: Review) -> None:
        self.review = review
        self.spec: TemplateSpec | None = load_templates().get(review.document.template or "")
        self.cells: dict[str, Cell] = {c.key: c for c in review.cells}
        self.cells.update({c.name: c for c in review.cells if c.name})
        self.table_no: dict[str, str] = {}
        if self.spec:
            numbers = {s.key: s.number for s in self.spec.sections}
            self.table_no = {t.id: numbers.get(t.section, "") for t in self.spec.tables}

    def table_name(self, table: str) -> str:
        if table == "legacy":
            return "统计表"
        no = self.table_no.get(table)
        return f"表{no}" if no else "表格"

    @staticmethod
    def row_name(cell: Cell) -> str:
        parts = [p.strip() for p in re.split(r"\s*>\s*", cell.row_label) if p.strip()]
        if cell.table == "legacy":
            return "—".join(parts[-2:]) if parts else ""
        # gov tables print the group over its first row ("三、本年度办理结果 （一）予以公开"): the row is the last part
        last = parts[-1] if parts else ""
        row = re.split(r"\s+(?=（[一二三四五六七八九十]+）)", last)[-1]
        # "（四）无法提供 1.本机关不掌握…": the group printed over its first item, joined as in 行“（四）—1.”
        return re.sub(r"\s+(?=\d+[.．])", "—", row)

    @staticmethod
    def col_name(cell: Cell) -> str:
        if cell.table == "legacy":
            return "历年累计" if "累计" in cell.col_label else ""  # the 本年度 column is the sheet's own figure
        return re.sub(r"\s*/\s*|\s+", "—", cell.col_label.strip())

    def cell(self, cell: Cell) -> str:
        """表三“（一）予以公开”行“自然人”列."""
        row, col = self.row_name(cell), self.col_name(cell)
        out = self.table_name(cell.table)
        if row and not (self.spec and any(t.title == row for t in self.spec.tables)):
            out += f"“{row}”行"
        if col and col != "统计数":
            out += f"“{col}”列"
        return out

    def key(self, key: str | None) -> str:
        cell = self.cells.get(key or "")
        return self.cell(cell) if cell else "表格中的一项"

    def evidence_cell(self, e: Evidence) -> str:
        return self.key(e.key)

    def humanize(self, text: str) -> str:
        """Any key left in a rule's message becomes the cell's printed name (the last resort)."""
        def one(m: re.Match[str]) -> str:
            raw = m.group(0)
            key = re.sub(r"\(.*\)$", "", raw)
            value = re.search(r"\((.*)\)$", raw)
            if "[" in key:
                return self.instance(key)
            name = self.key(key)
            return f"{name}（{value.group(1)}）" if value else name
        text = KEY_RE.sub(one, text)
        text = re.sub(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)",
                      lambda m: f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日", text)
        return re.sub(r"（\s*）", "", text)

    def instance(self, inst_id: str) -> str:
        """Where an identity instance applies: the row or column it runs over, as printed."""
        m = re.fullmatch(r"(.+?)(?:\[(.*)\])?", inst_id)
        if not m or self.spec is None:
            return ""
        ident_id, binding = m.group(1), m.group(2) or ""
        ident = next((i for i in self.spec.identities if i.id == ident_id), None)
        table = self.spec.table(ident_id.split(".")[0])
        if ident is None or table is None or not binding:
            return ""
        each = ident.each or {}
        if "rows" in each:
            row = next((r for r, _ in table.rows() if r.key == binding), None)
            return f"{self.table_name(table.id)}“{row.label}”行" if row else ""
        if "cols" in each:
            col = next((c for r, cols in table.rows() for c in cols if c.key == binding), None)
            label = ((col.group + "—") if col and col.group else "") + (col.label if col else "")
            return f"{self.table_name(table.id)}“{label}”列" if col else ""
        col = next((c for _, cols in table.rows() for c in cols if c.key.startswith(binding + ".")), None)
        return f"{self.table_name(table.id)}“{col.group}”" if col and col.group else ""

    def identity_sides(self, inst_id: str) -> tuple[list[str], list[str]] | None:
        if self.spec is None:
            return None
        # a legacy sheet checks each identity on its 历年累计 column too (id and keys end in .cumulative)
        base, suffix = (inst_id[: -len(".cumulative")], ".cumulative") if inst_id.endswith(".cumulative") else (inst_id, "")
        for inst in identities.instances(self.spec):
            if inst.id == base:
                return [k + suffix for k in inst.left], [k + suffix for k in inst.right]
        return None


_EFFECT = re.compile(r"^(?P<text>.*?)（(?P<id>[^（）]*)）(?:：(?P<l>\S+) ≠ (?P<r>\S+))?$")


def effect_line(namer: Namer, effect: str) -> str:
    m = _EFFECT.match(effect)
    if not m or not KEY_RE.fullmatch(m.group("id")):
        return namer.humanize(effect)
    where = namer.instance(m.group("id"))
    line = f"{where}：{m.group('text')}" if where else m.group("text")
    line += "，不成立"
    if m.group("l"):
        line += f"（按现填报数，两边分别为{m.group('l')}和{m.group('r')}）"
    return tidy(line)


def _quotes(f: Finding) -> list[Evidence]:
    return [e for e in f.evidence if e.kind == "quote"]


def _cells(f: Finding) -> list[Evidence]:
    return [e for e in f.evidence if e.kind == "cell"]


def quoted(text: str) -> str:
    """Report text set in “…”: quotes inside it become ‘…’, as a quotation within a quotation."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def _value(e: Evidence) -> str:
    return fmt_number(e.value) if e.value is not None else "空白"


def tidy(text: str) -> str:
    """Official Chinese sets no spaces around figures; quoted report text (“…”) is left as it is."""
    parts = re.split(r"(“[^”]*”)", text)
    gap = re.compile(r"(?<=[\u4e00-\u9fff，；：（）、])\s+(?=[\d-])|(?<=[\d%日])\s+(?=[\u4e00-\u9fff，；。（）、])")
    return "".join(p if p.startswith("“") else gap.sub("", p) for p in parts)


def statement(namer: Namer, f: Finding) -> str:
    """What the report states, what the table or the rule gives, and the difference."""
    try:
        text = _statement(namer, f)
    except (LookupError, TypeError, ValueError, ArithmeticError):
        text = None
    out = tidy(text or namer.humanize(f.message))
    return out if out.endswith(("。", "……", "：")) else out.rstrip("；，、") + "。"


def _diff(a: object, b: object) -> str:
    if isinstance(a, int | Decimal) and isinstance(b, int | Decimal):
        return fmt_number(abs(a - b))
    return ""


def _statement(namer: Namer, f: Finding) -> str | None:
    quotes, cells = _quotes(f), _cells(f)
    if f.rule == "identity.table":
        if f.related:
            # merged by group_by_cause: the first cell of each identity is its total, shared by all
            shared = namer.evidence_cell(cells[0]) if cells else "同一组数字"
            return (f"表内{len(f.effects)}处勾稽关系不成立，差额均为{_diff(f.found, f.expected)}，且都涉及{shared}"
                    f"（现填报为{_value(cells[0]) if cells else '—'}），可能源于同一处填报错误。请核对下列各处后一并更正：")
        if len(f.effects) > 1 and cells:
            return (f"{namer.evidence_cell(cells[0])}填报为{fmt_number(f.found)}。按表内勾稽关系推算，该数应为"
                    f"{fmt_number(f.expected)}，相差{_diff(f.found, f.expected)}；按现填报数，下列{len(f.effects)}处"
                    "勾稽关系均不成立：")
        m = _EFFECT.match(f.effects[0]) if f.effects else None
        if m is None:
            return None
        sides = namer.identity_sides(m.group("id"))
        if sides is None:
            return None
        left = [namer.key(k) for k in sides[0]]
        return (f"{'、'.join(left)}填报为 {fmt_number(f.found)}，而各分项合计为 {fmt_number(f.expected)}，"
                f"相差 {_diff(f.found, f.expected)}，不符合“{m.group('text')}”的勾稽关系。")
    if f.rule == "claim.numeric" and quotes:
        q = quotes[0].quote or ""
        qq = quoted(q)
        if f.effects and f.effects[0].startswith("读法一"):
            alt = re.search(r"=\s*(\S+)（相符）", f.effects[1]) if len(f.effects) > 1 else None
            n_found = len([k for k in re.findall(KEY_RE, f.effects[0])])
            read_one, read_two = cells[:n_found], cells[n_found:]
            said = "" if fmt_number(f.found) in q else f"，即 {fmt_number(f.found)}"
            return (f"报告正文称{qq}{said}，而"
                    f"{_names(namer, read_one)}填报为{fmt_number(f.expected)}，二者不一致。"
                    f"该数与{_names(namer, read_two)}之和（{alt.group(1) if alt else ''}）相符，"
                    "可能采用了不同的统计口径，请核实并在正文中说明。")
        more = f"（另有 {len(quotes) - 1} 处表述相同）" if len(quotes) > 1 else ""
        said = "" if fmt_number(f.found) in q else f"，即 {fmt_number(f.found)}"
        return (f"报告正文称{qq}{more}{said}，而{_names(namer, cells)}"
                f"{'合计为' if len(cells) > 1 else '填报为'}{fmt_number(f.expected)}，相差{_diff(f.found, f.expected)}。")
    if f.rule == "claim.qualitative" and quotes:
        q = quotes[0].quote or ""
        figures = "，".join(f"{namer.evidence_cell(e)}填报为 {_value(e)}" for e in cells)
        note = ""
        if f.severity != "error":
            tail = re.search(r"（([^（）]+)）。$", f.message)
            note = f"（{tail.group(1)}）" if tail else ""
        return f"报告正文称{quoted(q)}，但{figures}，与该表述不符{note}。"
    if f.rule == "narrative.arithmetic" and len(quotes) >= 2 and f.found is not None and f.expected is not None:
        parts = "".join(quoted(e.quote or "") for e in quotes[1:])  # 并列引语之间不加顿号
        over = isinstance(f.found, int | Decimal) and isinstance(f.expected, int | Decimal) and f.found > f.expected
        return (f"报告正文所述总数为{fmt_number(f.expected)}（{quoted(quotes[0].quote or '')}），而所列分项{parts}合计"
                f"{fmt_number(f.found)}，{'超过总数' if over else '与总数不符'}，相差{_diff(f.found, f.expected)}。")
    if f.rule == "narrative.percentage" and len(quotes) >= 2:
        return (f"报告正文称占比{f.found}，但按正文所述{quoted(quotes[1].quote or '')}与{quoted(quotes[0].quote or '')}"
                f"计算，应为{f.expected}。")
    if f.rule == "date.issued" and isinstance(f.found, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.found):
        end = re.search(r"\d{4}-\d{2}-\d{2}", str(f.expected or ""))
        return namer.humanize(f"报告所署成文日期为{f.found}，" + (f"早于报告期结束日期（{end.group(0)}）。" if end else "早于报告期结束日期。")
                              + "年度报告应在报告期结束后成文，请核实成文日期。")
    if f.rule == "form.tables" and f.severity == "info":
        # "表格有0行未能读取、3个单元格…": drop the part that is zero; name each table as a table
        text = re.sub(r"有\s*0\s*行未能读取、", "有", f.message)
        text = re.sub(r"\s*0\s*行未能读取、|、\s*0\s*个单元格因数字连写无法确定", "", text)
        text = re.sub(r"(^|[：；])“([^”]+)”：", r"\1“\2”表中，", text)
        text = re.sub(r"^表格有", "统计表格中有", text)
        return namer.humanize(text)
    if f.rule == "privacy.personal_data" and quotes:
        what = re.search(r"公开了(.+?)（", f.message)
        items = "".join(quoted(e.quote or "") for e in quotes)  # 并列引语之间不加顿号
        example = _masked(quotes[0].quote or "")
        return (f"报告正文公开了{what.group(1) if what else '个人信息'}{items}。此类信息属于应予保护的个人信息，"
                f"请立即从已公开的报告中删除或作匿名化处理（如写作“{example}”）。")
    return None


def _masked(text: str) -> str:
    if text.isdigit() or (text[:-1].isdigit() and text[-1:] in "Xx"):
        keep = 3 if len(text) <= 11 else 4
        return text[:keep] + "*" * (len(text) - keep - 4) + text[-4:]
    return text[:1] + "某"


def _names(namer: Namer, cells: list[Evidence]) -> str:
    if not cells:
        return "相应数字"
    names = [namer.evidence_cell(e) for e in cells]
    grid = [namer.cells.get(e.key or "") for e in cells]
    if 1 < len(grid) <= 3 and all(grid) and len({(c.table, Namer.col_name(c)) for c in grid if c}) == 1:
        # 表三“1.…”“2.…”“3.…”行“总计”列: one table, one column, the rows quoted side by side
        first = grid[0]
        assert first is not None
        rows = [Namer.row_name(c) for c in grid if c]
        col = Namer.col_name(first)
        if all(rows):
            return (namer.table_name(first.table) + "".join(f"“{r}”" for r in rows) + "行"
                    + (f"“{col}”列" if col and col != "统计数" else ""))
    if len(names) > 3:
        return "、".join(names[:3]) + f"等{len(names)}项"
    return "、".join(names)
