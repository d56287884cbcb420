"""notebooks/helpers.py 的单元测试。"""

import json
import os
import random
import subprocess
import sys

import course_kernel
import helpers
import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf
from course_notebooks import ROOT, seed_line


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


def test_set_seed_without_a_seed_reuses_the_one_given_to_setup():
    helpers.setup(7)
    first = _draw_random_numbers()
    helpers.set_seed(3)
    helpers.set_seed()  # 换回 setup 的种子
    assert _draw_random_numbers() == first
    helpers.setup(42)


def test_course_seed_environment_variable_replaces_the_seed(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_SEED", "7")
    helpers.setup(seed=42)
    assert helpers.SEED == 7
    assert capsys.readouterr().out == seed_line(7) + "\n"  # 换种子的检查认的就是这一行
    from_env = _draw_random_numbers()
    monkeypatch.delenv("COURSE_SEED")
    helpers.setup(seed=7)
    assert capsys.readouterr().out == ""  # 没有环境变量时什么也不打印
    assert _draw_random_numbers() == from_env
    helpers.setup(42)


def test_setup_sets_the_course_style():
    plt.rcParams["image.cmap"] = "viridis"
    helpers.setup()
    assert plt.rcParams["image.cmap"] == "gray"
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    assert colors[:3] == ["#4C72B0", "#DD8452", "#55A868"]  # seaborn 的 deep 调色板，示意图也用它


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
    assert course_kernel.TF_NOISE.search(line)


@pytest.mark.parametrize("line", [
    "E0000 00:00:1795913763.601128    2145 op_kernel.cc:1840] OP_REQUIRES failed: OOM when allocating tensor",
    "Traceback (most recent call last):",
    "ValueError: Input 0 of layer is incompatible",
])
def test_real_errors_are_not_noise(line):
    assert not course_kernel.TF_NOISE.search(line)


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


# ---------- 检查点 ----------

def test_a_passing_check_prints_only_its_claim(capsys):
    # 不返回值：放在单元最后一行时，notebook 不会再多显示一个 Out[n]: True
    assert helpers.checkpoint("测试准确率不低于 0.97", 0.98123, ">=", 0.97) is None
    assert capsys.readouterr().out == "✓ 测试准确率不低于 0.97\n"  # 没有训练出来的数字：每台机器都一样


@pytest.mark.parametrize("value, op, threshold, wanted", [
    (0.962, ">=", 0.97, "测得 0.962，应当不低于 0.97"),
    (0.3, "<", 0.25, "测得 0.3，应当低于 0.25"),
    (0.0, ">", 0.01, "测得 0，应当高于 0.01"),
    (40.0, "between", (46.5, 95.2), "测得 40，应当在 46.5 和 95.2 之间"),
    (100.0, "between", (46.5, 95.2), "测得 100，应当在 46.5 和 95.2 之间"),
])
def test_a_failing_check_says_what_it_measured_and_what_to_do(capsys, value, op, threshold, wanted):
    helpers.checkpoint("某句结论", value, op, threshold)
    first, measured, *advice = capsys.readouterr().out.splitlines()
    assert first == "✗ 某句结论"
    assert wanted in measured
    assert "Restart Kernel and Run All Cells" in advice[0] and "requirements.txt" in advice[1]


def test_between_excludes_its_ends(capsys):
    helpers.checkpoint("a", 50.0, "between", (46.5, 95.2))
    helpers.checkpoint("b", 46.5, "between", (46.5, 95.2))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✓ a" and lines[1] == "✗ b"


def test_checkpoint_rejects_an_unknown_comparison():
    with pytest.raises(ValueError, match="op"):
        helpers.checkpoint("x", 1.0, "=>", 0.5)


def test_checkpoint_logs_the_value_when_asked(tmp_path, monkeypatch, capsys):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("COURSE_CHECKPOINT_LOG", str(log))
    helpers.checkpoint("gap", 0.0123, ">", 0)
    helpers.checkpoint("gap", -0.5, ">", 0)
    helpers.checkpoint("sum", 1e-7, "<", 1e-5, identity=True)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["value"] for r in records] == [0.0123, -0.5, 1e-7]
    assert [r["ok"] for r in records] == [True, False, True]
    assert [r["identity"] for r in records] == [False, False, True]
    assert records[0]["label"] == "gap"
