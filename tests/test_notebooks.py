"""每个 notebook 的结构检查：CONTRIBUTING.md 中的课程约定里，可以静态检查的那些。"""

import ast
import re

import pytest
from course_notebooks import (
    IDS,
    IMAGE_DIR,
    NOTEBOOK_DIR,
    NOTEBOOKS,
    ROOT,
    checkpoint_calls,
    code_cells,
    image_outputs,
    image_sources,
    is_training_run,
    load,
    markdown,
    output_texts,
    source,
    tags,
    text_of,
)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg", ".gif"}
TF_LOG_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d", re.MULTILINE)
ABSOLUTE_PATH = re.compile(r"(/root/|/home/|/tmp/|/Users/|[A-Za-z]:\\)")


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ 中没有 notebook"


def test_every_notebook_is_numbered():
    """notebooks/ 中的每个 .ipynb 都是编号的一课（Untitled.ipynb 之类的草稿不要提交）。"""
    names = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
    assert names == [p.name for p in NOTEBOOKS]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", name) for name in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernelspec_is_python3(path):
    meta = load(path)["metadata"]
    assert meta["kernelspec"]["name"] == "python3"
    assert meta["kernelspec"]["language"] == "python"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_in_order_with_stored_outputs(path):
    cells = code_cells(load(path))
    counts = [c.get("execution_count") for c in cells]
    assert None not in counts, "有代码单元没有执行过：请运行 make execute"
    assert counts == list(range(1, len(cells) + 1)), "单元没有从上到下依次执行：请运行 make execute"
    assert any(c.get("outputs") for c in cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_errors_warnings_or_logs_in_outputs(path):
    for cell in code_cells(load(path)):
        head = source(cell)[:60]
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"错误输出：{head!r}"
            assert out.get("name") != "stderr", f"stderr 输出：{head!r}: {text_of(out.get('text'))[:200]}"
        for text in output_texts(cell):
            assert not re.search(r"warning", text, re.IGNORECASE), f"警告文本：{head!r}: {text[:200]}"
            assert not TF_LOG_LINE.search(text), f"TensorFlow 日志行：{head!r}"
            assert not ABSOLUTE_PATH.search(text), f"输出中有本机绝对路径：{head!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_output_has_its_image(path):
    for cell in code_cells(load(path)):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if text_of(data.get("text/plain")).startswith("<Figure"):
                assert "image/png" in data, f"图没有保存下来：{source(cell)[:60]!r}"
                # 没有 plt.show() 时，nbval 的内核不一定在同一个单元里显示图
                src = source(cell)
                assert "plt.show()" in src, f"画图单元应以 plt.show() 结束：{src[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_sets_up_helpers_before_tensorflow(path):
    first = source(code_cells(load(path))[0])
    lines = [ln.split("#")[0].strip() for ln in first.splitlines()]  # 去掉注释
    assert "import helpers" in lines
    helpers_at = lines.index("import helpers")
    tf_imports = [i for i, ln in enumerate(lines) if re.match(r"(import|from) (tensorflow|keras)\b", ln)]
    assert all(i > helpers_at for i in tf_imports), "先 import helpers，再导入 TensorFlow/Keras"
    assert re.search(r"helpers\.setup\(\s*(seed=)?42\s*\)|helpers\.setup\(\)", first)


SEEDING = re.compile(r"(set_random_seed|tf\.random\.set_seed|np\.random\.seed|\brandom\.seed)\(")
LITERAL_SEED = re.compile(r"(set_seed\(\s*|\bseed\s*=\s*)\d")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_seeds_come_only_from_setup(path):
    """换种子检查（make check-machines 设置 COURSE_SEED）要能到达每一处随机数：
    种子只由第一个单元的 helpers.setup(seed=42) 给出；中途重设用不带参数的 helpers.set_seed()。"""
    first, *rest = code_cells(load(path))
    for cell in rest:
        for line in source(cell).splitlines():
            code = line.split("#")[0]
            assert not SEEDING.search(code), f"请用 helpers.set_seed() 设置种子：{line.strip()!r}"
            assert not LITERAL_SEED.search(code), f"写死的种子会躲过换种子检查：{line.strip()!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_modern_api_only(path):
    for cell in code_cells(load(path)):
        src = source(cell)
        assert "input_shape=" not in src, "用 keras.Input(shape=...) 代替 input_shape="
        code_lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith("#")]
        assert not any("keras.datasets" in ln for ln in code_lines), "数据请通过 helpers 从 data/ 加载"
        assert "plt.grid(b=" not in src


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_training_cells_are_tagged(path):
    for cell in code_cells(load(path)):
        src = source(cell)
        updates = "apply" in src or "assign_sub" in src
        loop = re.search(r"^\s*for\b", src, re.MULTILINE) and "GradientTape" in src and updates
        trains = ".fit(" in src or loop
        if trains:
            assert "train" in tags(cell), f"训练单元缺少 train 标签：{src[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_sections_summary_and_exercises(path):
    nb = load(path)
    md = markdown(nb)
    number = path.name[:2]
    assert re.search(r"目录|学习目标", md), "开头应有学习目标和目录"
    assert len(re.findall(rf"^#+ {number}-\d\d", md, re.MULTILINE)) >= 2, f"小节应按 {number}-MM 编号"
    assert re.search(r"^#+ .*小结", md, re.MULTILINE)
    heading = re.search(r"^#+ .*练习", md, re.MULTILINE)
    assert heading, "结尾应有练习"
    exercises = md[heading.start():]
    assert exercises.count("<details>") >= 3, "至少 3 道练习，每道的答案折叠在 <details> 中"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_images_exist_with_alt_text_and_nothing_remote(path):
    nb = load(path)
    for cell in nb["cells"]:
        src = source(cell)
        assert "<iframe" not in src.lower() and "IFrame(" not in src, "不要嵌入 iframe，用普通链接"
    for src, alt in image_sources(nb):
        assert not re.match(r"(https?:)?//", src), f"远程图片：{src}"
        assert alt, f"图片缺少替代文字 (alt)：{src}"
        assert src.startswith("../images/"), f"图片应来自 ../images/：{src}"
        assert (NOTEBOOK_DIR / src).resolve().is_file(), f"图片不存在：{src}"


def test_every_image_is_referenced():
    referenced = {(NOTEBOOK_DIR / src).resolve() for p in NOTEBOOKS for src, _ in image_sources(load(p))}
    on_disk = {p.resolve() for p in IMAGE_DIR.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES}
    unused = sorted(str(p.relative_to(ROOT)) for p in on_disk - referenced)
    assert not unused, f"images/ 中有没被任何 notebook 引用的图片：{unused}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_trained_outputs_are_not_compared_verbatim(path):
    """训练单元的输出（日志、损失）随机器而变：不输出，或放进 nbval-ignore-output 单元。"""
    cells = code_cells(load(path))
    trains = [c for c in cells if "train" in tags(c)]
    for cell in trains:
        if cell.get("outputs"):
            assert "nbval-ignore-output" in tags(cell), f"训练单元有输出却会被逐字比对：{source(cell)[:60]!r}"
    if trains:
        sources = "\n".join(source(c) for c in cells)
        assert "helpers.checkpoint(" in sources, "训练了模型，却没有任何在各种机器上都成立的检查点"


MAX_CHECKS_PER_NOTEBOOK = 8
MAX_CHECKS_PER_RUN = 3  # 每次训练之后、下一次训练之前，关于训练结果的检查行
MAX_CHECKS_PER_CELL = 3
MAX_IDENTITIES = 3  # 声明为恒等式（不管训练与否都成立）的检查行
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_check_stored_its_claim_with_a_tick(path):
    """保存的输出里，每个 helpers.checkpoint 调用恰好打印了一行 “✓ 结论”，顺序与调用相同，没有 ✗。"""
    for cell in code_cells(load(path)):
        calls = checkpoint_calls(cell)
        if not calls:
            continue
        assert source(cell).count("helpers.checkpoint(") == len(calls)
        lines = [ln for text in output_texts(cell) for ln in text.splitlines()]
        marked = [ln for ln in lines if ln.startswith(("✓", "✗"))]
        assert marked == [f"✓ {claim}" for claim, _ in calls], f"保存的检查行与调用不符：{lines}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_checks_are_chinese_sentences_each_said_once(path):
    claims = [claim for cell in code_cells(load(path)) for claim, _ in checkpoint_calls(cell)]
    for claim in claims:
        cjk, latin = len(CJK.findall(claim)), len(re.findall(r"[A-Za-z]", claim))
        assert cjk >= 6 and cjk >= latin, f"检查行应当是一句中文：{claim!r}"
        assert "True" not in claim and "False" not in claim
    assert len(claims) == len(set(claims)), "同一句结论出现了两次"
    assert "True" not in re.sub(r"`[^`]*`", "", markdown(load(path))) or not claims, (
        "正文里说检查行打印 True：现在打印的是 ✓ / ✗"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_checks_are_few_and_follow_the_training_they_judge(path):
    """最多 8 行检查、每个单元最多 3 行、恒等式最多 3 行；每次训练之后、下一次训练之前有 1～3 行关于训练的检查。"""
    cells = code_cells(load(path))
    calls = [checkpoint_calls(c) for c in cells]
    flat = [call for cell_calls in calls for call in cell_calls]
    assert len(flat) <= MAX_CHECKS_PER_NOTEBOOK, f"{len(flat)} 行检查，最多 {MAX_CHECKS_PER_NOTEBOOK} 行"
    assert all(len(c) <= MAX_CHECKS_PER_CELL for c in calls)
    assert sum(identity for _, identity in flat) <= MAX_IDENTITIES
    runs = [i for i, c in enumerate(cells) if is_training_run(c)]
    for start, end in zip(runs, [*runs[1:], len(cells)]):
        judged = [claim for cell_calls in calls[start + 1:end] for claim, identity in cell_calls if not identity]
        assert 1 <= len(judged) <= MAX_CHECKS_PER_RUN, (
            f"训练单元 {source(cells[start])[:60]!r} 之后、下一次训练之前应有 1～{MAX_CHECKS_PER_RUN} 行检查：{judged}"
        )




CAPTION = re.compile(r"^图 (\d+)-(\d+)：\S")
IMAGE_PARAGRAPH = re.compile(r"!\[[^\]]*\]\([^)\s]+\)")  # 单独成段的一张图
CAPTIONED = {"01", "02", "03", "04", "05"}


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def figures_and_captions(nb: dict) -> list[tuple[str, str | None]]:
    """按顺序列出每张图（示意图或代码画出的图）和紧跟在它下面的段落（应是图注）。"""
    found: list[tuple[str, str | None]] = []
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        following = next((paragraphs(source(c))[0] for c in cells[i + 1:]
                          if c["cell_type"] == "markdown" and paragraphs(source(c))), None)
        if cell["cell_type"] == "code":
            if image_outputs(cell):
                nxt = cells[i + 1] if i + 1 < len(cells) else None
                first = paragraphs(source(nxt))[0] if nxt and nxt["cell_type"] == "markdown" else None
                found.append((f"单元 {i} 画出的图", first))
            continue
        paras = paragraphs(source(cell))
        for k, para in enumerate(paras):
            if IMAGE_PARAGRAPH.fullmatch(para):
                found.append((para[:60], paras[k + 1] if k + 1 < len(paras) else following))
    return found


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] in CAPTIONED],
                         ids=[i for i in IDS if i in CAPTIONED])
def test_every_figure_has_a_numbered_caption_below_it(path):
    """每张图下面紧跟一段“图 2-3：……”，编号按出现顺序从 1 起连续；图注只出现在图下面。"""
    nb = load(path)
    lesson = int(path.name[:2])
    found = figures_and_captions(nb)
    assert found, "这一课没有图？"
    for k, (figure, caption) in enumerate(found, start=1):
        m = CAPTION.match(caption or "")
        assert m, f"{figure} 下面应紧跟图注“图 {lesson}-{k}：……”，实际是：{(caption or '')[:40]!r}"
        assert (int(m[1]), int(m[2])) == (lesson, k), f"{figure} 的图注编号应是 图 {lesson}-{k}：{caption[:20]}"
    stray = [p for c in nb["cells"] if c["cell_type"] == "markdown" for p in paragraphs(source(c)) if CAPTION.match(p)]
    assert len(stray) == len(found), "有的“图 N-K：”段落下面没有图在它上方"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_folded_code_is_folded_everywhere(path):
    """只为画图或算出演示用数据、读者不必读的代码单元：JupyterLab 中折叠（source_hidden），
    书中也折叠（hide-input 标签），两处一致；折叠的单元有输出，或者只定义函数。"""
    for i, cell in enumerate(code_cells(load(path))):
        hidden = cell["metadata"].get("jupyter", {}).get("source_hidden", False)
        both = "source_hidden 与 hide-input 标签应同时有或同时没有"
        assert hidden == ("hide-input" in tags(cell)), f"代码单元 {i}：{both}"
        if hidden:  # 折叠的单元要么有输出（图、数），要么只定义函数（前面的说明文字讲它做什么）
            defines_only = all(isinstance(node, ast.FunctionDef) for node in ast.parse(source(cell)).body)
            assert cell.get("outputs") or defines_only, f"代码单元 {i} 折叠了代码，却既没有输出，也不只是定义函数"
