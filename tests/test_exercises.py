"""练习检查模块 notebooks/exercises.py：正确答案通过，典型错误得到对应的提示，类型不对时给出说明。"""

import re

import course_data
import exercises
import helpers
import keras
import numpy as np
import pytest
import tensorflow as tf
from course_notebooks import IDS, NOTEBOOKS, load, source
CHECK_CALL = re.compile(r"exercises\.check\(\s*\"(?P<id>\d\d-\d+)\"\s*,\s*(?P<var>\w+)\s*\)")
DETAILS_CODE = re.compile(r"<details>.*?```python\n(?P<code>.*?)```.*?</details>", re.DOTALL)


def verdict(exercise_id, answer):
    return exercises.evaluate(exercise_id, answer)


def assert_hint(exercise_id, answer, *words):
    result = verdict(exercise_id, answer)
    assert not result.ok, f"错误答案被判为正确：{exercise_id} {answer!r}"
    assert result.message.startswith("✗ ")
    for word in words:
        assert word in result.message, f"{exercise_id}：提示里应有 {word!r}，实际是 {result.message!r}"


BOSTON = course_data.load_boston_housing()[0]
RM = course_data.RM_COLUMN


def bumpy_gradient(w1, w2, coupling=0.2):
    """练习 02-2 的损失 bumpy_loss + 0.2 w1 w2 的梯度：用 TensorFlow 自动求导，和 exercises.py 的手推公式互相独立。"""
    a, b = tf.Variable(w1), tf.Variable(w2)
    with tf.GradientTape() as tape:
        loss = 1 + tf.sin(1.5 * a) * tf.cos(1.5 * b) + 0.1 * (a**2 + b**2) + coupling * a * b
    return np.array([g.numpy() for g in tape.gradient(loss, [a, b])], dtype="float64")


BUMPY_STEP = np.array([1.0, -1.0]) - 0.1 * bumpy_gradient(1.0, -1.0)
BOSTON_TEST = course_data.load_boston_housing()[1]


def refit_test_mse(rows, transform=lambda mse: mse):
    """练习 03-2：在训练数据的 rows 行上求最小二乘直线（RM），它在测试数据上的 MSE（再经过 transform）。"""
    x, y = BOSTON[0][rows, RM], BOSTON[1][rows]
    (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    return transform(np.mean((BOSTON_TEST[1] - (w * BOSTON_TEST[0][:, RM] + b)) ** 2))


def plain_descent(x, y, lr, steps):
    """练习 03-1 的一个正确答案：全部样本的 MSE 梯度，从 (0, 0) 出发。"""
    w = b = 0.0
    with np.errstate(all="ignore"):
        for _ in range(steps):
            error = y - (w * x + b)
            w, b = w + lr * 2 * np.mean(error * x), b + lr * 2 * np.mean(error)
    return w, b


def conv_layer(x, kernel, bias, flip=False, channels=None, bias_times=1):
    """05-2 的参考答案；后面几个参数用来造出典型的错误答案。"""
    k = kernel[::-1, ::-1] if flip else kernel
    c_used = x.shape[2] if channels is None else channels
    rows, cols = x.shape[0] - 2, x.shape[1] - 2
    out = np.zeros((rows, cols, kernel.shape[3]))
    for r in range(rows):
        for c in range(cols):
            for f in range(kernel.shape[3]):
                out[r, c, f] = np.sum(x[r:r + 3, c:c + 3, :c_used] * k[:, :, :c_used, f])
    return out + bias_times * bias


def per_channel_maps(x, kernel, bias):
    """典型错误：每个通道的结果分开放，没有加起来。"""
    return np.stack([conv_layer(x[:, :, c:c + 1], kernel[:, :, c:c + 1], bias) for c in range(x.shape[2])], axis=2)


# 每道题：一个正确答案，以及至少两个典型错误答案和提示中应出现的词
CASES = {
    "01-1": (lambda r, c, ch: (r * 256 + c) * 3 + ch,
             [(lambda r, c, ch: (c * 256 + r) * 3 + ch, "行列反了"),
              (lambda r, c, ch: ch * 256 * 256 + r * 256 + c, "R、G、B"),
              (lambda r, c, ch: r * 256 + c + ch, "乘以 3"), (lambda r, c, ch: r * 256 + c * 3 + ch, "一行占"),
              (lambda r, c: r, "三个参数"), (lambda r, c, ch: 0, "数一数")]),
    "01-2": (49152 * 16 + 16 + 16 * 10 + 10,
             [(49152 * 16 + 16, "输出层"), (49152 * 10 + 10, "中间那一层"), (49152 * 16 + 16 * 10, "偏置"),
              (49152 * 16 + 16 + 49152 * 10 + 10, "上一层的 16 个输出"), (16384 * 16 + 16 + 170, "三个通道"),
              (12345, "一层一层")]),
    "02-1": (lambda probs, classes: [classes[i] for i in probs.argmax(axis=1)],
             [(lambda probs, classes: list(probs.argmax(axis=1)), "位置"),
              (lambda probs, classes: [classes[i] for i in probs.argmin(axis=1)], "最小"),
              (lambda probs, classes: [classes[i] for i in probs.argmax(axis=0)], "每一行"),
              (lambda probs, classes: classes[int(probs.argmax())], "只返回了一个"),
              (lambda probs, classes: None, "return")]),
    "02-2": (BUMPY_STEP,
             [(bumpy_gradient(1.0, -1.0), "梯度本身"), ((1.0, -1.0) + 0.1 * bumpy_gradient(1.0, -1.0), "方向反了"),
              ((1.0, -1.0) - bumpy_gradient(1.0, -1.0), "学习率"), ((1.0, -1.0), "起点"),
              ((1.0, -1.0, 0.0), "两个数"),
              ((1.0, -1.0) - 0.1 * bumpy_gradient(1.0, -1.0, coupling=0.0), "多了一项")]),
    "03-1": (plain_descent,
             [(lambda x, y, lr, n: plain_descent(x, y, -lr, n), "减去"),
              (lambda x, y, lr, n: plain_descent(x, y, lr * len(x), n), "总和"),
              (lambda x, y, lr, n: (0.0, 0.0), "还是 0"), (lambda x, y, lr, n: plain_descent(x, y, lr, 3), "还没到"),
              (lambda x, y, lr, n: None, "return"), (lambda x, y, lr: (0.0, 0.0), "四个参数")]),
    "03-2": (refit_test_mse(slice(None)),
             [(refit_test_mse(slice(0, 282)), "282"), (refit_test_mse(slice(None), np.sqrt), "RMSE"),
              (refit_test_mse(slice(None), lambda e: e * len(BOSTON_TEST[1])), "样本数"), (1.0, "best_line")]),
    "04-1": (110,  # n² + 796n + 10 ≤ 100,000：n = 110 时 99,670 个，n = 111 时 100,687 个
             [(111, "超过了"), (128, "118,282"), (64, "还可以再大"), (110.3, "整数"), (0, "至少是 1")]),
    "04-2": (lambda cm: np.diag(cm) / cm.sum(axis=1),
             [(lambda cm: np.diag(cm) / cm.sum(axis=0), "每一行的和"), (lambda cm: np.diag(cm), "一共有多少张"),
              (lambda cm: np.trace(cm) / cm.sum(), "全部图像的准确率"),
              (lambda cm: 1 - np.diag(cm) / cm.sum(axis=1), "认错"),
              (lambda cm: 100 * np.diag(cm) / cm.sum(axis=1), "百分数"), (lambda cm: None, "return")]),
    "05-1": (((62, 62, 8), 224),
             [(((64, 64, 8), 224), "不填充"), (((62, 62, 8), 216), "偏置"), (((62, 62, 8), 80), "输入的深度"),
              (((62, 62, 3), 224), "滤波器的个数")]),
    "05-2": (conv_layer,
             [(lambda x, k, b: conv_layer(x, k, b) - b, "偏置"),
              (lambda x, k, b: conv_layer(x, k, b, bias_times=x.shape[2]), "只加一次"),
              (lambda x, k, b: conv_layer(x, k, b, flip=True), "不旋转"),
              (lambda x, k, b: conv_layer(x, k, b, channels=1), "全部 C 个通道"),
              (per_channel_maps, "加在一起"),
              (lambda x, k, b: np.moveaxis(conv_layer(x, k, b), 2, 0), "最后一个轴"),
              (lambda x, k, b: np.pad(conv_layer(x, k, b), ((1, 1), (1, 1), (0, 0))), "不填充"),
              (lambda x, k, b: None, "return"), (lambda x: x, "三个参数")]),
}


def test_every_checker_has_cases():
    assert set(CASES) == set(exercises.EXERCISES)


def test_an_exercise_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="01-1"):
        exercises.exercise("01-1")(lambda answer: "")


@pytest.mark.parametrize("exercise_id", sorted(CASES))
def test_right_answer_passes(exercise_id, capsys):
    assert exercises.check(exercise_id, CASES[exercise_id][0]) is None  # notebook 里不多显示 Out: True
    line = capsys.readouterr().out
    assert line.startswith("✓ ") and line.count("\n") == 1


@pytest.mark.parametrize("exercise_id", sorted(CASES))
def test_typical_wrong_answers_get_their_hint(exercise_id):
    wrong = CASES[exercise_id][1]
    assert len(wrong) >= 2
    for answer, word in wrong:
        assert_hint(exercise_id, answer, word)


@pytest.mark.parametrize("exercise_id", sorted(CASES))
@pytest.mark.parametrize("bad", [None, "42", keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]),
                                 {"a": 1}, float("nan")], ids=["None", "str", "model", "dict", "nan"])
def test_bad_types_give_a_clear_message_not_a_traceback(exercise_id, bad, capsys):
    exercises.check(exercise_id, bad)
    assert not verdict(exercise_id, bad).ok
    line = capsys.readouterr().out.strip()
    assert line.startswith("✗ ") and "\n" not in line
    assert "Traceback" not in line and "检查你的答案时出错了" not in line, line


def test_tensors_are_accepted():
    assert verdict("03-2", tf.constant(refit_test_mse(slice(None)))).ok
    assert verdict("03-1", lambda x, y, lr, n: tuple(tf.Variable(v) for v in plain_descent(x, y, lr, n))).ok


def test_a_function_skeleton_counts_as_unanswered():
    assert verdict("01-1", lambda row, col, channel: ...).message == exercises.NOT_ANSWERED
    assert verdict("02-1", lambda probs, class_names: ...).message == exercises.NOT_ANSWERED
    assert verdict("03-1", lambda x, y, lr, epochs: ...).message == exercises.NOT_ANSWERED
    assert_hint("01-1", lambda row, col, channel: None, "return")


def test_unanswered_and_unknown():
    assert verdict("04-1", ...).message == exercises.NOT_ANSWERED
    assert "没有编号" in verdict("04-9", 1).message


def test_a_crashing_answer_is_reported_in_one_line():
    result = verdict("05-2", lambda x, kernel, bias: 1 / 0)
    assert not result.ok and "ZeroDivisionError" in result.message


# ---------------------------------------------------------------------------
# notebook 中的练习：编号与检查函数一一对应，折叠的参考答案能通过，保存的输出是“尚未作答”
# ---------------------------------------------------------------------------


def cells(path):
    return [(c["cell_type"], source(c), c) for c in load(path)["cells"]]


def checked_exercises(path):
    """[(编号, 变量名, 代码单元, 之后第一个带 <details> 的 markdown 中的参考代码)]"""
    found = []
    all_cells = cells(path)
    for i, (kind, src, cell) in enumerate(all_cells):
        if kind != "code":
            continue
        for m in CHECK_CALL.finditer(src):
            solution = next((d["code"] for k, s, _ in all_cells[i + 1:] if k == "markdown"
                             for d in [DETAILS_CODE.search(s)] if d), None)
            found.append((m["id"], m["var"], cell, solution))
    return found


def test_notebook_exercises_and_checkers_match():
    in_notebooks = [ex_id for p in NOTEBOOKS for ex_id, *_ in checked_exercises(p)]
    assert len(in_notebooks) == len(set(in_notebooks)), "同一个练习编号出现了两次"
    registered = set(exercises.EXERCISES)
    assert set(in_notebooks) == registered, (
        f"没有检查函数的练习：{set(in_notebooks) - registered}；"
        f"没有出现在 notebook 中的检查函数：{registered - set(in_notebooks)}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_each_notebook_has_two_checked_exercises_one_of_them_coding(path):
    found = checked_exercises(path)
    ids = [ex_id for ex_id, *_ in found]
    assert all(ex_id.startswith(path.name[:2]) for ex_id in ids), ids
    assert len(ids) >= 2, f"{path.name}：至少两道自动检查的练习"
    assert any(exercises.EXERCISES[i].coding for i in ids), f"{path.name}：至少一道自动检查的编程练习"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_exercise_cells_are_unanswered_and_solutions_pass(path):
    for ex_id, var, cell, solution in checked_exercises(path):
        src = source(cell)
        unanswered = rf"^{var} = \.\.\.|^def {var}\(.*\):\n    return \.\.\."
        assert re.search(unanswered, src, re.MULTILINE), (
            f"{ex_id}：保存的练习单元应是未作答的 `{var} = ...` 或只有 `return ...` 的函数框架")
        kinds = {o["output_type"] for o in cell.get("outputs", [])}
        assert kinds == {"stream"}, f"{ex_id}：只应打印一行，不应有 Out[n]"
        outputs = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
        assert outputs.strip() == exercises.NOT_ANSWERED, f"{ex_id}：保存的输出应是“尚未作答”，实际是 {outputs!r}"
        assert solution, f"{ex_id}：后面没有折叠的参考答案（<details> 中的 ```python 代码块）"
        namespace = {"np": np, "tf": tf, "keras": keras, "helpers": helpers}
        exec(solution, namespace)  # noqa: S102 — 参考答案来自仓库自己的 notebook
        assert var in namespace, f"{ex_id}：参考答案没有定义 {var}"
        result = verdict(ex_id, namespace[var])
        assert result.ok, f"{ex_id}：参考答案没有通过：{result.message}"


def test_an_error_inside_the_learners_function_is_not_blamed_on_its_arguments():
    assert_hint("04-2", lambda images, scale: images / scale, "只接受一个参数")
    result = verdict("04-2", lambda images: images.reshape(5, 784) + "1")  # 函数内部的 TypeError
    assert not result.ok and "检查你的答案时出错了" in result.message and "参数" not in result.message
    assert_hint("02-1", lambda probs: probs, "两个参数")
