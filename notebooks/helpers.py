"""TensorFlow 深度学习训练营的共享辅助模块。

所有 notebook 都在第一个代码单元里 ``import helpers``，然后调用 ``helpers.setup()``。
本模块只做四件事：

1. 安静地导入 TensorFlow（去掉启动时的 C++ 日志噪声，但保留真正的错误）；
2. 固定随机种子，让每次重新运行得到同样的数字；
3. 从仓库自带的 ``data/`` 目录离线加载数据集，接口与 ``keras.datasets`` 相同；
4. 三个画图函数：训练曲线、图像网格、混淆矩阵；
5. ``checkpoint``：训练结果的检查点，在任何机器上都输出同样的一行。
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import operator
import os
import random
import re
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# ---------------------------------------------------------------------------
# 0. 先确认这个内核是课程的环境（在导入任何第三方包之前）
# ---------------------------------------------------------------------------


class _ShortError(Exception):
    """在 Jupyter 中只显示这段中文说明、不显示回溯的异常；在命令行里仍是普通异常。"""

    def _render_traceback_(self) -> list[str]:  # IPython 用它的返回值代替回溯
        return str(self).splitlines()


class CourseEnvironmentError(_ShortError, ImportError):
    """当前内核缺少课程需要的包，或者包的版本太旧。"""


def _environment_error(problem: str) -> CourseEnvironmentError:
    """把问题描述和统一的修复方法拼成一条中文说明。"""
    version = ".".join(str(n) for n in sys.version_info[:3])
    lines = [
        problem,
        f"当前内核：Python {version}（{sys.executable}）",
        "修复方法（任选其一）：",
        "  1. 在仓库根目录运行 make lab，在它打开的 JupyterLab 里运行 notebook；",
        "  2. 在 VS Code 中：点右上角的内核名（Select Kernel），选 Python Environments → .venv"
        "（还没有 .venv 就先运行 make install，或按 README“不用 make”一节创建）；",
        "  3. 把课程的依赖装进这个内核：新建一个单元运行 %pip install -r ../requirements.txt，"
        "装完后重启内核（Kernel → Restart Kernel）。",
    ]
    if not (3, 10) <= sys.version_info[:2] <= (3, 13):
        lines.append(f"     注意：TensorFlow 2.21 只支持 Python 3.10～3.13，在 Python {version} 上第 3 种方法行不通。")
    return CourseEnvironmentError("\n".join(lines))


def _is_missing(module: str) -> bool:
    """不导入就判断一个包是否装在当前内核里。"""
    if module in sys.modules:
        return sys.modules[module] is None  # None 表示已被屏蔽
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):
        return True


def _check_packages_installed() -> None:
    missing = [m for m in ("numpy", "tensorflow", "keras", "matplotlib", "seaborn") if _is_missing(m)]
    if missing:
        raise _environment_error(f"这个内核不是本课程的 Python 环境：找不到 {'、'.join(missing)}。")


def _major_minor(version: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def _check_versions(tf_version: str, keras_version: str) -> None:
    """课程的代码需要 TensorFlow ≥ 2.21 和 Keras 3；更旧的版本在后面会出难懂的错。"""
    if _major_minor(tf_version) < (2, 21) or _major_minor(keras_version) < (3, 0):
        raise _environment_error(
            f"这个内核里的版本太旧：找到 TensorFlow {tf_version}、Keras {keras_version}，"
            "课程需要 TensorFlow ≥ 2.21、Keras ≥ 3。"
        )


_check_packages_installed()

import numpy as np  # noqa: E402

# ---------------------------------------------------------------------------
# 1. 安静地导入 TensorFlow
# ---------------------------------------------------------------------------

# TensorFlow 在 import 时由 C++ 直接向文件描述符 2（stderr）写几行提示，
# 环境变量 TF_CPP_MIN_LOG_LEVEL 管不住它们。这些行只是提示，不是错误：
_TF_NOISE = re.compile(
    r"All log messages before absl::InitializeLog\(\)"
    r"|oneDNN custom operations are on"
    r"|Could not find cuda drivers"
    r"|cpu_feature_guard\.cc"
    r"|To enable the following instructions:"
    r"|rebuild TensorFlow with the appropriate compiler flags"
    r"|Unable to register cu(DNN|FFT|BLAS) factory"
    r"|computation_placer\.cc.*already registered"
    r"|TF-TRT Warning: Could not find TensorRT"
    r"|failed call to cuInit"  # 没有 GPU 的机器上，第一次查找设备时出现
    r"|NodeDef mentions attribute use_unbounded_threadpool"  # predict 时 tf.data 的版本提示
)


def _import_tensorflow_quietly() -> None:
    """导入 TensorFlow 和 Keras，只丢掉上面列出的启动提示，其余 stderr 原样保留。"""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # 运行期间只显示 ERROR
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)  # 临时把 stderr 写进文件
        try:
            import keras  # noqa: F401
            import tensorflow

            tensorflow.config.list_physical_devices()  # 让查找 GPU 的提示也在这里出现
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
        captured.seek(0)
        text = captured.read().decode("utf-8", errors="replace")
    kept = [line for line in text.splitlines() if line.strip() and not _TF_NOISE.search(line)]
    if kept:  # 真正的错误或未知信息：照样显示给学习者
        print("\n".join(kept), file=sys.stderr)


def _filter_native_stderr_in_jupyter() -> None:
    """在 Jupyter 内核中持续过滤 TensorFlow 的 C++ 代码运行时写到 stderr 的已知提示。

    Python 自己的输出（print、警告、报错）不经过这里，照常显示；
    C++ 写出的其他行（真正的错误）也照常转发。
    """
    if "ipykernel" not in sys.modules:
        return
    read_fd, write_fd = os.pipe()
    target_fd = os.dup(2)
    os.dup2(write_fd, 2)
    os.close(write_fd)

    def forward() -> None:
        with os.fdopen(read_fd, "rb") as lines:
            for line in lines:
                if not _TF_NOISE.search(line.decode("utf-8", errors="replace")):
                    os.write(target_fd, line)

    threading.Thread(target=forward, name="tf-stderr-filter", daemon=True).start()


_import_tensorflow_quietly()
_filter_native_stderr_in_jupyter()

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
import tensorflow as tf  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

_check_versions(tf.__version__, keras.__version__)

# ---------------------------------------------------------------------------
# 2. 随机种子与绘图风格
# ---------------------------------------------------------------------------


def set_seed(seed: int = 42) -> None:
    """固定 Python、NumPy、TensorFlow/Keras 的随机种子，并让 TensorFlow 运算确定。

    调用之后，同样的代码在同一台机器上重新运行，会得到完全相同的数字。
    """
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # 同时设置 random、numpy 和 TensorFlow 的种子
    tf.config.experimental.enable_op_determinism()


def setup(seed: int = 42) -> None:
    """每个 notebook 开头调用一次：固定随机种子 + 设置统一的绘图风格。"""
    set_seed(seed)
    plt.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 100,
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "legend.fontsize": 10,
            "image.cmap": "gray",  # 灰度图默认用黑白显示
        }
    )


# ---------------------------------------------------------------------------
# 3. 离线数据集（与 keras.datasets 返回相同的数组）
# ---------------------------------------------------------------------------

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# 每个数据文件内容（数组名、dtype、形状、字节）的 SHA-256，由 data/build_data.py 打印
DATA_SHA256 = {
    "mnist.npz": "7bf19471c397a07c4488f600bdfd9f25edbf8c41c2ecc70e1f93beee515475e6",
    "fashion_mnist.npz": "9d854dc48e008860e2cab2efc923bd59eef4a7b82e4c8e3ae74402029e717883",
    "boston_housing.npz": "25245de35c4c2d24bf58657eb8b4f9ec5c19408188fedd5debdaf9da077d0c16",
}

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class DataFileError(_ShortError, RuntimeError):
    """data/ 中的数据文件缺失、不完整或被改动。"""


def content_sha256(arrays: Mapping[str, np.ndarray]) -> str:
    """按数组名排序，对每个数组的名字、dtype、形状和字节计算一个总的 SHA-256。"""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _restore_advice(filename: str) -> str:
    """数据文件坏了时学习者自己能做的修复方法（接在问题描述后面）。"""
    return (
        "用 git checkout 恢复它：\n"
        f"    git checkout HEAD -- data/{filename}\n"
        f"（在仓库根目录 {DATA_DIR.parent} 的终端里运行；在 notebook 的单元里则运行 "
        f"!git checkout HEAD -- ../data/{filename}），然后重新运行出错的单元。\n"
        "如果课程是下载的 zip 压缩包、不是用 git clone 得到的：重新下载仓库的压缩包，"
        f"把其中的 data/{filename} 复制到 {DATA_DIR}。"
    )


def _load_npz(filename: str) -> dict[str, np.ndarray]:
    """读取 data/ 中的一个 .npz 文件，并核对内容校验和；出错时给出中文说明。"""
    path = DATA_DIR / filename
    if not path.is_file():
        raise DataFileError(f"找不到数据文件 {path}。{_restore_advice(filename)}")
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {name: f[name] for name in f.files}
    except Exception as err:
        if path.read_bytes()[:40].startswith(b"version https://git-lfs"):
            raise DataFileError(
                f"数据文件 {path} 只是一个 Git LFS 指针（几行文字），不是真正的数据。\n"
                "修复方法：安装 Git LFS 后在仓库根目录运行 git lfs install 和 git lfs pull；"
                f"或者重新下载仓库的压缩包，把其中的 data/{filename} 复制到 {DATA_DIR}。"
            ) from err
        raise DataFileError(
            f"数据文件 {path} 无法读取（{type(err).__name__}）：文件不完整或已损坏。"
            f"{_restore_advice(filename)}"
        ) from err
    if content_sha256(arrays) != DATA_SHA256[filename]:
        raise DataFileError(
            f"数据文件 {path} 的内容校验和不对：文件已损坏或被改动过。{_restore_advice(filename)}"
        )
    return arrays


def load_mnist() -> Arrays:
    """加载 MNIST 手写数字，返回值与 ``keras.datasets.mnist.load_data()`` 完全相同。

    Returns:
        ``(x_train, y_train), (x_test, y_test)``：图像为 uint8、形状 (N, 28, 28)，
        标签为 uint8、形状 (N,)；训练集 60000 张，测试集 10000 张。
    """
    d = _load_npz("mnist.npz")
    return (d["x_train"], d["y_train"]), (d["x_test"], d["y_test"])


def load_fashion_mnist() -> Arrays:
    """加载 Fashion-MNIST 服装图像，返回值与 ``keras.datasets.fashion_mnist.load_data()`` 相同。"""
    d = _load_npz("fashion_mnist.npz")
    return (d["x_train"], d["y_train"]), (d["x_test"], d["y_test"])


def load_boston_housing(test_split: float = 0.2, seed: int = 113) -> Arrays:
    """加载波士顿房价数据，划分方式与 ``keras.datasets.boston_housing.load_data()`` 相同。

    把 506 行按原始顺序排好，用 ``np.random.RandomState(seed)`` 打乱行号，
    前 ``int(506 * (1 - test_split))`` 行作训练集，其余作测试集。

    Returns:
        ``(x_train, y_train), (x_test, y_test)``：x 为 float64、13 个特征，
        y 为房价中位数（单位：千美元）。默认 404 行训练、102 行测试。
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"test_split 必须满足 0 <= test_split < 1，收到的是 {test_split}")
    d = _load_npz("boston_housing.npz")
    indices = np.arange(len(d["x"]))
    np.random.RandomState(seed).shuffle(indices)
    x, y = d["x"][indices], d["y"][indices]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


# ---------------------------------------------------------------------------
# 4. 画图
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
    """把若干张图像排成网格，每张图下方（标题处）写上对应的标签。

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
    nrows = -(-n // ncols)  # 向上取整
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
# 5. 检查点：训练得到的数字因机器而异，检查点的结论不变
# ---------------------------------------------------------------------------

_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def checkpoint(label: str, value: float, op: str, threshold: float) -> None:
    """打印一行 ``label op threshold: True/False``。

    训练出来的数字（损失、准确率……）在另一台电脑上会在最后几位不同，
    所以 notebook 不直接比对它们，而是检查它们是否落在留有余量的范围里，例如::

        helpers.checkpoint("test accuracy", test_acc, ">=", 0.97)   # 打印 test accuracy >= 0.97: True

    若设置了环境变量 ``COURSE_CHECKPOINT_LOG``（make check-machines 会设置），
    还会把实际数值追加写入该文件，用来统计不同种子和机器下的最小值、中位数和最大值。
    """
    if op not in _COMPARE:
        raise ValueError(f"op 只能是 {' '.join(_COMPARE)} 之一，收到的是 {op!r}")
    value = float(value)
    ok = bool(_COMPARE[op](value, threshold))
    print(f"{label} {op} {threshold}: {ok}")
    log = os.environ.get("COURSE_CHECKPOINT_LOG")
    if log:
        record = {"label": label, "value": value, "op": op, "threshold": threshold, "ok": ok}
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
