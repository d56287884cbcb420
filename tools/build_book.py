"""把课程做成一个静态网站（make book）：不重新执行 notebook，显示其中保存的、经过测试的输出。

    python tools/build_book.py          # 构建到 _build/book/html，并写出 _build/tf-bootcamp-book.zip

做的事：
1. 在 _build/book-src 中准备 Sphinx 的源目录：book/ 下的配置、notebook 和 images/（保持 notebook 中
   ../images/ 的相对路径）、由 README 的课程表生成的首页，以及每课一页“这一课是怎样验证的”；
2. 运行 Sphinx（MyST-NB 读 notebook，sphinx-book-theme 排版，中文搜索用 jieba 分词）；
3. 把网站打成一个 zip：老师拷到教室里，解压后直接双击 index.html，或放到任何静态网页服务器上（也可以在子路径下）。

整个网站不从网上加载任何东西（tests/test_book.py 在浏览器中检查）。
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from course_notebooks import NOTEBOOKS, ROOT, checkpoint_calls, code_cells, load, output_texts, source  # noqa: E402

BUILD = ROOT / "_build"
SRC = BUILD / "book-src"
HTML = BUILD / "book" / "html"
ZIP = BUILD / "tf-bootcamp-book.zip"
CONTENTS_LIST = re.compile(r"^\*\*目录\*\*\n\n(?:- .*(?:\n|$))+", re.MULTILINE)
TABLE_ROW = re.compile(r"^\| \[(?P<title>[^\]]+)\]\((?P<path>notebooks/[^)]+\.ipynb)\) \| (?P<what>[^|]+) \|")


def requirement(name: str) -> str:
    """requirements.txt 中某个包的版本范围，例如 tensorflow>=2.21,<2.22。"""
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        spec = line.split("#")[0].strip()
        if re.match(rf"{re.escape(name)}\b", spec):
            return spec
    raise SystemExit(f"requirements.txt 中没有 {name}")


def course_table() -> list[dict]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    rows = [m.groupdict() for m in map(TABLE_ROW.match, readme) if m]
    if len(rows) != len(NOTEBOOKS):
        raise SystemExit(f"README 的课程表有 {len(rows)} 行，notebook 有 {len(NOTEBOOKS)} 个")
    return rows


def intro() -> str:
    """README 开头的介绍（标题之后、英文摘要之前的那一段）。"""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[1:]
    text = []
    for line in lines:
        if line.startswith("*English") or line.startswith("## "):
            break
        text.append(line)
    return "\n".join(text).strip()


def index_page(rows: list[dict]) -> str:
    table = ["| 课 | 内容 | 怎样验证的 |", "|---|---|---|"]
    for row in rows:
        number = Path(row["path"]).name[:2]
        check = f"[验证](verified/{number}.md)"
        table.append(f"| [{row['title']}]({row['path']}) | {row['what'].strip()} | {check} |")
    lessons = "\n".join(row["path"] for row in rows)
    verified = "\n".join(f"verified/{Path(row['path']).name[:2]}.md" for row in rows)
    return f"""# TensorFlow 深度学习训练营

{intro()}

这是课程的网页版：每一课都是仓库中保存的 notebook，连同它执行过的输出和图（网页不重新运行代码）。
想亲手运行、修改代码，请按课程仓库中 README 的“快速开始”安装后在 JupyterLab 中打开。
页面上方的搜索框（手机上是右上角的放大镜）可以搜中文，例如“梯度下降”。

## 课程内容

{chr(10).join(table)}

```{{toctree}}
:caption: 课程
:maxdepth: 1
:hidden:

{lessons}
```

```{{toctree}}
:caption: 每一课是怎样验证的
:maxdepth: 1
:hidden:

{verified}
```
"""


def installed(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "（未安装）"


def without_contents_list(nb: dict) -> dict:
    """网页有自己的导航：去掉 notebook 开头那份不带链接的“目录”列表（它还会占满搜索结果的摘要）。"""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = CONTENTS_LIST.sub("", source(cell))
            cell["source"] = text.splitlines(keepends=True)
    nb["cells"] = [c for c in nb["cells"] if c["cell_type"] != "markdown" or source(c).strip()]
    return nb


def verified_page(path: Path) -> str:
    nb = load(path)
    title = source(nb["cells"][0]).splitlines()[0].lstrip("# ").strip()
    checks = []
    for cell in code_cells(nb):
        if not checkpoint_calls(cell):
            continue
        for text in output_texts(cell):
            checks += [line.strip() for line in text.splitlines() if line.startswith(("✓", "✗"))]
    python = nb["metadata"].get("language_info", {}).get("version", "？")
    failed = [c for c in checks if c.startswith("✗")]
    if failed:
        raise SystemExit(f"{path.name} 保存的输出中有没通过的检查：{failed}")
    if checks:
        listed = (
            f"**这一课的检查行**（`helpers.checkpoint`：一句结论，在任何机器上都应打印 ✓）共 {len(checks)} 行，"
            "保存的输出中全部通过：\n\n" + "\n".join(f"- {c}" for c in checks)
        )
    else:
        listed = "这一课不训练模型，没有检查行：它的每一个输出都由 nbval 逐字比对。"
    return f"""# 第 {path.name[:2]} 课是怎样验证的

[{title}](../notebooks/{path.name}) 页面上的输出，是执行 notebook 时保存下来的。
课程要求的版本（仓库的 `requirements.txt`）：

- `{requirement("tensorflow")}`
- `{requirement("keras")}`

保存这些输出时用的是 Python {python}；构建这个网站的环境中装的是 TensorFlow {installed("tensorflow")}、
Keras {installed("keras")}、NumPy {installed("numpy")}、matplotlib {installed("matplotlib")}。

**每次改动都会重新执行。** 每次修改课程，测试程序（nbval，由 `make test` 运行，代码托管网站上的自动测试也运行它）
都会从头执行这个 notebook，把每个单元的输出和保存的输出比对：形状、参数个数、手算的例子等必须一字不差；
训练出来的数字每台电脑略有不同，不逐字比对，而是由下面的检查行核对结论。测试还会只用一个 CPU 核再执行一遍。

{listed}
"""


def copy_mathjax() -> None:
    """sphinx-mathjax-offline 附带的 MathJax 3 中网页用得到的部分：tex-chtml.js、它的字体和按需加载的 TeX 扩展。"""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise SystemExit("没有安装 sphinx-mathjax-offline：先运行 make book（它会安装 book/requirements.txt）")
    mathjax = Path(spec.origin).parent / "static" / "mathjax"
    target = SRC / "_mathjax" / "mathjax"
    for part in ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions"):
        (target / part).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (mathjax / part).is_dir() else shutil.copy2)(mathjax / part, target / part)


def prepare() -> None:
    shutil.rmtree(SRC, ignore_errors=True)
    SRC.mkdir(parents=True)
    for name in ("conf.py", "search_dict.txt", "_static"):
        item = ROOT / "book" / name
        (shutil.copytree if item.is_dir() else shutil.copy2)(item, SRC / name)
    copy_mathjax()
    (SRC / "notebooks").mkdir()
    for path in NOTEBOOKS:
        nb = without_contents_list(load(path))
        (SRC / "notebooks" / path.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.copytree(ROOT / "images", SRC / "images", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    rows = course_table()
    (SRC / "index.md").write_text(index_page(rows), encoding="utf-8")
    (SRC / "verified").mkdir()
    for path in NOTEBOOKS:
        (SRC / "verified" / f"{path.name[:2]}.md").write_text(verified_page(path), encoding="utf-8")


def build() -> None:
    shutil.rmtree(HTML, ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(SRC), str(HTML)]
    result = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True)
    sys.stdout.write(result.stdout)
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    for line in warnings:
        print(line, file=sys.stderr)
    if result.returncode or warnings:
        sys.stderr.write(result.stderr if result.returncode else "")
        raise SystemExit(f"Sphinx 构建失败或有警告（{len(warnings)} 条）：见上面的输出")


def fix_chinese_search() -> None:
    """Sphinx 9.0 的中文搜索写出 `window.Stemmer = ChineseStemmer;`，但它给中文配的是英文的词干提取器
    （sphinx/search/zh.py 的 js_stemmer_rawcode 是 english-stemmer.js），页面上没有 ChineseStemmer，
    搜索页报错、什么也找不到。中文词不需要提取词干，英文词用英文的：改成 EnglishStemmer。"""
    path = HTML / "_static" / "language_data.js"
    text = path.read_text(encoding="utf-8")
    wrong, right = "window.Stemmer = ChineseStemmer;", "window.Stemmer = EnglishStemmer;"
    if wrong in text and "var ChineseStemmer" not in text:
        path.write_text(text.replace(wrong, right), encoding="utf-8")


def write_zip() -> None:
    ZIP.unlink(missing_ok=True)
    with zipfile.ZipFile(ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(HTML.rglob("*")):
            if file.is_file() and ".doctrees" not in file.parts and file.name != ".buildinfo":
                archive.write(file, Path("tf-bootcamp-book") / file.relative_to(HTML))


def main() -> int:
    started = time.monotonic()
    prepare()
    build()
    fix_chinese_search()
    write_zip()
    pages = len([p for p in HTML.rglob("*.html") if "_static" not in p.parts])  # _static 里是主题的模板片段
    print(
        f"课程网站：{HTML.relative_to(ROOT)}（{pages} 个页面，打开 index.html）；"
        f"zip：{ZIP.relative_to(ROOT)}（{ZIP.stat().st_size / 1e6:.1f} MB）；用时 {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
