"""课程网站（make book）在真实的浏览器里：无界面的 chromium 打开 tools/build_book.py 构建出的静态网站。

- 两分钟之内构建完，zip 中有全部页面；
- 分别从本机 HTTP 服务器的根目录和子路径 /course/（像项目主页托管网站那样）打开：每一页都加载出来，
  每张图片都加载了，每个公式都由本地的 MathJax 渲染了，折叠的答案仍然折叠着；
- 中文搜索：梯度下降、过拟合、卷积各自把对应的那一课排在第一个，摘要里有这个词；
- 直接从磁盘打开（file://）也能看、能翻到课；
- 浏览器没有向本机之外发出任何请求（此外，除 127.0.0.1 以外的主机名都解析为“不存在”）。

截图保存在测试结束时打印的临时目录中。没有 chromium 或网站的依赖（book/requirements.txt）时，
这些测试跳过并说明要安装什么；在 CI（CI=true）上缺少它们算失败。
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from course_notebooks import NOTEBOOKS, ROOT
from offline_chromium import offline_options

pytestmark = pytest.mark.browser

SEARCHES = {"梯度下降": "02_", "过拟合": "04_", "卷积": "05_"}  # 搜这个词，排第一的应当是这一课
BUILD_LIMIT = 120  # 秒：make book 在 2 核上应当两分钟之内构建完


def missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI 上必须测试课程网站：{reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site() -> dict:
    """构建网站（和 make book 一样），记下用时。"""
    try:
        import build_book
        import sphinx  # noqa: F401
    except ImportError:
        missing("没有安装网站的依赖：运行 make book（它会安装 book/requirements.txt）")
    started = time.monotonic()
    assert build_book.main() == 0
    return {"html": build_book.HTML, "zip": build_book.ZIP, "seconds": time.monotonic() - started}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # 测试输出里不要每个请求一行
        pass


def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session", params=["/", "/course/"], ids=["root", "subpath"])
def base(request, site):
    """网站的地址：放在服务器的根目录，或者放在子路径 /course/ 下。"""
    if request.param == "/":
        server = serve(site["html"])
    else:
        parent = Path(tempfile.mkdtemp(prefix="course-book-"))
        (parent / "course").symlink_to(site["html"], target_is_directory=True)
        server = serve(parent)
    yield f"http://127.0.0.1:{server.server_address[1]}{request.param}"
    server.shutdown()


@pytest.fixture(scope="session")
def shots() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="course-book-shots-"))
    print(f"\n课程网站的截图：{folder}")
    return folder


@pytest.fixture(scope="session")
def book_browser(shots):
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        missing("没有找到 chromium 或 chromedriver（Debian / Ubuntu：sudo apt install chromium chromium-driver）")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = offline_options(chromium, "--window-size=1280,900", "--allow-file-access-from-files")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def browser(book_browser):
    """每个测试之后：浏览器发出的请求只能是本机的 HTTP 服务器或磁盘上的文件。"""
    book_browser.get("about:blank")
    book_browser.get_log("performance")
    yield book_browser
    outside = set()
    for entry in book_browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        url = message["params"]["request"]["url"]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            outside.add(url[:120])
    assert not outside, f"网站访问了本机以外的地址：{sorted(outside)}"


def wait_for(driver, script: str, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{timeout:.0f} s 内没有等到：{what}")
        time.sleep(0.2)


PAGE_STATE_JS = """
const images = [...document.images];
return {
    ready: document.readyState === 'complete' && images.every(img => img.complete),
    broken: images.filter(img => !(img.naturalWidth > 0)).map(img => img.getAttribute('src').slice(0, 80)),
    images: images.length,
    math: document.querySelectorAll('.math').length,
    rendered: document.querySelectorAll('.math mjx-container').length,
    rawMath: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length,
    details: document.querySelectorAll('details').length,
    openDetails: document.querySelectorAll('details[open]').length,
    title: document.title,
};
"""


def pages(site) -> list[str]:
    """网站的页面（_static 中是主题自带的模板片段，不是页面）。"""
    found = site["html"].rglob("*.html")
    return sorted(p.relative_to(site["html"]).as_posix() for p in found if "_static" not in p.parts)


def test_book_builds_in_time_and_the_zip_has_every_page(site):
    names = pages(site)
    lessons = [f"notebooks/{p.stem}.html" for p in NOTEBOOKS]
    assert set(lessons) <= set(names), f"缺少课的页面：{set(lessons) - set(names)}"
    assert {"index.html", "search.html"} <= set(names)
    assert {f"verified/{p.name[:2]}.html" for p in NOTEBOOKS} <= set(names)
    assert site["seconds"] < BUILD_LIMIT, f"构建用了 {site['seconds']:.0f} s，应当在 {BUILD_LIMIT} s 之内"
    with zipfile.ZipFile(site["zip"]) as archive:
        inside = {n.removeprefix("tf-bootcamp-book/") for n in archive.namelist()}
    assert set(names) <= inside, f"zip 中缺少页面：{set(names) - inside}"
    print(
        f"\n课程网站：{len(names)} 个页面，构建 {site['seconds']:.0f} s，"
        f"zip {site['zip'].stat().st_size / 1e6:.1f} MB（{site['zip'].relative_to(ROOT)}）"
    )


def test_every_page_loads_with_its_images_and_formulas(browser, site, base, shots):
    seen_math = 0
    for name in pages(site):
        browser.get(base + name)
        state = wait_for(
            browser,
            "const s = (function () {" + PAGE_STATE_JS + "})();"
            " return s.ready && (s.math === 0 || s.rendered >= s.math) && s;",
            f"{base}{name} 加载完、公式渲染完",
        )
        assert not state["broken"], f"{base}{name}：有图片没有加载出来：{state['broken']}"
        assert state["rawMath"] == 0, f"{base}{name}：{state['rawMath']} 个公式没有渲染"
        assert state["openDetails"] == 0, f"{base}{name}：折叠的答案被展开了"
        seen_math += state["rendered"]
        if name.startswith("notebooks/"):
            assert state["images"] > 0 and state["details"] >= 3, f"{base}{name}：课的页面应当有图和折叠的答案"
    assert seen_math > 0, "网站上一个公式也没有：MathJax 没有加载？"
    if base.endswith("/course/"):
        browser.get(base + "notebooks/02_fundamentals_of_training_a_neural_network.html#id5")
        time.sleep(1)
        browser.save_screenshot(str(shots / "lesson02_formulas.png"))
        browser.get(base + "index.html")
        browser.save_screenshot(str(shots / "index.png"))


@pytest.mark.parametrize("term", SEARCHES)
def test_chinese_search_finds_the_lesson(browser, base, shots, term):
    browser.get(f"{base}search.html?q={quote(term)}")
    links = wait_for(
        browser,
        # 搜索结束（状态行写出“找到几个页面”），并且第一个结果的摘要（页面另行下载）也显示出来了
        "const done = document.querySelector('#search-results .search-summary');"
        "const items = [...document.querySelectorAll('#search-results ul.search li')];"
        "return done && done.textContent && items.length && items[0].querySelector('.context')"
        " && items.map(li => [li.querySelector('a').getAttribute('href'), li.textContent]);",
        f"搜索“{term}”的结果",
    )
    first_href, first_text = links[0]
    assert first_href.split("/")[-1].startswith(SEARCHES[term]), (
        f"搜索“{term}”：排第一的是 {first_href}，应当是第 {SEARCHES[term][:2]} 课；全部结果 {[h for h, _ in links]}"
    )
    assert term in first_text, f"搜索“{term}”：第一个结果的摘要里没有这个词"
    browser.save_screenshot(str(shots / f"search_{SEARCHES[term][:2]}.png"))


def test_opens_from_disk(browser, site, shots):
    """老师把 zip 解压到教室的电脑上，双击 index.html：不经过服务器也能看、能翻到课。"""
    browser.get((site["html"] / "index.html").as_uri())
    wait_for(browser, "return document.readyState === 'complete'", "从磁盘打开首页")
    lesson = browser.execute_script("return document.querySelector('a[href*=\"05_cnn_fundamentals\"]').href")
    browser.get(lesson)
    state = wait_for(
        browser,
        "const s = (function () {" + PAGE_STATE_JS + "})(); return s.ready && s.rendered >= s.math && s;",
        "从磁盘打开第 5 课",
    )
    assert state["images"] > 0 and not state["broken"], f"从磁盘打开时图片没有加载：{state['broken']}"
    browser.save_screenshot(str(shots / "from_disk_lesson05.png"))


def test_lesson_list_opens_on_a_phone(browser, base, shots):
    """手机宽度下，点“☰”能打开课程列表（book/_static/book-toggles.js 修好的主题问题）。"""
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    try:
        browser.get(base + "notebooks/04_mnist_digit_classification_using_mlp.html")
        wait_for(browser, "return document.readyState === 'complete'", "手机宽度下打开第 4 课")
        buttons = [b for b in browser.find_elements(By.CSS_SELECTOR, ".primary-toggle") if b.is_displayed()]
        assert buttons, "手机宽度下找不到打开课程列表的按钮"
        buttons[0].click()
        wait_for(
            browser,
            "const m = document.querySelector('#pst-primary-sidebar-modal'); return m && m.open;",
            "点“☰”以后课程列表打开",
            timeout=5,
        )
        browser.save_screenshot(str(shots / "phone_lesson_list.png"))
    finally:
        browser.set_window_size(1280, 900)
