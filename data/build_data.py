"""从原始文件构建课程自带的数据集 (data/*.npz)。

用法（在仓库根目录）::

    python data/build_data.py [--source 原始文件所在目录]

原始文件的来源见 data/README.md。脚本先核对每个原始文件的 MD5 和已知事实
（形状、前几个标签、各类样本数），全部通过后才写出 .npz，并打印每个文件的
内容校验和（与 notebooks/helpers.py 中的 DATA_SHA256 对照）。
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "notebooks"))
import helpers  # noqa: E402  (content_sha256 与加载时的校验是同一个函数)

# 解压后的 MD5（数据集发布方公布的值）
IDX_MD5 = {
    "mnist": {
        "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
        "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
        "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
    },
}


def read_idx(path: Path, expected_md5: str) -> np.ndarray:
    """读取一个 gzip 压缩的 IDX 文件，核对解压后的 MD5，返回 uint8 数组。"""
    raw = gzip.decompress(path.read_bytes())
    md5 = hashlib.md5(raw).hexdigest()
    if md5 != expected_md5:
        raise SystemExit(f"{path}: MD5 {md5} != {expected_md5}")
    magic = int.from_bytes(raw[0:4], "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08:  # 0x08 = unsigned byte
        raise SystemExit(f"{path}: 不是 uint8 的 IDX 文件")
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(shape).copy()


def build_idx_dataset(source: Path, name: str) -> dict[str, np.ndarray]:
    md5 = IDX_MD5[name]
    folder = source / name
    return {
        "x_train": read_idx(folder / "train-images-idx3-ubyte.gz", md5["train-images-idx3-ubyte"]),
        "y_train": read_idx(folder / "train-labels-idx1-ubyte.gz", md5["train-labels-idx1-ubyte"]),
        "x_test": read_idx(folder / "t10k-images-idx3-ubyte.gz", md5["t10k-images-idx3-ubyte"]),
        "y_test": read_idx(folder / "t10k-labels-idx1-ubyte.gz", md5["t10k-labels-idx1-ubyte"]),
    }


def build_boston(source: Path) -> dict[str, np.ndarray]:
    """读取 CSV（表头 + 506 行，原始顺序），x 为 13 个特征，y 为 MEDV。"""
    with open(source / "boston-housing" / "boston_house_prices.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if header[-1] != "MEDV" or len(header) != 14:
        raise SystemExit(f"Boston CSV 表头不对: {header}")
    table = np.array(body, dtype=np.float64)
    return {"x": table[:, :13], "y": table[:, 13]}


def check_facts(mnist: dict, fashion: dict, boston: dict) -> None:
    """核对 ../shared/datasets/README.md 中列出的事实。"""
    for d in (mnist, fashion):
        assert d["x_train"].shape == (60000, 28, 28) and d["x_test"].shape == (10000, 28, 28)
        assert d["y_train"].shape == (60000,) and d["y_test"].shape == (10000,)
    assert mnist["y_train"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist["y_test"][:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(mnist["y_train"]).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(mnist["y_test"]).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert fashion["y_train"][:9].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5]
    assert fashion["y_test"][:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert np.bincount(fashion["y_train"]).tolist() == [6000] * 10
    assert np.bincount(fashion["y_test"]).tolist() == [1000] * 10
    assert boston["x"].shape == (506, 13) and boston["y"].shape == (506,)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO.parent / "shared" / "datasets",
                        help="原始文件所在目录（含 mnist/、fashion-mnist/、boston-housing/）")
    parser.add_argument("--out", type=Path, default=REPO / "data", help="输出目录")
    args = parser.parse_args()

    datasets = {
        "mnist.npz": build_idx_dataset(args.source, "mnist"),
        "fashion_mnist.npz": build_idx_dataset(args.source, "fashion-mnist"),
        "boston_housing.npz": build_boston(args.source),
    }
    check_facts(*datasets.values())
    for filename, arrays in datasets.items():
        np.savez_compressed(args.out / filename, **arrays)
        print(f"{filename}: {helpers.content_sha256(arrays)}")


if __name__ == "__main__":
    main()
