"""pytest 的共同设置：路径、标记，以及测试中不弹出窗口。

- tests/ 中的测试可以 ``import helpers``（它和 notebook 放在同一个目录里）和 tools/ 中的脚本；
- 执行 notebook 的测试（nbval）和浏览器测试各带一个标记，可以单独运行或跳过（make test-fast 跳过两者）：
  ``pytest -m notebook``、``pytest -m browser``。
"""

import sys

import matplotlib
import pytest

matplotlib.use("Agg")  # 测试中不弹出窗口

from course_notebooks import ROOT  # tests/ 已在 sys.path 上

sys.path.insert(0, str(ROOT / "notebooks"))
sys.path.insert(0, str(ROOT / "tools"))


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: 在无界面的 chromium 中打开课程自己的 JupyterLab（约 3 分钟）")
    config.addinivalue_line("markers", "notebook: nbval 重新执行一个 notebook 并比对保存的输出")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
