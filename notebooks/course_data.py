"""课程自带的三个数据集：离线加载 ``data/*.npz``，核对校验和与已知事实（不需要 TensorFlow）。

notebook 通过 ``helpers.load_mnist()`` 等函数用到这里；``data/build_data.py``、``exercises.py``
和测试直接导入本模块，所以它们不必启动 TensorFlow。文件的来源与校验和见 ``data/README.md``。
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from course_kernel import ShortError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# 每个数据文件内容（数组名、dtype、形状、字节）的 SHA-256，由 data/build_data.py 打印
DATA_SHA256 = {
    "mnist.npz": "7bf19471c397a07c4488f600bdfd9f25edbf8c41c2ecc70e1f93beee515475e6",
    "fashion_mnist.npz": "9d854dc48e008860e2cab2efc923bd59eef4a7b82e4c8e3ae74402029e717883",
    "boston_housing.npz": "25245de35c4c2d24bf58657eb8b4f9ec5c19408188fedd5debdaf9da077d0c16",
}

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class DataFileError(ShortError, RuntimeError):
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


def load_npz(filename: str) -> dict[str, np.ndarray]:
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
    d = load_npz("mnist.npz")
    return (d["x_train"], d["y_train"]), (d["x_test"], d["y_test"])


def load_fashion_mnist() -> Arrays:
    """加载 Fashion-MNIST 服装图像，返回值与 ``keras.datasets.fashion_mnist.load_data()`` 相同。"""
    d = load_npz("fashion_mnist.npz")
    return (d["x_train"], d["y_train"]), (d["x_test"], d["y_test"])


def split_boston(x: np.ndarray, y: np.ndarray, test_split: float = 0.2, seed: int = 113) -> Arrays:
    """按 ``keras.datasets.boston_housing.load_data()`` 的方式划分训练集和测试集。

    用 ``np.random.RandomState(seed)`` 打乱行号，前 ``int(行数 * (1 - test_split))`` 行作训练集，其余作测试集。
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"test_split 必须满足 0 <= test_split < 1，收到的是 {test_split}")
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def load_boston_housing(test_split: float = 0.2, seed: int = 113) -> Arrays:
    """加载波士顿房价数据，划分方式与 ``keras.datasets.boston_housing.load_data()`` 相同。

    Returns:
        ``(x_train, y_train), (x_test, y_test)``：x 为 float64、13 个特征（从 0 数第 5 列是 RM，平均房间数），
        y 为房价中位数（单位：千美元）。默认 404 行训练、102 行测试。
    """
    d = load_npz("boston_housing.npz")
    return split_boston(d["x"], d["y"], test_split, seed)


# ---------------------------------------------------------------------------
# 已知事实：可以独立核对的值（发布方公布的，或广为引用的，例如 MNIST 像素的均值和标准差）。
# build_data.py 写出文件之前、测试加载之后都核对它们。
# ---------------------------------------------------------------------------

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
BOSTON_TRAIN_X0 = [1.23247, 0, 8.14, 0, 0.538, 6.142, 91.7, 3.9769, 4, 307, 21, 396.9, 18.72]
RM_COLUMN = 5  # 平均房间数（列号从 0 数）
LSTAT_COLUMN = 12  # 低收入人口比例（%）


def facts(filename: str, d: Mapping[str, np.ndarray]) -> dict[str, bool]:
    """逐条核对一个数据文件的已知事实，返回 {事实: 是否成立}。"""
    if filename == "boston_housing.npz":
        (x_train, y_train), (x_test, _) = split_boston(d["x"], d["y"])
        return {
            "506 rows, 13 features, float64": d["x"].shape == (506, 13) and d["y"].shape == (506,)
            and d["x"].dtype == d["y"].dtype == np.float64,
            "Keras split: 404 train, 102 test": (len(x_train), len(x_test)) == (404, 102),
            "train x[0]": x_train[0].tolist() == BOSTON_TRAIN_X0,
            "train y[0] = 15.2": float(y_train[0]) == 15.2,
            "train x[0, RM] = 6.142": float(x_train[0, RM_COLUMN]) == 6.142,
        }
    found = {
        "shapes": [d[k].shape for k in ("x_train", "y_train", "x_test", "y_test")]
        == [(60000, 28, 28), (60000,), (10000, 28, 28), (10000,)],
        "uint8": all(d[k].dtype == np.uint8 for k in d),
    }
    if filename == "mnist.npz":
        x = d["x_train"]
        return found | {
            "first train labels": d["y_train"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4],
            "first test labels": d["y_test"][:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9],
            "train class counts": np.bincount(d["y_train"]).tolist() == MNIST_TRAIN_COUNTS,
            "test class counts": np.bincount(d["y_test"]).tolist() == MNIST_TEST_COUNTS,
            "pixel mean/255 = 0.1307, std/255 = 0.3081": (round(x.mean() / 255, 4), round(x.std() / 255, 4))
            == (0.1307, 0.3081),
        }
    if filename == "fashion_mnist.npz":
        return found | {
            "first train labels": d["y_train"][:9].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5],
            "first test labels": d["y_test"][:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7],
            "6000 per class in train": np.bincount(d["y_train"]).tolist() == [6000] * 10,
            "1000 per class in test": np.bincount(d["y_test"]).tolist() == [1000] * 10,
        }
    raise ValueError(f"没有 {filename} 的已知事实")
