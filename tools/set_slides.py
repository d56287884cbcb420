"""给每个 notebook 写入幻灯片（RISE）元数据：由标题决定如何分页（维护者工具）。

    python tools/set_slides.py                   # 全部 notebook，只改元数据
    python tools/set_slides.py --check           # 只检查：元数据不是最新的就以状态 1 退出
    python tools/set_slides.py --split-headings  # 先把单元中间的 ## / ### 标题拆成新单元，再写元数据
    python tools/set_slides.py --split-tall      # 先把比一页还高的 Markdown 单元在段落之间拆开，再写元数据
    python tools/set_slides.py notebooks/03_modeling_linear_regression.ipynb

规则（每次都从内容重新计算，所以可以反复运行，结果相同）：
- 第一个单元（标题、学习目标、目录）是一张幻灯片 (slide)；
- 以 `##` 开头的 Markdown 单元（编号小节、小结、练习）开始一张新的幻灯片；
- 以 `###` 开头的单元开始一张子幻灯片 (subslide)，放映时按向下键/空格进入；
- “练习”一节中，以“**练习 N”或“**检查练习 NN-N”开头的 Markdown 单元各开始一张子幻灯片；
- 其余单元接在当前幻灯片后面（"-"）；当前页估计已经放不下时（1280×720 的投影，字号见 notebooks/rise.css），
  从下一段说明文字（连同紧跟它的代码单元）或下一个独立的代码单元开始一张子幻灯片；
  说明文字和它的代码合起来一页也放不下时，代码单元另起一页；
- 比一页还高的 Markdown 单元用 --split-tall 在段落之间拆开（图片和它的图注、折叠的答案不拆开）；
  比一页还高的代码单元独占一页，它的代码和输出在各自的框里滚动（rise.css），整页不用滚动；
- 不用逐条出现 (fragment)：现场运行代码时，一页上的内容应当一次都能看到。

Notebook 元数据 "rise" 选用不从网络加载任何东西的主题（white），长页可以滚动 (scroll)。
默认只改元数据（单元的 metadata.slideshow 与 notebook 的 metadata.rise），不改内容和输出。
单元中间的 `##` 标题无法单独开始一页：脚本会列出它们；加 --split-headings 时把这样的
Markdown 单元在标题处拆开（新单元的 id 由原 id 派生，再次运行不会再拆）。
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import struct
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from course_notebooks import HEADING, MD_IMAGE, NOTEBOOKS, first_line, heading_level, headings, text_of  # noqa: E402

RISE = {
    "theme": "white",  # 默认主题 simple 会从网上加载字体；white 只用本地字体
    "scroll": True,  # 长的页面可以滚动，什么都不会被截掉
    "center": False,  # 内容从页面顶部开始，滚动时不跳动
    "transition": "none",
    "slideNumber": "c/t",  # 右下角显示“当前页/总页数”
    "enable_chalkboard": False,
}

# 估计一页内容的高度（像素），按 1280×720 的投影和 notebooks/rise.css 中的字号
# （正文 24 px、代码 20 px）：一页可用约 680 像素高、1150 像素宽。
# 这些常数是在浏览器中逐个单元测量实际高度后定的（tests/test_browser.py 逐页检查没有超出一页）。
PAGE_HEIGHT = 640
CONTENT_WIDTH = 1150
IMAGE_MAX = 417  # rise.css：图片最高 58vh
MD_PAD = 30  # 一个 Markdown 单元除文字以外的高度（段落间距、单元的边距）
MD_LINE, MD_CHARS = 35, 100  # Markdown 一行的高度、一行能放下的字符宽度（汉字算 2）
CODE_LINE, CODE_PAD = 26, 30
CODE_CHARS = 96  # 输出一行能放下的字符数，更长的行会折行
OUTPUT_PAD = 10  # 每一个输出（每次 print、每张图）自己的边距
HEADING_HEIGHT = 56
DEFAULT_IMAGE = 320

LEADS_IN = re.compile(r"^\*\*[^*]+\*\*$|.*[：:]$")  # 只有一个粗体标签的一行，或以冒号结尾的一行
EXERCISE_RE = re.compile(r"\*\*[^*\n]*练习")  # “**练习 1……**”“**检查练习 02-1……**”


def as_source(text: str) -> list[str]:
    """nbformat 保存 source 的方式：按行切开，每行保留换行符。"""
    return text.splitlines(keepends=True)


def slide_type_for_heading(level: int, index: int) -> str | None:
    if index == 0 or level in (1, 2):
        return "slide"
    if level == 3:
        return "subslide"
    return None


# ---------- 高度估计 ----------


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    return struct.unpack(">II", data[16:24])


def image_height(size: tuple[int, int] | None) -> int:
    if not size or not size[0]:
        return DEFAULT_IMAGE
    width, height = size
    return int(min(IMAGE_MAX, height * min(1.0, CONTENT_WIDTH / width)))


def markdown_height(text: str, notebook_dir: Path) -> int:
    height, details = MD_PAD, 0
    for line in text.splitlines():
        opened = line.count("<details") - line.count("</details>")
        if details > 0 and "<summary>" not in line:  # 折叠起来的答案：放映时不占地方
            details += opened
            continue
        details += opened
        if HEADING.match(line):
            height += HEADING_HEIGHT
        elif not line.strip():
            height += MD_LINE // 2
        else:
            for m in MD_IMAGE.finditer(line):
                path = (notebook_dir / m["src"]).resolve()
                head = path.read_bytes()[:24] if path.is_file() else b""
                height += image_height(png_size(head))
            height += MD_LINE * max(1, -(-display_width(line) // MD_CHARS))
    return height


def code_height(cell: dict) -> int:
    height = CODE_PAD + CODE_LINE * max(1, len(text_of(cell["source"]).splitlines()))
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        height += OUTPUT_PAD
        if "image/png" in data:
            head = base64.b64decode(text_of(data["image/png"]).strip()[:32] + "==", validate=False)
            height += image_height(png_size(head))
        elif "text" in out or "text/plain" in data:
            text = text_of(out.get("text") or data.get("text/plain"))
            height += CODE_LINE * sum(max(1, -(-len(line) // CODE_CHARS)) for line in text.splitlines())
    return height


def cell_height(cell: dict, notebook_dir: Path) -> int:
    if cell["cell_type"] == "markdown":
        return markdown_height(text_of(cell["source"]), notebook_dir)
    if cell["cell_type"] == "code":
        return code_height(cell)
    return 0


# ---------- 分页 ----------


def slide_types(cells: list[dict], notebook_dir: Path) -> list[str]:
    """每个单元的 slide_type。"""
    types: list[str] = []
    used = 0  # 当前页已经用掉的估计高度
    exercises = False  # 是否已经到了“练习”一节
    for i, cell in enumerate(cells):
        level = heading_level(cell)
        kind = slide_type_for_heading(level, i)
        text = text_of(cell["source"]).strip()
        if level in (1, 2):
            exercises = "练习" in text.splitlines()[0]
        elif exercises and not kind and cell["cell_type"] == "markdown" and EXERCISE_RE.match(text):
            # 练习一节中，单独成单元的每道练习各占一页；紧跟在一段只有标题和简短说明的单元后面的除外
            prev = cells[i - 1]
            after_intro = (
                heading_level(prev) in (2, 3)
                and not EXERCISE_RE.search(text_of(prev["source"]))
                and used < PAGE_HEIGHT // 3
            )
            kind = None if after_intro else "subslide"
        height = cell_height(cell, notebook_dir)
        # 一段说明文字和紧跟它的代码单元放在同一页上
        starts_group = cell["cell_type"] == "markdown" or (i > 0 and cells[i - 1]["cell_type"] == "code")
        if kind:
            used = height
        elif starts_group:
            group = height
            for nxt in cells[i + 1 :]:
                if nxt["cell_type"] != "code" or cell["cell_type"] == "code":
                    break
                group += cell_height(nxt, notebook_dir)
            if used and used + group > PAGE_HEIGHT:
                kind, used = "subslide", height
            else:
                used += height
        elif used and used + height > PAGE_HEIGHT:  # 说明文字和它的代码合起来放不下一页：代码另起一页
            kind, used = "subslide", height
        else:
            used += height
        types.append(kind or "-")
    return types


def split_headings(nb: dict) -> list[str]:
    """把单元中间的 ## / ### 标题拆成新的 Markdown 单元；返回说明。

    紧跟在 ## 标题后面的 ### 标题（中间只有空行）留在同一个单元里。
    """
    notes, cells = [], []
    for cell in nb["cells"]:
        text = text_of(cell["source"])
        if cell["cell_type"] != "markdown" or cell.get("attachments"):
            cells.append(cell)
            continue
        lines = text.splitlines(keepends=True)
        cuts = []
        for line_no, level, _ in headings(text):
            if level not in (2, 3) or not "".join(lines[:line_no]).strip():
                continue
            before = [ln for ln in lines[:line_no] if ln.strip()]
            if level == 3 and before and HEADING.match(before[-1]) and before[-1].startswith("## "):
                continue
            cuts.append(line_no)
        if not cuts:
            cells.append(cell)
            continue
        parts = [lines[a:b] for a, b in zip([0, *cuts], [*cuts, len(lines)])]
        for k, part in enumerate(parts):
            body = "".join(part).strip("\n")
            new = dict(cell, source=as_source(body), metadata=dict(cell.get("metadata", {})))
            if k:
                new["id"] = f"{cell.get('id', 'cell')}-{k}"
            cells.append(new)
        notes.append(f"拆开了 {cell.get('id')}：{len(parts)} 个单元，从 {parts[1][0].strip()!r} 起")
    nb["cells"] = cells
    return notes


def paragraphs(text: str, glue: bool = True) -> list[str]:
    """把 Markdown 按空行切成段落；折叠的答案、代码块、公式块、图片和它下面的图注各自不拆开。"""
    parts, current, open_blocks = [], [], 0
    fence = math = image = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
        elif line.count("$$") % 2 and not fence:
            math = not math
        open_blocks += line.count("<details") - line.count("</details>")
        current.append(line)
        if not stripped and not (fence or math or open_blocks) and "".join(current).strip():
            last = current[-2].strip() if len(current) > 1 else ""
            if MD_IMAGE.search(last) and not image:
                image = True  # 图片和它下面的一段（图注）连在一起
                continue
            if glue and LEADS_IN.match(last):
                continue  # “**学习目标**”或以冒号结尾的一段，和它引出的下一段连在一起
            parts.append("".join(current))
            current, image = [], False
    if "".join(current).strip():
        parts.append("".join(current))
    return parts


def pack(parts: list[str], notebook_dir: Path) -> list[str]:
    """按顺序把段落装进尽量少的几页。"""
    pieces: list[str] = []
    for part in parts:
        if pieces and markdown_height(pieces[-1] + part, notebook_dir) <= PAGE_HEIGHT:
            pieces[-1] += part
        else:
            pieces.append(part)
    return pieces


def split_tall(nb: dict, notebook_dir: Path) -> list[str]:
    """比一页还高的 Markdown 单元在段落之间拆成几个单元，每个都放得进一页；返回说明。"""
    notes, cells = [], []
    for cell in nb["cells"]:
        text = text_of(cell["source"])
        if cell["cell_type"] != "markdown" or cell.get("attachments"):
            cells.append(cell)
            continue
        if markdown_height(text, notebook_dir) <= PAGE_HEIGHT:
            cells.append(cell)
            continue
        pieces = pack(paragraphs(text), notebook_dir)
        if max(markdown_height(piece, notebook_dir) for piece in pieces) > PAGE_HEIGHT:
            pieces = pack(paragraphs(text, glue=False), notebook_dir)  # 还放不下：引出下一段的一行也可以和它分开
        for k, piece in enumerate(pieces):
            new = dict(cell, source=as_source(piece.strip("\n")), metadata=dict(cell.get("metadata", {})))
            if k:
                new["id"] = f"{cell.get('id', 'cell')}-p{k}"
            cells.append(new)
        if len(pieces) > 1:
            notes.append(f"拆开了 {cell.get('id')}：{len(pieces)} 个单元（原来比一页高）")
    nb["cells"] = cells
    return notes


def set_slides(nb: dict, notebook_dir: Path) -> None:
    for cell, kind in zip(nb["cells"], slide_types(nb["cells"], notebook_dir)):
        meta = cell.setdefault("metadata", {})
        meta["slideshow"] = {"slide_type": kind}
    rise = nb["metadata"].setdefault("rise", {})
    rise.update(RISE)


def headings_inside_cells(nb: dict) -> list[str]:
    """单元中间的 ## 标题：它们没法开始一张新的幻灯片。"""
    found = []
    for cell in nb["cells"]:
        text = text_of(cell["source"])
        if cell["cell_type"] != "markdown":
            continue
        lines = text.splitlines()
        for line_no, level, _ in headings(text):
            if level == 2 and line_no != first_line(text):
                found.append(lines[line_no].strip())
    return found


def dump(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="只检查，不写文件")
    parser.add_argument("--split-headings", action="store_true", help="先把单元中间的 ## / ### 标题拆成新单元")
    parser.add_argument("--split-tall", action="store_true", help="先把比一页还高的 Markdown 单元在段落之间拆开")
    args = parser.parse_args(argv)
    paths = args.notebooks or NOTEBOOKS
    stale = 0
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        nb = json.loads(raw)
        notes = split_headings(nb) if args.split_headings else []
        notes += split_tall(nb, path.parent) if args.split_tall else []
        set_slides(nb, path.parent)
        new = dump(nb)
        types = [c["metadata"]["slideshow"]["slide_type"] for c in nb["cells"]]
        summary = f"{types.count('slide')} slides + {types.count('subslide')} subslides"
        changed = new != raw
        if args.check:
            stale += changed
            print(f"{path.name}: {'需要更新' if changed else '已是最新'} ({summary})")
        else:
            if changed:
                path.write_text(new, encoding="utf-8")
            print(f"{path.name}: {'已更新' if changed else '没有变化'} ({summary})")
        for note in notes:
            print("   ", note)
        for heading in headings_inside_cells(nb):
            print(f"    注意：{heading!r} 在单元中间，不能单独开始一页（可用 --split-headings 拆开）")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
