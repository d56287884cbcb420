"""幻灯片（RISE）元数据的静态检查：不需要浏览器。元数据由 tools/set_slides.py 从标题生成。"""

import json
import re

import pytest
import set_slides
from course_notebooks import IDS, NOTEBOOKS, first_line, headings, load, slide_type, source

FIX = "运行 python tools/set_slides.py 重新生成幻灯片元数据"
# jupyterlab-rise 附带的 reveal.js 主题中，只有这三个不从网上加载字体（默认的 simple 会加载）
OFFLINE_THEMES = {"white", "black", "serif"}
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_rise_metadata_works_offline_and_scrolls(path):
    rise = load(path)["metadata"].get("rise")
    assert rise, f"notebook 缺少 RISE 元数据：{FIX}"
    assert rise.get("theme") in OFFLINE_THEMES, f"主题 {rise.get('theme')!r} 会从网上加载字体"
    assert rise.get("scroll") is True, "长的幻灯片需要能滚动（scroll: true）"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_is_a_slide_and_every_cell_has_a_slide_type(path):
    cells = load(path)["cells"]
    assert slide_type(cells[0]) == "slide", f"第一个单元应当是一张幻灯片：{FIX}"
    for cell in cells:
        assert slide_type(cell) in SLIDE_TYPES, f"单元没有幻灯片类型：{source(cell)[:60]!r}；{FIX}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_section_headings_open_slides(path):
    """## 标题（包括小结和练习）各开始一张幻灯片，### 标题开始一张子幻灯片。"""
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        first = first_line(text)
        for line_no, level, title in headings(text):
            if level == 2:
                assert line_no == first, (
                    f"“{title}”在单元中间，放映时不能单独开始一页："
                    "把它拆成一个新单元（python tools/set_slides.py --split-headings）"
                )
            if line_no == first and level <= 2:
                assert slide_type(cell) == "slide", f"“{title}”应当开始一张幻灯片：{FIX}"
            elif line_no == first and level == 3:
                assert slide_type(cell) == "subslide", f"“{title}”应当开始一张子幻灯片：{FIX}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exercises_are_on_their_own_slide_with_hidden_solutions(path):
    cells = load(path)["cells"]
    starts = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown" and re.match(r"\s*##\s.*练习", source(c))
    ]
    assert len(starts) == 1, "应当有一个以“## ... 练习”开头的单元"
    assert slide_type(cells[starts[0]]) == "slide"
    # 答案仍然折叠着：放映时不会剧透
    rest = "\n".join(source(c) for c in cells[starts[0] :] if c["cell_type"] == "markdown")
    assert rest.count("<details>") >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_lines_fit_on_a_slide(path):
    """幻灯片在 1280 像素宽的投影上放映：代码行不超过 88 个字符，才不会出现横向滚动条。"""
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        for line in source(cell).splitlines():
            assert len(line) <= 88, f"代码行有 {len(line)} 个字符（最多 88），请折行：{line[:60]!r}"


def without_metadata(nb: dict) -> list:
    return [{k: v for k, v in c.items() if k != "metadata"} for c in nb["cells"]]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_set_slides_only_touches_metadata_and_is_idempotent(path, tmp_path):
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    assert set_slides.main([str(copy)]) == 0
    once = copy.read_text(encoding="utf-8")
    assert without_metadata(json.loads(once)) == without_metadata(load(path)), "脚本只应改元数据"
    assert set_slides.main([str(copy), "--check"]) == 0, "第二次运行不应再有变化"
    set_slides.main([str(copy), "--split-headings"])
    split = json.loads(copy.read_text(encoding="utf-8"))
    assert set_slides.main([str(copy), "--split-headings", "--check"]) == 0
    # 拆开单元不会丢掉或改动任何文字
    joined = "\n".join(source(c) for c in split["cells"])
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", "\n".join(source(c) for c in load(path)["cells"]))
    assert len({c["id"] for c in split["cells"]}) == len(split["cells"]), "单元 id 必须各不相同"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_slide_metadata_is_current(path):
    assert set_slides.main([str(path), "--check"]) == 0, FIX


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_text_cell_is_taller_than_a_slide(path):
    """按 rise.css 的字号，说明文字不能比一页还高（否则放映时要滚动；浏览器测试逐页量实际的高度）。"""
    nb = load(path)
    notes = set_slides.split_tall(nb, path.parent)
    assert not notes, f"{notes}：运行 python tools/set_slides.py --split-tall"


def test_split_tall_keeps_text_images_with_captions_and_answers(tmp_path):
    """--split-tall 只在段落之间拆：文字不变，图片和它下面的图注、折叠的答案、公式块都不拆开。"""
    para = "这是一段很长的说明文字，" * 30
    text = "\n\n".join(
        [para, "![示意图](x.png)", "图 1-1：图注。", para, "$$\na = b\n\n+ c\n$$", para,
         "<details>\n<summary>答案</summary>\n\n" + para + "\n\n" + para + "\n</details>", para]
    )
    nb = {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": text.splitlines(keepends=True)}]}
    notes = set_slides.split_tall(nb, tmp_path)
    pieces = [source(c) for c in nb["cells"]]
    assert notes and len(pieces) > 1
    assert re.sub(r"\s", "", "".join(pieces)) == re.sub(r"\s", "", text)
    assert len({c["id"] for c in nb["cells"]}) == len(pieces)
    for piece in pieces:
        assert piece.count("<details>") == piece.count("</details>")
        assert piece.count("$$") % 2 == 0
        if "![示意图]" in piece:
            assert "图 1-1：图注。" in piece
