"""notebooks/helpers.py 的单元测试。"""

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import helpers
import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------- 随机种子 ----------

def _draw_random_numbers():
    layer = keras.layers.Dense(4)
    layer.build((None, 3))
    return (
        random.random(),
        np.random.rand(3).tolist(),
        tf.random.uniform((3,)).numpy().tolist(),
        layer.kernel.numpy().tolist(),
    )


def test_set_seed_gives_identical_numbers_twice():
    helpers.set_seed(42)
    first = _draw_random_numbers()
    helpers.set_seed(42)
    second = _draw_random_numbers()
    assert first == second


def test_different_seeds_give_different_numbers():
    helpers.set_seed(1)
    a = _draw_random_numbers()
    helpers.set_seed(2)
    b = _draw_random_numbers()
    assert all(x != y for x, y in zip(a, b))


def test_setup_sets_gray_colormap():
    plt.rcParams["image.cmap"] = "viridis"
    helpers.setup()
    assert plt.rcParams["image.cmap"] == "gray"


# ---------- 安静导入 TensorFlow ----------

def test_import_prints_nothing_to_stderr():
    code = "import helpers; print(helpers.tf.__version__)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT / "notebooks", capture_output=True, text=True, check=True,
        env={k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"},
    )
    assert result.stdout.startswith("2.21")
    assert result.stderr == ""


@pytest.mark.parametrize("line", [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1795913629.989017    1977 port.cc:153] oneDNN custom operations are on. You may see",
    "I0000 00:00:1795913629.992764    1977 cudart_stub.cc:31] Could not find cuda drivers on your machine",
    "E0000 00:00:1795913763.601128    2145 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
])
def test_known_startup_lines_are_noise(line):
    assert helpers._TF_NOISE.search(line)


@pytest.mark.parametrize("line", [
    "E0000 00:00:1795913763.601128    2145 op_kernel.cc:1840] OP_REQUIRES failed: OOM when allocating tensor",
    "Traceback (most recent call last):",
    "ValueError: Input 0 of layer is incompatible",
])
def test_real_errors_are_not_noise(line):
    assert not helpers._TF_NOISE.search(line)


# ---------- 数据 ----------

def test_mnist_facts():
    (x_train, y_train), (x_test, y_test) = helpers.load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert round(x_train.mean() / 255, 4) == 0.1307
    assert round(x_train.std() / 255, 4) == 0.3081


def test_fashion_mnist_facts():
    (x_train, y_train), (x_test, y_test) = helpers.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert y_train[:9].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5]
    assert y_test[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


def test_boston_housing_matches_keras_split():
    (x_train, y_train), (x_test, y_test) = helpers.load_boston_housing()
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13)
    assert y_train.shape == (404,) and y_test.shape == (102,)
    assert x_train.dtype == np.float64 and y_train.dtype == np.float64
    expected = [1.23247, 0, 8.14, 0, 0.538, 6.142, 91.7, 3.9769, 4, 307, 21, 396.9, 18.72]
    np.testing.assert_array_equal(x_train[0], expected)
    assert y_train[0] == 15.2
    assert x_train[0, 5] == 6.142  # 第 5 列是 RM（平均房间数）


def test_boston_housing_split_arguments():
    (x_train, _), (x_test, _) = helpers.load_boston_housing(test_split=0.5, seed=0)
    assert len(x_train) == 253 and len(x_test) == 253
    (full, _), _ = helpers.load_boston_housing(test_split=0.0)
    assert len(full) == 506
    with pytest.raises(ValueError, match="test_split"):
        helpers.load_boston_housing(test_split=1.0)


def test_loaders_return_fresh_arrays():
    (x1, _), _ = helpers.load_boston_housing()
    x1[0, 0] = -1.0
    (x2, _), _ = helpers.load_boston_housing()
    assert x2[0, 0] == 1.23247


def test_data_readme_lists_the_checksums():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for filename, digest in helpers.DATA_SHA256.items():
        assert re.search(rf"`{re.escape(filename)}` \| `{digest}`", readme), filename


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """把 boston_housing.npz 复制到临时目录，并让 helpers 从那里读取。"""
    shutil.copy(ROOT / "data" / "boston_housing.npz", tmp_path)
    monkeypatch.setattr(helpers, "DATA_DIR", tmp_path)
    return tmp_path / "boston_housing.npz"


def test_copied_file_loads(data_copy):
    assert helpers.load_boston_housing()[0][1][0] == 15.2


def test_missing_file_raises_clear_error(data_copy):
    data_copy.unlink()
    with pytest.raises(helpers.DataFileError, match=r"找不到数据文件.*boston_housing\.npz.*git checkout"):
        helpers.load_boston_housing()


def test_truncated_file_raises_clear_error(data_copy):
    data_copy.write_bytes(data_copy.read_bytes()[:5000])
    with pytest.raises(helpers.DataFileError, match=r"boston_housing\.npz 无法读取.*不完整"):
        helpers.load_boston_housing()


def test_git_lfs_pointer_raises_clear_error(data_copy):
    data_copy.write_text(
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 17125\n"
    )
    with pytest.raises(helpers.DataFileError, match=r"Git LFS 指针"):
        helpers.load_boston_housing()


def test_altered_content_raises_clear_error(data_copy):
    with np.load(data_copy, allow_pickle=False) as f:
        x, y = f["x"].copy(), f["y"].copy()
    y[0] += 1.0  # 改动一个房价
    np.savez_compressed(data_copy, x=x, y=y)
    with pytest.raises(helpers.DataFileError, match=r"boston_housing\.npz 的内容校验和不对"):
        helpers.load_boston_housing()


def test_content_sha256_depends_on_names_shapes_and_values():
    a = {"x": np.arange(6, dtype=np.uint8)}
    assert helpers.content_sha256(a) == helpers.content_sha256({"x": np.arange(6, dtype=np.uint8)})
    assert helpers.content_sha256(a) != helpers.content_sha256({"y": np.arange(6, dtype=np.uint8)})
    assert helpers.content_sha256(a) != helpers.content_sha256({"x": np.arange(6, dtype=np.uint8).reshape(2, 3)})
    assert helpers.content_sha256(a) != helpers.content_sha256({"x": np.arange(1, 7, dtype=np.uint8)})


# ---------- 画图 ----------

HISTORY = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.8]}


def test_plot_history_one_axis_per_metric():
    fig = helpers.plot_history(HISTORY, ["loss", "accuracy"])
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_xlabel() == "Epoch" and loss_ax.get_ylabel() == "loss"
    assert [line.get_label() for line in loss_ax.get_lines()] == ["training", "validation"]
    assert list(loss_ax.get_lines()[1].get_ydata()) == HISTORY["val_loss"]
    assert [line.get_label() for line in acc_ax.get_lines()] == ["training"]  # 没有 val_accuracy


def test_plot_history_accepts_keras_history():
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 2)), np.ones(8), epochs=2, validation_split=0.25, verbose=0)
    fig = helpers.plot_history(history, "loss")
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 2
    assert list(fig.axes[0].get_lines()[0].get_xdata()) == [1, 2]


def test_plot_history_rejects_unknown_metric():
    with pytest.raises(ValueError, match=r"'acc'.*\['accuracy', 'loss'\]"):
        helpers.plot_history(HISTORY, ["loss", "acc"])
    with pytest.raises(ValueError, match="metrics"):
        helpers.plot_history(HISTORY, [])
    with pytest.raises(TypeError, match="history"):
        helpers.plot_history([1, 2, 3])


def test_plot_images_grid_and_labels():
    images = np.zeros((10, 28, 28), dtype=np.uint8)
    fig = helpers.plot_images(images, labels=list(range(10)), ncols=4)
    assert len(fig.axes) == 12  # 3 行 × 4 列，多出的两个空白
    assert [ax.get_title() for ax in fig.axes[:10]] == [str(i) for i in range(10)]
    assert sum(1 for ax in fig.axes if ax.images) == 10


def test_plot_images_rejects_bad_arguments():
    with pytest.raises(ValueError, match="images 有 3 张，labels 却有 2 个"):
        helpers.plot_images(np.zeros((3, 4, 4)), labels=["a", "b"])
    with pytest.raises(ValueError, match="空"):
        helpers.plot_images(np.zeros((0, 4, 4)))
    with pytest.raises(ValueError, match="ncols"):
        helpers.plot_images(np.zeros((3, 4, 4)), ncols=0)


def test_plot_confusion_matrix_axes_and_numbers():
    cm = tf.math.confusion_matrix([0, 1, 2, 2], [0, 2, 2, 2], num_classes=3)
    fig = helpers.plot_confusion_matrix(cm, ["cat", "dog", "other"])
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Predicted" and ax.get_ylabel() == "Truth"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "other"]
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(v) for v in np.asarray(cm).ravel())


def test_plot_confusion_matrix_rejects_bad_arguments():
    with pytest.raises(ValueError, match="方阵"):
        helpers.plot_confusion_matrix(np.zeros((2, 3), dtype=int))
    with pytest.raises(ValueError, match="3 个类别，class_names 却有 2 个"):
        helpers.plot_confusion_matrix(np.eye(3, dtype=int), ["a", "b"])
