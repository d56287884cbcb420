"""pytest 的共同设置：路径、标记，以及测试中不弹出窗口。

- tests/ 中的测试可以 ``import helpers``（它和 notebook 放在同一个目录里）和 tools/ 中的脚本；
- 每个测试都带一个标记，可以单独运行一部分（make test-fast 跳过后两种）：
  ``pytest -m browser``（真实浏览器）、``pytest -m notebook``（nbval 重新执行 notebook）。
"""

import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # 测试中不弹出窗口

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "notebooks"))
sys.path.insert(0, str(ROOT / "tools"))


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: 在无界面的 chromium 中打开课程自己的 JupyterLab（约 3 分钟）")
    config.addinivalue_line("markers", "notebook: nbval 重新执行一个 notebook 并比对保存的输出")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
