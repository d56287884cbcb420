"""让测试可以 `import helpers`（它和 notebook 放在同一个目录里）。"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # 测试中不弹出窗口

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "notebooks"))
