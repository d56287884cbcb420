"""TensorFlow 深度学习训练营的共享辅助模块：每个 notebook 的第一个单元都 ``import helpers``。

它做四件事，值得读一读：

1. 固定随机种子、设置统一的绘图风格（``setup``、``set_seed``）；
2. 从仓库自带的 ``data/`` 离线加载数据集，返回值与 ``keras.datasets`` 相同（``load_mnist`` 等）；
3. 三个画图函数：训练曲线、图像网格、混淆矩阵；
4. ``checkpoint``：检查训练结果的一句结论，通过时在任何机器上都打印同样的一行 ✓。

有两部分放在旁边的文件里，不读也没关系：导入时先让内核为课程做好准备（检查包和版本、
安静地导入 TensorFlow）的 ``course_kernel.py``，以及读取并核对数据文件的 ``course_data.py``。
"""

from __future__ import annotations

import course_kernel

course_kernel.start()  # 必须在导入 TensorFlow 之前：检查环境，安静地导入 TensorFlow

import json
import math
import operator
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import keras
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
import tensorflow as tf
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


# ---------------------------------------------------------------------------
# 1. 随机种子与绘图风格
# ---------------------------------------------------------------------------

STYLE = Path(__file__).with_name("course.mplstyle")  # 图的大小、字号、灰度图、曲线颜色
SEED = 42  # setup() 最近一次用的种子；set_seed() 不带参数时用它


def setup(seed: int = 42) -> None:
    """每个 notebook 开头调用一次：固定随机种子，设置统一的绘图风格。

    设置了环境变量 ``COURSE_SEED`` 时（例如 ``COURSE_SEED=7``），用它代替 ``seed`` 并打印一行说明：
    维护者用它检查换一个种子后，notebook 的结论是否仍然成立（``make check-machines``）。
    """
    global SEED
    from_env = os.environ.get("COURSE_SEED")
    SEED = int(from_env) if from_env else seed
    if from_env:
        print(f"随机种子：{SEED}（来自环境变量 COURSE_SEED）")
    set_seed()
    plt.style.use(STYLE)


def set_seed(seed: int | None = None) -> None:
    """固定 Python、NumPy、TensorFlow/Keras 的随机种子，并让 TensorFlow 的运算结果确定。

    调用之后，同样的代码在同一台机器上重新运行，会得到完全相同的数字。
    不给 ``seed`` 时，用本课开头 ``setup()`` 设置的种子（想从头再来一遍时用它）。
    """
    seed = SEED if seed is None else seed
    keras.utils.set_random_seed(seed)  # 同时设置 Python 的 random、NumPy 和 TensorFlow 的种子
    tf.config.experimental.enable_op_determinism()


# ---------------------------------------------------------------------------
# 2. 数据集：三个加载函数写在 course_data.py 里（那里不需要 TensorFlow），在这里可以直接用
#    helpers.load_mnist() 等。每次加载都核对文件的校验和；文件坏了时报一条中文错误
#    (DataFileError)，并说明怎样恢复。
# ---------------------------------------------------------------------------

from course_data import DataFileError, load_boston_housing, load_fashion_mnist, load_mnist  # noqa: F401

# ---------------------------------------------------------------------------
# 3. 画图
# ---------------------------------------------------------------------------


def plot_history(history: Any, metrics: str | Sequence[str] = ("loss",)) -> Figure:
    """画训练曲线：每个指标一张子图，训练集和验证集（若有）各一条线。

    Args:
        history: ``model.fit`` 返回的 ``keras.callbacks.History``，或形如
            ``{"loss": [...], "val_loss": [...]}`` 的字典。
        metrics: 要画的指标名，例如 ``"loss"`` 或 ``("loss", "accuracy")``。
    """
    logs = history.history if hasattr(history, "history") else history
    if not isinstance(logs, Mapping):
        raise TypeError(f"history 应该是 keras History 或字典，收到的是 {type(history).__name__}")
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    if not names:
        raise ValueError("metrics 不能为空，至少给出一个指标名，例如 'loss'")
    for name in names:
        if name not in logs:
            available = sorted(k for k in logs if not k.startswith("val_"))
            raise ValueError(f"训练记录中没有指标 {name!r}；可用的指标有：{available}")

    fig, axes = plt.subplots(1, len(names), figsize=(5.2 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = np.arange(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], label="training")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], label="validation")
        ax.set_xlabel("Epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epoch 只取整数
        ax.set_ylabel(name)
        ax.set_title(name)
        ax.grid(True)
        ax.legend()
    fig.tight_layout()
    return fig


def plot_images(
    images: Sequence[np.ndarray] | np.ndarray,
    labels: Sequence[Any] | None = None,
    ncols: int = 8,
    size: float = 1.5,
) -> Figure:
    """把若干张图像排成网格，每张图上方写上对应的标签。

    Args:
        images: N 张图像，形状 (N, H, W) 的灰度图或 (N, H, W, 3) 的彩色图。
        labels: N 个标签（数字或字符串），可省略。
        ncols: 每行最多几张图。
        size: 每张小图的边长（英寸）。
    """
    n = len(images)
    if n == 0:
        raise ValueError("images 是空的，没有可画的图像")
    if labels is not None and len(labels) != n:
        raise ValueError(f"images 有 {n} 张，labels 却有 {len(labels)} 个：两者数量必须相同")
    if ncols < 1:
        raise ValueError(f"ncols 必须是正整数，收到的是 {ncols}")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(np.asarray(images[i]), cmap="gray")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=10)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(
    matrix: Any, class_names: Sequence[Any] | None = None, figsize: tuple[float, float] = (7, 6)
) -> Figure:
    """用 seaborn 热力图画混淆矩阵：行是真实类别 (Truth)，列是预测类别 (Predicted)。

    Args:
        matrix: 形状 (K, K) 的整数矩阵，例如 ``tf.math.confusion_matrix`` 的结果。
        class_names: K 个类别名，可省略（省略时用 0..K-1）。
        figsize: 图的大小（英寸）。
    """
    cm = np.asarray(matrix)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"混淆矩阵必须是 K×K 的方阵，收到的形状是 {cm.shape}")
    names = list(range(cm.shape[0])) if class_names is None else list(class_names)
    if len(names) != cm.shape[0]:
        raise ValueError(f"混淆矩阵有 {cm.shape[0]} 个类别，class_names 却有 {len(names)} 个")
    fig, ax = plt.subplots(figsize=figsize)
    sns.heatmap(cm, annot=True, fmt="d", cmap="Blues", cbar=False,
                xticklabels=names, yticklabels=names, ax=ax)
    ax.set_xlabel("Predicted")
    ax.set_ylabel("Truth")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# 4. 检查点：训练得到的数字因机器而异，检查点的结论不变
# ---------------------------------------------------------------------------

# 比较符 -> (比较函数, 不通过时说“应当……”用的中文)
_COMPARE = {
    ">=": (operator.ge, "不低于"),
    ">": (operator.gt, "高于"),
    "<=": (operator.le, "不高于"),
    "<": (operator.lt, "低于"),
}

WHAT_TO_DO = (
    "  先选 Kernel → Restart Kernel and Run All Cells，从头运行整个 notebook"
    "（只重跑训练单元，会在已经训练过的权重上接着训练）。\n"
    "  仍然 ✗，就是环境或代码和课程不同：对照 requirements.txt 检查版本，或撤销你对前面代码的改动。"
)


def checkpoint(claim: str, value: float, op: str, threshold: Any, *, identity: bool = False) -> None:
    """检查课文里的一句结论，打印一行 ``✓ 结论``；不成立时打印 ``✗ 结论``、测得的数值和该怎么做。

    训练出来的数字（损失、准确率……）在另一台电脑上会在最后几位不同，
    所以 notebook 不直接比对它们，而是检查留有余量的结论，例如::

        helpers.checkpoint("测试准确率不低于 0.97", test_acc, ">=", 0.97)   # 打印 ✓ 测试准确率不低于 0.97

    Args:
        claim: 结论，一句中文。通过时只打印它，所以保存的输出在任何机器上都一样。
        value: 实测的数值。
        op: ``">="``、``">"``、``"<="``、``"<"`` 之一，或 ``"between"``（此时 threshold 是 ``(下限, 上限)``，
            要求 下限 < value < 上限）。
        threshold: 阈值。
        identity: 这句话不管训练与否都成立（例如概率之和为 1），而不是训练的结果。

    若设置了环境变量 ``COURSE_CHECKPOINT_LOG``（make check-machines 会设置），
    还会把实测值追加写入该文件，用来统计不同种子和机器下的最小值、中位数和最大值。
    """
    value = float(value)
    if op == "between":
        low, high = (float(t) for t in threshold)
        ok = low < value < high
        wanted = f"在 {low:.4g} 和 {high:.4g} 之间"
    elif op in _COMPARE:
        compare, words = _COMPARE[op]
        ok = bool(compare(value, threshold))
        wanted = f"{words} {threshold:g}"
    else:
        raise ValueError(f"op 只能是 {'、'.join(_COMPARE)} 或 between，收到的是 {op!r}")
    if ok:
        print(f"✓ {claim}")
    else:
        print(f"✗ {claim}\n  没有做到：测得 {value:.4g}，应当{wanted}。\n{WHAT_TO_DO}")
    log = os.environ.get("COURSE_CHECKPOINT_LOG")
    if log:
        record = {"label": claim, "value": value, "op": op, "threshold": threshold, "ok": ok, "identity": identity}
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
