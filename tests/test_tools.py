"""tools/ 中的维护者脚本：换种子的检查不改 notebook 的源码，而且能发现没有用上种子的 notebook；
“不训练”的启动文件确实让权重停在初始值；images/draw_figures.py 没有中文字体时报错退出。"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import check_machines
import matplotlib
import nbformat
import pytest
from course_notebooks import ROOT, seed_line


def tiny_notebook(path, code: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("code, ok", [
    (f"print({seed_line(7)!r})", True),
    ("print('helpers.setup(42)')", False),  # 没有用环境变量里的种子
])
def test_seed_sweep_requires_the_notebook_to_use_course_seed(tmp_path, monkeypatch, capsys, code, ok):
    source = tiny_notebook(tmp_path / "in.ipynb", code)
    before = source.read_bytes()
    monkeypatch.setenv("COURSE_SEED", "7")
    assert (check_machines.execute_with_seed(source, tmp_path / "out.ipynb") == 0) is ok
    assert source.read_bytes() == before  # 原样执行，不改源码
    if not ok:
        assert "没有打印出种子 7" in capsys.readouterr().err


def test_sweep_jobs_pass_the_seed_through_the_environment(tmp_path, monkeypatch):
    seen = {}

    def fake_run(cmd, cwd, env, capture_output, text):
        seen.update(cmd=cmd, seed=env.get("COURSE_SEED"))
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(check_machines.subprocess, "run", fake_run)
    notebook = tmp_path / "05_x.ipynb"
    job = check_machines.run(check_machines.Job("sweep", notebook, "default", seed=3), None, tmp_path)
    assert seen["seed"] == "3"
    assert seen["cmd"][2:4] == ["_execute", str(notebook)]  # 原样执行 notebook 文件，种子只经过环境变量
    assert not job.ok  # 一行检查都没有记录下来：不能算通过


NO_TRAINING_PROBE = """
import runpy, sys
runpy.run_path(sys.argv[1])  # 和内核的启动文件一样执行
import keras, numpy as np, tensorflow as tf
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
model.compile(optimizer="rmsprop", loss="mse")
start = [v.numpy().copy() for v in model.weights]
model.fit(np.random.rand(64, 3), np.random.rand(64, 2), epochs=2, verbose=0)
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(model(np.ones((1, 3))))
for w, g in zip(model.trainable_variables, tape.gradient(loss, model.trainable_variables)):
    w.assign_sub(0.1 * g)
print(all(np.array_equal(a, v.numpy()) for a, v in zip(start, model.weights)))
"""


def test_no_training_startup_leaves_the_weights_where_they_started(tmp_path):
    """“不训练”检查的前提：fit 和手写循环都不改权重，而且被拦下的更新都记了下来。"""
    log = tmp_path / "blocked.txt"
    result = subprocess.run(
        [sys.executable, "-c", NO_TRAINING_PROBE, str(ROOT / "tools" / "no_training.py")],
        cwd=ROOT / "notebooks", env={**os.environ, "COURSE_NO_TRAINING_LOG": str(log)},
        capture_output=True, text=True, timeout=300,
    )
    assert result.stdout.strip() == "True", result.stderr[-2000:]
    assert log.read_text().split() == ["optimizer.apply", "Variable.assign_sub"]


CHECKED_NOTEBOOK = 'helpers.checkpoint("甲", x, ">", 0)\nhelpers.checkpoint("乙", y, "<", 1e-5, identity=True)'


@pytest.mark.parametrize("printed, ok", [
    ([("甲", False, False), ("乙", True, True)], True),
    ([("甲", True, False), ("乙", True, True)], False),  # 关于训练的检查，不训练也成立
    ([("甲", False, False), ("乙", False, True)], False),  # 声明的恒等式不成立
    ([("甲", False, False)], False),  # 有一行检查没有执行到（它前面的单元出错了）
])
def test_no_training_part_fails_a_check_that_holds_without_training(tmp_path, monkeypatch, printed, ok):
    notebook = tiny_notebook(tmp_path / "04_x.ipynb", CHECKED_NOTEBOOK)

    def fake_run(cmd, cwd, env, capture_output, text):
        with open(env["COURSE_CHECKPOINT_LOG"], "w") as log:
            for label, passed, identity in printed:
                log.write(json.dumps({"label": label, "value": 0.0, "op": ">", "threshold": 0,
                                      "ok": passed, "identity": identity}) + "\n")
        Path(env["COURSE_NO_TRAINING_LOG"]).write_text("optimizer.apply\n")
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(check_machines.subprocess, "run", fake_run)
    job = check_machines.run(check_machines.Job("no-training", notebook, "default"), None, tmp_path)
    assert job.ok is ok, job.detail


def test_draw_figures_stops_without_a_chinese_font(monkeypatch):
    """示意图的文字是中文：没有中文字体时 draw_figures 必须报错退出，而不是画出一个个空白方框。"""
    spec = importlib.util.spec_from_file_location("draw_figures", ROOT / "images" / "draw_figures.py")
    draw_figures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw_figures)
    fonts = draw_figures.font_manager.fontManager
    installed = fonts.ttflist
    monkeypatch.setattr(fonts, "ttflist", [f for f in installed if f.name not in draw_figures.CJK_FONTS])
    with matplotlib.rc_context(), pytest.raises(SystemExit) as stop:
        draw_figures.use_cjk_font()
    assert "找不到中文字体" in str(stop.value) and "fonts-noto-cjk" in str(stop.value)
    monkeypatch.setattr(fonts, "ttflist", installed)
    if not {f.name for f in installed} & set(draw_figures.CJK_FONTS):
        pytest.skip("本机没有中文字体（Debian / Ubuntu：sudo apt install fonts-noto-cjk），只检查了报错")
    with matplotlib.rc_context():
        name = draw_figures.use_cjk_font()
        assert matplotlib.rcParams["font.sans-serif"] == [name]
