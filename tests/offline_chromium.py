"""两个浏览器测试（tests/test_browser.py、tests/test_book.py）共用的：离线的无界面 chromium。

只用系统的 chromium 与 chromium-driver，selenium 不去下载任何东西；除 127.0.0.1 以外的主机名一律解析失败，
页面即使想访问外网，请求也发不出去（两个测试还会逐个检查浏览器发出的请求）。
"""

from __future__ import annotations

import os

# 两个测试都用的 chromium 参数：无界面、不做任何后台联网、只解析 127.0.0.1
OFFLINE_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
    "--disable-features=Translate,OptimizationHints,MediaRouter", "--lang=zh-CN",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)  # fmt: skip


def offline_options(chromium: str, *extra: str):
    """selenium 的 ChromeOptions：OFFLINE_ARGS 加上 extra，并记录浏览器发出的每个请求（performance 日志）。"""
    from selenium import webdriver

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium 不要自己去下载浏览器或驱动
    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (*OFFLINE_ARGS, *extra):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return options
