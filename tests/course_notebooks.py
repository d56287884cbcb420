"""读取课程的 notebook：测试和 tools/ 中的脚本共用的唯一一份（路径、单元、源码、标签、检查行、图片、标题）。

只用标准库，不导入 TensorFlow；notebook 按 nbformat 4 的 JSON 读取，不做任何修改。
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
IMAGE_DIR = ROOT / "images"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))  # 五课，按编号排序
IDS = [p.name[:2] for p in NOTEBOOKS]  # pytest 参数的名字：01 … 05

MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)")  # Markdown 图片 ![alt](src)
HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"'](?P<src>[^\"']+)[\"'][^>]*>", re.IGNORECASE)
HTML_ALT = re.compile(r"\balt=[\"']([^\"']*)[\"']", re.IGNORECASE)
HEADING = re.compile(r"^(#{1,6})\s+(\S.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


def seed_line(seed: int | str) -> str:
    """helpers.setup() 从环境变量 COURSE_SEED 得到种子时打印的那一行（换种子的检查靠它确认种子用上了）。"""
    return f"随机种子：{seed}（来自环境变量 COURSE_SEED）"


def matching(prefixes: list[str] | None = None) -> list[Path]:
    """编号以这些前缀开头的 notebook（例如 ["04", "05"]）；不给前缀时是全部。"""
    return [p for p in NOTEBOOKS if not prefixes or p.name.startswith(tuple(prefixes))]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def text_of(value: str | list[str] | None) -> str:
    """nbformat 把多行文字存成字符串或字符串列表：统一成一个字符串。"""
    return "".join(value) if isinstance(value, list) else (value or "")


def source(cell: dict) -> str:
    return text_of(cell.get("source"))


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def slide_type(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def trains(nb: dict) -> bool:
    """notebook 是否训练模型：有带 train 标签的单元。"""
    return any("train" in tags(c) for c in nb["cells"])


def code_cells(nb: dict) -> list[dict]:
    """非空的代码单元。"""
    return [c for c in nb["cells"] if c["cell_type"] == "code" and source(c).strip()]


def checkpoint_calls(cell: dict) -> list[tuple[str, bool]]:
    """单元中每个 helpers.checkpoint 调用的 (结论, 是否声明为恒等式)，按出现的顺序。

    结论必须是字面的字符串：通过时它就是保存的那一行（前面加 ✓），测试才能逐字核对。
    """
    if "helpers.checkpoint(" not in source(cell):
        return []
    calls = []
    for node in ast.walk(ast.parse(source(cell))):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "helpers.checkpoint":
            claim = node.args[0] if node.args else None
            if not (isinstance(claim, ast.Constant) and isinstance(claim.value, str)):
                raise ValueError(f"helpers.checkpoint 的结论应当是字面的字符串：{ast.unparse(node)[:80]}")
            identity = any(k.arg == "identity" and ast.literal_eval(k.value) for k in node.keywords)
            calls.append((node.lineno, node.col_offset, claim.value, identity))
    return [(claim, identity) for *_, claim, identity in sorted(calls)]


def is_training_run(cell: dict) -> bool:
    """真正训练了一次的单元：带 train 标签，并且调用 fit 或者训练时打印了输出（手写循环）。

    只定义训练步骤的单元（例如 02 的 train_step）也带 train 标签，但它自己不训练。
    """
    return "train" in tags(cell) and (".fit(" in source(cell) or bool(cell.get("outputs")))


def markdown(nb: dict) -> str:
    """全部 Markdown 单元的文字。"""
    return "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def output_texts(cell: dict) -> Iterator[str]:
    """一个代码单元保存的输出中的文字（stream 与 text/* 数据）。"""
    for out in cell.get("outputs", []):
        if "text" in out:
            yield text_of(out["text"])
        for key, value in out.get("data", {}).items():
            if key.startswith("text/"):
                yield text_of(value)


def image_outputs(cell: dict) -> int:
    """一个代码单元保存了几张图（每个输出最多一张）。"""
    return sum(any(mime in out.get("data", {}) for mime in IMAGE_MIMES) for out in cell.get("outputs", []))


def image_sources(nb: dict) -> list[tuple[str, str | None]]:
    """Markdown 中的每张图片：(src, alt)；HTML 的 <img> 没有 alt 时 alt 为 None。"""
    found: list[tuple[str, str | None]] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        found += [(m["src"], m["alt"]) for m in MD_IMAGE.finditer(text)]
        for m in HTML_IMAGE.finditer(text):
            alt = HTML_ALT.search(m.group(0))
            found.append((m["src"], alt.group(1) if alt else None))
    return found


def headings(text: str) -> list[tuple[int, int, str]]:
    """Markdown 中的标题：(行号, 级别, 标题文字)。代码块和折叠的 <details> 中的行不算。"""
    found, fenced, details = [], False, 0
    for i, line in enumerate(text.splitlines()):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        details += line.count("<details") - line.count("</details>")
        m = HEADING.match(line)
        if m and details <= 0:
            found.append((i, len(m.group(1)), m.group(2).strip()))
    return found


def first_line(text: str) -> int | None:
    """第一个非空行的行号。"""
    return next((i for i, line in enumerate(text.splitlines()) if line.strip()), None)


def heading_level(cell: dict) -> int:
    """Markdown 单元以标题开始时返回标题级别（1～6），否则 0。"""
    if cell["cell_type"] != "markdown":
        return 0
    text = source(cell)
    start = first_line(text)
    return next((level for line_no, level, _ in headings(text) if line_no == start), 0)
