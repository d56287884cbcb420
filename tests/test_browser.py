"""在真实的浏览器里检查课程：Debian 的 chromium 通过 chromium-driver（selenium）打开课程自己的 JupyterLab。

对每个 notebook：
- 渲染后的 notebook 中每张图片都加载出来了（naturalWidth > 0）；
- RISE 放映模式的页数等于带 slide 标记的单元数，逐页翻过去，每页上的图片都加载出来了；
  每一页在 1280×720 上不用滚动就能看全，正文至少 24 px、代码和输出至少 20 px、标题比正文大；
- 浏览器没有向本机服务器之外的任何主机发出请求（此外，浏览器把除 127.0.0.1 以外的主机名都解析为“不存在”）。
对 notebook 01：在浏览器中 Run All，不能出现错误或 stderr 输出。

截图保存在测试结束时打印的临时目录中（不提交）。没有 chromium 的机器上这些测试跳过并说明要安装什么；
在 CI（CI=true）上缺少浏览器算失败。
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from course_notebooks import IDS, NOTEBOOKS, ROOT, image_outputs, image_sources, load, matching, slide_type
from offline_chromium import offline_options

pytestmark = pytest.mark.browser
RUN_ALL = matching(["01"])

INSTALL = "chromium 与 chromium-driver（Debian / Ubuntu：sudo apt install chromium chromium-driver fonts-noto-cjk）"
WIDTH, HEIGHT = 1280, 720  # 常见投影仪的分辨率

# JupyterLab 的设置：所有单元都放进页面（不虚拟化），不自动保存（Run All 不能改写 notebook 文件），
# 不询问、不获取新闻，也不检查更新
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}

# 所有图片都加载完成了吗？（只看 root 里的 <img>）
IMAGES_JS = """
return [...arguments[0].querySelectorAll('img')].map(img => ({
    src: img.getAttribute('src').slice(0, 80), complete: img.complete, width: img.naturalWidth}));
"""


# 放映时的字号和高度：1280×720 的投影、不缩放，后排也要看得清（notebooks/rise.css 设定，tools/set_slides.py 按它分页）
MIN_PROSE, MIN_CODE = 24, 20  # 正文（段落、列表、表格、折叠答案的标题）和代码（代码行、输出）的最小字号，px

# 当前这一页：各类文字的字号、这一页的内容是否超出屏幕、有几个单元在自己的框里滚动
SLIDE_JS = """
const sec = arguments[0];
const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
const sizes = sel => [...sec.querySelectorAll(sel)].filter(shown).map(e => parseFloat(getComputedStyle(e).fontSize));
const md = '.jp-RenderedMarkdown ';
return {
    prose: sizes(['p', 'li', 'td', 'th', 'summary'].map(t => md + t).join(',')),
    headings: sizes(['h1', 'h2', 'h3', 'h4'].map(t => md + t).join(',')),
    code: sizes('.jp-InputArea-editor .cm-line, .jp-InputPlaceholder, .jp-OutputArea-output pre'),
    overflow: sec.scrollHeight - sec.clientHeight,
    bottom: sec.getBoundingClientRect().bottom,
    viewport: window.innerHeight,
    boxes: [...sec.querySelectorAll('.jp-Cell-inputWrapper, .jp-Cell-outputWrapper')]
        .filter(e => e.scrollHeight > e.clientHeight + 2).length,
};
"""


class Summary:
    """在 pytest 输出的末尾打印浏览器测试检查了多少东西。"""

    def __init__(self) -> None:
        self.images = 0
        self.slide_images = 0
        self.slides = 0
        self.slide_sizes: dict[str, list[float]] = {"prose": [], "headings": [], "code": []}
        self.slide_boxes = 0
        self.requests = 0
        self.cells_run = 0
        self.started = time.monotonic()
        self.folder: Path | None = None
        self.skipped: str | None = None

    def pytest_terminal_summary(self, terminalreporter) -> None:
        write = terminalreporter.write_line
        if self.skipped:
            write(f"浏览器测试：{self.skipped}")
            return
        if self.folder is None:
            return
        write(
            f"浏览器测试：notebook 中 {self.images} 张图片、{self.slides} 页幻灯片及其上 {self.slide_images} 张图片"
            f"都已加载；{self.cells_run} 个代码单元在浏览器中运行；{self.requests} 个请求都只发往本机；"
            f"用时 {time.monotonic() - self.started:.0f} s"
        )
        if self.slides:
            median = {k: statistics.median(v) if v else 0 for k, v in self.slide_sizes.items()}
            least = {k: min(v) if v else 0 for k, v in self.slide_sizes.items()}
            write(
                f"幻灯片（{WIDTH}×{HEIGHT}，不缩放）：逐页测量了 {self.slides} 页；字号中位数（最小）"
                f"正文 {median['prose']:.0f} px（{least['prose']:.0f}），代码和输出 {median['code']:.0f} px"
                f"（{least['code']:.0f}），标题 {median['headings']:.0f} px（{least['headings']:.0f}）；"
                f"{self.slide_boxes} 页上有比一页还高的代码单元，它的代码或输出在自己的框里滚动"
            )
        write(f"浏览器测试的截图：{self.folder}")


@pytest.fixture(scope="session")
def summary(request) -> Summary:
    plugin = Summary()
    request.config.pluginmanager.register(plugin, "course-browser-summary")
    return plugin


def missing_browser(summary: Summary, reason: str):
    message = f"{reason}，请安装 {INSTALL}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI 上必须运行浏览器测试：{message}")
    summary.skipped = f"跳过（{message}）"
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base: str, path: str, method: str = "GET"):
    req = urllib.request.Request(base + path, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def stop_kernels(base: str) -> None:
    """让服务器关掉它为打开的 notebook 启动的会话和内核。"""
    for session in api(base, "/api/sessions"):
        api(base, f"/api/sessions/{session['id']}", method="DELETE")
    for kernel in api(base, "/api/kernels"):
        api(base, f"/api/kernels/{kernel['id']}", method="DELETE")


@pytest.fixture(scope="session")
def folder(summary) -> Path:
    path = Path(tempfile.mkdtemp(prefix="course-browser-"))
    (path / "screenshots").mkdir()
    summary.folder = path / "screenshots"
    return path


@pytest.fixture(scope="session")
def tools(summary) -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        missing_browser(summary, "没有找到 chromium 或 chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing_browser(summary, "虚拟环境中没有 selenium（pip install -r requirements.txt）")
    return chromium, driver


@pytest.fixture(scope="session")
def server(tools, folder):
    """课程自己的 JupyterLab：仓库根目录为根，只听 127.0.0.1 上的空闲端口，没有 token。"""
    settings = folder / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        file = settings / f"{name}.jupyterlab-settings"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(values), encoding="utf-8")
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(folder / "config"),
        JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(folder / "workspaces"),
    )
    port = free_port()
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--IdentityProvider.token=", "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={ROOT}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (folder / "jupyterlab.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab 没有启动（退出码 {proc.returncode}），见 {log.name}")
            try:
                api(base, "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab 120 s 内没有响应，见 {log.name}")
                time.sleep(0.5)
        yield base
    finally:
        try:
            if proc.poll() is None:
                stop_kernels(base)
        except OSError:
            pass
        proc.terminate()  # 只停我们自己启动的这个进程
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser(tools, folder):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = tools
    options = offline_options(
        chromium,
        f"--user-data-dir={folder / 'chromium-profile'}",
        f"--window-size={WIDTH},{HEIGHT}",
        "--force-device-scale-factor=1",
    )
    service = Service(executable_path=driver_path, log_output=str(folder / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.set_script_timeout(900)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(folder / "chromium-profile", ignore_errors=True)  # 截图和日志留下，浏览器的配置目录删掉


@pytest.fixture
def page(browser, server, summary):
    """每个测试前后：清空请求日志；测试后检查所有请求都只发往本机，并关掉打开 notebook 时启动的内核。"""
    browser.get("about:blank")
    browser.get_log("performance")
    yield browser
    browser.get("about:blank")  # 先离开页面，再关内核
    outside = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
        elif message["method"] == "Network.webSocketCreated":
            url = message["params"]["url"]
        else:
            continue
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss", "ftp"):
            summary.requests += 1
            if parts.netloc != urlsplit(server).netloc:
                outside.append(url[:120])
    stop_kernels(server)
    assert not outside, f"浏览器访问了本机以外的地址：{sorted(set(outside))}"


def expected_images(nb: dict) -> int:
    """notebook 中应当显示的图片数：Markdown 中的图片加上保存的图片输出。"""
    return len(image_sources(nb)) + sum(image_outputs(cell) for cell in nb["cells"])


def slide_types(nb: dict) -> list[str]:
    return [slide_type(c) or "-" for c in nb["cells"]]


def wait_for(driver, script: str, what: str, timeout: float = 120, *args):
    """反复执行 JavaScript，直到它返回真值。"""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script, *args)
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{timeout:.0f} s 内没有等到：{what}")
        time.sleep(0.2)


def wait_for_images(driver, root, what: str, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        images = driver.execute_script(IMAGES_JS, root)
        if all(img["complete"] for img in images) or time.monotonic() > deadline:
            broken = [img["src"] for img in images if not (img["complete"] and img["width"] > 0)]
            assert not broken, f"{what}：有图片没有加载出来：{broken}"
            return images
        time.sleep(0.2)


def open_notebook(driver, server: str, path: Path):
    """在 JupyterLab 中打开 notebook（?reset：不恢复上一次打开的标签页），等所有单元都渲染出来。"""
    nb = load(path)
    rel = path.relative_to(ROOT).as_posix()
    driver.get(f"{server}/lab/tree/{rel}?reset")
    markdown = sum(c["cell_type"] == "markdown" for c in nb["cells"])
    wait_for(
        driver,
        "const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');"
        "return nb && nb.querySelectorAll('.jp-Cell').length === arguments[0]"
        " && nb.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown').length === arguments[1] && nb;",
        f"{path.name} 的 {len(nb['cells'])} 个单元在 JupyterLab 中渲染出来",
        180,
        len(nb["cells"]),
        markdown,
    )
    return driver.execute_script("return document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_image_loads_in_jupyterlab(page, server, folder, summary, path):
    nb = load(path)
    notebook = open_notebook(page, server, path)
    shots = folder / "screenshots"
    page.save_screenshot(str(shots / f"{path.name[:2]}_notebook.png"))
    # 从头到尾滚一遍，让每个单元都真正显示一次
    for cell in page.execute_script("return arguments[0].querySelectorAll('.jp-Cell')", notebook):
        page.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    images = wait_for_images(page, notebook, path.name)
    expected = expected_images(nb)
    assert len(images) == expected, f"{path.name}：页面上有 {len(images)} 张图片，应有 {expected} 张"
    summary.images += len(images)
    first_diagram = page.execute_script(
        "return arguments[0].querySelector('.jp-MarkdownCell img')", notebook
    )  # Markdown 中的第一张示意图
    if first_diagram:
        page.execute_script("arguments[0].scrollIntoView({block: 'center'})", first_diagram)
        time.sleep(0.3)
        page.save_screenshot(str(shots / f"{path.name[:2]}_diagram.png"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_slides_are_complete_and_every_image_loads(page, server, folder, summary, path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    nb = load(path)
    types = slide_types(nb)
    n_slides, n_pages = types.count("slide"), types.count("slide") + types.count("subslide")
    rel = path.relative_to(ROOT).as_posix()
    page.get(f"{server}/rise/{rel}")
    wait_for(page, "return document.querySelector('.reveal.ready')", f"{path.name} 的放映模式准备好", 180)
    reveal = page.execute_script("return document.querySelector('.reveal')")
    counts = page.execute_script(
        "const top = [...arguments[0].querySelectorAll('.slides > section')];"
        "return [top.length, arguments[0].querySelectorAll('.slides section:not(.stack)').length];",
        reveal,
    )
    assert counts == [n_slides, n_pages], (
        f"{path.name}：放映中有 {counts[0]} 张幻灯片（{counts[1]} 页），"
        f"notebook 中有 {n_slides} 个 slide 单元（加上 subslide 共 {n_pages} 页）"
    )
    shots = folder / "screenshots"
    page.save_screenshot(str(shots / f"{path.name[:2]}_slide01.png"))
    # 按空格一页一页往后翻（和讲课时一样），直到最后一页
    seen, diagram_shot = [], False
    while True:
        here = page.execute_script("return location.hash")
        assert here not in seen, f"{path.name}：翻页回到了 {here}"
        seen.append(here)
        current = page.execute_script("return arguments[0].querySelector('section.present:not(.stack)')", reveal)
        images = wait_for_images(page, current, f"{path.name} 放映第 {len(seen)} 页")
        diagram = page.execute_script("return arguments[0].querySelector('.jp-MarkdownCell img')", current)
        if diagram and not diagram_shot:
            page.save_screenshot(str(shots / f"{path.name[:2]}_slide{len(seen):02d}_diagram.png"))
            diagram_shot = True
        summary.slide_images += len(images)
        check_slide_is_readable(page, current, summary, f"{path.name} 放映第 {len(seen)} 页（{here}）")
        ActionChains(page).send_keys(Keys.SPACE).perform()
        deadline = time.monotonic() + 3
        while page.execute_script("return location.hash") == here and time.monotonic() < deadline:
            time.sleep(0.05)
        if page.execute_script("return location.hash") == here:
            break  # 最后一页
    assert len(seen) == n_pages, f"{path.name}：按空格翻过了 {len(seen)} 页，应有 {n_pages} 页"
    every = wait_for_images(page, reveal, f"{path.name} 放映")
    expected = expected_images(nb)
    assert len(every) == expected, f"{path.name}：幻灯片上有 {len(every)} 张图片，应有 {expected} 张"
    summary.slides += len(seen)


def check_slide_is_readable(driver, section, summary: Summary, where: str) -> None:
    """这一页在 1280×720 上不用滚动就能看全，正文、代码和标题的字号够大。"""
    found = driver.execute_script(SLIDE_JS, section)
    assert found["overflow"] <= 1 and found["bottom"] <= found["viewport"] + 1, (
        f"{where}：内容比屏幕高 {found['overflow']} px，放映时要滚动才能看全"
        "（重新运行 tools/set_slides.py --split-tall）"
    )
    small = {
        kind: min(found[kind])
        for kind, least in (("prose", MIN_PROSE), ("code", MIN_CODE))
        if found[kind] and min(found[kind]) < least
    }
    assert not small, f"{where}：字太小 {small}（正文至少 {MIN_PROSE} px、代码至少 {MIN_CODE} px，见 rise.css）"
    if found["headings"] and found["prose"]:
        assert min(found["headings"]) > max(found["prose"]), f"{where}：标题不比正文大"
    for kind in summary.slide_sizes:
        summary.slide_sizes[kind] += found[kind]
    summary.slide_boxes += found["boxes"] > 0


RUN_ALL_JS = """
const done = arguments[arguments.length - 1];
const app = window.jupyterapp;
app.commands.execute('notebook:clear-all-cell-outputs')
    .then(() => app.commands.execute('notebook:run-all-cells'))
    .then(ok => done({ok: ok}), err => done({error: String(err)}));
"""

KERNEL_IDLE_JS = """
const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
return kernel && kernel.status === 'idle' && !panel.sessionContext.pendingInput;
"""

# 每个代码单元的执行编号，以及错误和 stderr 输出
OUTPUTS_JS = """
const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
const found = [];
for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    const outputs = cell.outputs.toJSON();
    found.push({
        count: cell.executionCount,
        source: cell.sharedModel.getSource().slice(0, 60),
        bad: outputs.filter(o => o.output_type === 'error' || o.name === 'stderr')
                    .map(o => (o.ename ? o.ename + ': ' + o.evalue : o.text || '').toString().slice(0, 300)),
        images: outputs.filter(o => o.data && Object.keys(o.data).some(k => k.startsWith('image/'))).length,
    });
}
return found;
"""


@pytest.mark.parametrize("path", RUN_ALL, ids=[p.name[:2] for p in RUN_ALL])
def test_run_all_in_the_browser_without_errors(page, server, folder, summary, path):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    open_notebook(page, server, path)
    wait_for(page, KERNEL_IDLE_JS, f"{path.name} 的内核启动", 180)
    result = page.execute_async_script(RUN_ALL_JS)
    assert result.get("ok"), f"Run All 没有成功：{result}"
    wait_for(page, KERNEL_IDLE_JS, f"{path.name} 运行结束", 600)
    cells = page.execute_script(OUTPUTS_JS)
    page.save_screenshot(str(folder / "screenshots" / f"{path.name[:2]}_run_all.png"))
    bad = [(c["source"], c["bad"]) for c in cells if c["bad"]]
    assert not bad, f"{path.name}：浏览器中运行出现错误或 stderr 输出：{bad}"
    counts = [c["count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}：没有依次运行完所有单元：{counts}"
    stored = sum(image_outputs(c) > 0 for c in load(path)["cells"])
    produced = sum(c["images"] > 0 for c in cells)
    assert produced == stored, f"{path.name}：运行后有 {produced} 个单元画了图，保存的 notebook 中有 {stored} 个"
    summary.cells_run += len(cells)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "浏览器中的运行不应改写 notebook 文件"
