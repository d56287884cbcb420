"""练习自动检查：在 notebook 里写下答案，运行 ``exercises.check("01-1", 答案)``，马上知道对不对。

每道题的正确答案都由这里的代码用同样的数据和公式当场算出，不是抄好的数字。
检查只打印一行：

- ``✓ ...``：答对了，附一句确认；
- ``✗ ...``：还不对，附一个指向思路的提示（不会直接给出答案）；
- ``尚未作答：...``：答案还是 ``...``。

答案的类型或形状不对（``None``、一个模型、一个字符串……）时，也只打印一行中文说明，不会抛出异常。
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_data import RM_COLUMN, load_boston_housing

NOT_ANSWERED = "尚未作答：把你的答案写在上面，再运行这个单元。"


class Hint(Exception):
    """检查函数用它说明答案错在哪里：消息就是给学习者的提示。"""


class NotAnswered(Exception):
    """学习者的函数还是练习单元里给出的框架（return ...）。"""


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str


@dataclass(frozen=True)
class Exercise:
    check: Callable[[Any], str]  # 答对时返回一句确认，答错时抛出 Hint
    coding: bool  # True：答案是学习者写的一段计算或一个函数；False：答案是一个数或一个形状


EXERCISES: dict[str, Exercise] = {}


def exercise(exercise_id: str, coding: bool = False) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """把下面的检查函数登记为练习 ``exercise_id``（例如 "03-1"）的检查。"""

    def register(check_function: Callable[[Any], str]) -> Callable[[Any], str]:
        if exercise_id in EXERCISES:
            raise ValueError(f"练习 {exercise_id} 登记了两次")
        EXERCISES[exercise_id] = Exercise(check_function, coding)
        return check_function

    return register


# ---------------------------------------------------------------------------
# 把答案转换成数字 / 数组，类型不对时给出中文说明
# ---------------------------------------------------------------------------


def _describe(answer: Any) -> str:
    if hasattr(answer, "count_params") or hasattr(answer, "fit"):
        return "一个模型或层"
    return f"一个 {type(answer).__name__} 类型的值"


def _number(answer: Any, what: str) -> float:
    if isinstance(answer, bool) or answer is None:
        raise Hint(f"{what}应该是一个数，你给的是 {answer!r}。")
    if isinstance(answer, str):
        raise Hint(f"{what}应该是一个数，不是字符串 {answer!r}：去掉引号。")
    try:
        array = np.asarray(answer, dtype="float64")
    except (TypeError, ValueError):
        raise Hint(f"{what}应该是一个数，你给的是{_describe(answer)}。") from None
    if array.size != 1:
        raise Hint(f"{what}应该是一个数，你给的是形状为 {array.shape} 的数组。")
    value = float(array.reshape(()))
    if not math.isfinite(value):
        raise Hint(f"{what}是 {value}：计算中出现了除以 0 或溢出。")
    return value


def _array(answer: Any, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    if answer is None or isinstance(answer, str):
        raise Hint(f"{what}应该是一个数组，你给的是 {answer!r}。")
    if hasattr(answer, "numpy") and callable(answer.numpy):
        answer = answer.numpy()  # TensorFlow 张量
    try:
        array = np.asarray(answer, dtype="float64")
    except (TypeError, ValueError):
        raise Hint(f"{what}应该是一个数组，你给的是{_describe(answer)}。") from None
    if shape is not None and array.shape != shape:
        raise Hint(f"{what}的形状应该是 {shape}，你的是 {array.shape}。")
    if not np.all(np.isfinite(array)):
        raise Hint(f"{what}里有 nan 或 inf：计算中出现了除以 0 或溢出。")
    return array


def _function(answer: Any, what: str) -> Callable[..., Any]:
    if not callable(answer) or isinstance(answer, type) or hasattr(answer, "count_params"):
        raise Hint(f"{what}应该是一个函数（用 def 定义，传入函数名本身，不加括号），你给的是{_describe(answer)}。")
    return answer


def _returned(value: Any, returns: str) -> Any:
    """学习者的函数返回的值：还是 ``...`` 时算作尚未作答，``None`` 时提示缺了 return。"""
    if value is ...:
        raise NotAnswered
    if value is None:
        raise Hint(f"函数没有返回任何东西：最后要 return {returns}。")
    return value


def _accepts(function: Callable[..., Any], args: tuple[Any, ...], wrong: str) -> None:
    """学习者的函数能不能用 args 调用；不能时给出提示 wrong（后面附上 Python 的说明）。"""
    try:
        inspect.signature(function).bind(*args)
    except TypeError as err:
        raise Hint(f"{wrong}（{err}）") from None
    except ValueError:  # 有些内置函数没有可读的签名：直接调用
        pass


def _call(function: Callable[..., Any], argument: np.ndarray, call: str, returns: str) -> Any:
    """用一个数组调用学习者的函数并返回它的结果；参数不对、没有 return、改动了输入时给出提示。"""
    before = argument.copy()
    _accepts(function, (argument,), f"调用 {call} 出错：函数应该只接受一个参数。")
    out = function(argument)  # 函数内部出的错由 evaluate 报告
    if out is None:
        raise Hint(f"函数没有返回任何东西：最后要 return {returns}。")
    if not np.array_equal(argument, before):
        raise Hint("函数修改了传进来的数组：请返回一个新数组，原来的数据保持不变。")
    return out


def _close(a: float | np.ndarray, b: float | np.ndarray, tol: float = 1e-3) -> bool:
    return bool(np.allclose(a, b, rtol=tol, atol=tol))


# ---------------------------------------------------------------------------
# 01 神经网络入门
# ---------------------------------------------------------------------------

SIDE_01 = 256  # 练习 01-1：256×256 的彩色图像，压平成 256 × 256 × 3 个数


@exercise("01-1", coding=True)
def check_01_1(answer: Any) -> str:
    """01-1：函数 flat_position(row, col, channel)：像素 (row, col) 的第 channel 个通道在压平后的向量中的位置。"""
    position = _function(answer, "答案")
    _accepts(position, (0, 0, 0), "调用 flat_position(row, col, channel) 出错：函数应该接受三个参数。")
    shape = (SIDE_01, SIDE_01, 3)
    cases = [(0, 0, 0), (0, 1, 0), (0, 0, 2), (1, 0, 0), (10, 20, 1), (255, 255, 2), (37, 200, 1)]
    layouts = {  # 典型的错误排法 → 提示
        "行列反了：同一行的像素在向量中挨着放，先数完第 0 行的 256 个像素，再数第 1 行。":
            lambda r, c, ch: (c * SIDE_01 + r) * 3 + ch,
        "向量不是先放完整个 R 通道再放 G 通道：它先放像素 0 的 R、G、B，再放像素 1 的 R、G、B。":
            lambda r, c, ch: ch * SIDE_01 * SIDE_01 + r * SIDE_01 + c,
        "每个像素占 3 个位置（R、G、B），所以像素的编号要乘以 3。": lambda r, c, ch: r * SIDE_01 + c + ch,
        "一行有 256 个像素、每个像素 3 个数，所以一行占 256 × 3 个位置。": lambda r, c, ch: r * SIDE_01 + c * 3 + ch,
    }
    for r, c, ch in cases:
        got = _number(_returned(position(r, c, ch), "位置"), f"flat_position({r}, {c}, {ch}) 的返回值")
        expected = int(np.ravel_multi_index((r, c, ch), shape))
        if got == expected:
            continue
        for hint, wrong in layouts.items():
            if all(_number(position(*case), "返回值") == wrong(*case) for case in cases):
                raise Hint(hint)
        raise Hint(f"flat_position({r}, {c}, {ch}) 返回了 {got:g}：数一数这个数之前一共有多少个数"
                   "（前面的整行、这一行里前面的像素、这个像素里前面的通道）。"
                   "可以比较 flat[3:6] 与 resized_image[0, 1]、resized_image[1, 0]，看看像素是怎样编号的。")
    last = int(np.ravel_multi_index((SIDE_01 - 1, SIDE_01 - 1, 2), shape))
    return (f"位置 = (row × 256 + col) × 3 + channel：最后一个像素的 B 的位置是 {last:,}（从 0 数起），"
            "正是向量的最后一个数。")


HIDDEN_01 = 16  # 练习 01-2：Flatten 之后、输出层之前加的一层 Dense 的输出个数


@exercise("01-2")
def check_01_2(answer: Any) -> str:
    """01-2：128×128 彩色图像 → Flatten → Dense(16) → Dense(10) 的参数个数。"""
    value = _number(answer, "答案（参数个数）")
    inputs, hidden, classes = 128 * 128 * 3, HIDDEN_01, 10
    first, second = inputs * hidden + hidden, hidden * classes + classes
    expected = first + second
    if value == expected:
        return (f"第一层 {inputs:,} × {hidden} + {hidden} = {first:,}，"
                f"第二层 {hidden} × {classes} + {classes} = {second}，"
                f"一共 {expected:,} 个参数：第二层的输入就是第一层的 {hidden} 个输出。")
    if value == first:
        raise Hint("这只是第一个 Dense 层：输出层也有权重和偏置。")
    if value == inputs * classes + classes:
        raise Hint("这是没有中间那一层时的个数：输入先连到 16 个输出，这 16 个数再连到 10 个类别。")
    if value == inputs * hidden + hidden * classes:
        raise Hint("这只数了权重：每一层的每个输出还有一个自己的偏置。")
    if value == inputs * hidden + hidden + inputs * classes + classes:
        raise Hint("输出层的输入不是图像的 49,152 个数，而是上一层的 16 个输出。")
    if value == 128 * 128 * hidden + hidden + second:
        raise Hint("彩色图有三个通道：压平后的输入个数是 高 × 宽 × 3。")
    raise Hint("一层一层地数：每一层的参数 = 这一层的输入个数 × 输出个数 + 输出个数（偏置）；"
               "下一层的输入个数就是上一层的输出个数。")


# ---------------------------------------------------------------------------
# 02 训练神经网络的基础知识
# ---------------------------------------------------------------------------

PROBS_02 = np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])  # 练习 02-1
CASES_02 = [  # 练习 02-1：(概率, 类别表)
    (PROBS_02, ["Cat", "Dog", "Other"]),
    (PROBS_02[:, ::-1], ["T-shirt/top", "Pullover", "Dress"]),
    (np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]]), ["a", "b", "c", "d"]),
]


@exercise("02-1", coding=True)
def check_02_1(answer: Any) -> str:
    """02-1：函数 decode(probs, class_names)：每一行概率 → 概率最大的类别名（一个列表）。"""
    decode = _function(answer, "答案")
    _accepts(decode, (PROBS_02, ["Cat", "Dog", "Other"]),
             "调用 decode(probs, class_names) 出错：函数应该接受两个参数。")
    for probs, class_names in CASES_02:
        before = probs.copy()
        got = _returned(decode(probs, list(class_names)), "类别名的列表")
        if not np.array_equal(probs, before):
            raise Hint("函数修改了传进来的 probs：请不要改动它。")
        call = f"decode({probs.tolist()}, {class_names})"
        expected = [class_names[i] for i in probs.argmax(axis=1)]
        if isinstance(got, str):
            raise Hint(f"{call} 只返回了一个类别名：每一行（每个样本）都要有一个，返回一个列表。")
        try:
            got = [g.item() if hasattr(g, "item") else g for g in got]
        except TypeError:
            raise Hint(f"{call} 应该返回一个类别名的列表，你给的是{_describe(got)}。") from None
        if got == expected:
            continue
        if got == [int(i) for i in probs.argmax(axis=1)]:
            raise Hint(f"{call} 返回的是位置 {got}：还要用它们去 class_names 里取出类别名。")
        if got == [class_names[i] for i in probs.argmin(axis=1)]:
            raise Hint("你选的是概率最小的类别：预测的类别是概率最大的那个（np.argmax）。")
        if len(got) != len(expected):
            raise Hint(f"{call} 返回了 {len(got)} 个名字，应该每个样本（每一行）一个，共 {len(expected)} 个："
                       "argmax 要沿着每一行取（axis=1）。")
        raise Hint(f"{call} 应该返回 {len(expected)} 个类别名：每一行取概率最大的位置，再查 class_names。")
    return "每一行取 argmax 得到位置，再查类别表得到名字：这就是 02-08 节推理时做的事。"


POINT_02, LR_02 = np.array([1.0, -1.0]), 0.1  # 练习 02-2：起点 (W1, W2) 和学习率


def _bumpy_gradient(w: np.ndarray, coupling: float = 0.2) -> np.ndarray:
    """练习 02-2 的损失 bumpy_loss(w1, w2) + 0.2 · w1 · w2 的梯度。

    bumpy_loss = 1 + sin(1.5 w1) cos(1.5 w2) + 0.1 (w1² + w2²) 来自 02-04-03 节；coupling=0 时是它本身的梯度。"""
    g1 = 1.5 * np.cos(1.5 * w[0]) * np.cos(1.5 * w[1]) + 0.2 * w[0] + coupling * w[1]
    g2 = -1.5 * np.sin(1.5 * w[0]) * np.sin(1.5 * w[1]) + 0.2 * w[1] + coupling * w[0]
    return np.array([g1, g2])


@exercise("02-2")
def check_02_2(answer: Any) -> str:
    """02-2：bumpy_loss + 0.2 · w1 · w2 在 (1, −1) 处的梯度，学习率 0.1 的一步梯度下降之后的 (W1, W2)。"""
    point = _array(answer, "答案（新的两个权重）")
    if point.size == 2:
        point = point.reshape(2)
    else:
        raise Hint(f"答案应该是两个数（新的 W1 和 W2），你给了 {point.size} 个。")
    gradient = _bumpy_gradient(POINT_02)
    expected = POINT_02 - LR_02 * gradient
    if _close(point, expected, 1e-4):
        return (f"梯度是 ({gradient[0]:.3f}, {gradient[1]:.3f})，一步之后 (W1, W2) = "
                f"({expected[0]:.4f}, {expected[1]:.4f})：新加的一项没有手推公式，磁带照样求得出导数。")
    if _close(point, gradient, 1e-4):
        raise Hint("这是梯度本身：还要做一步更新，新的权重 = 原来的权重 − 学习率 × 梯度。")
    if _close(point, POINT_02 + LR_02 * gradient, 1e-4):
        raise Hint("方向反了：梯度指向损失上升的方向，更新时要减去它。")
    if _close(point, POINT_02 - gradient, 1e-4):
        raise Hint("梯度要先乘以学习率 0.1，再从权重中减去。")
    if _close(point, POINT_02 - LR_02 * _bumpy_gradient(POINT_02, coupling=0.0), 1e-4):
        raise Hint("这是 bumpy_loss 本身的一步：这道题的损失多了一项 0.2 · w1 · w2，要把它也写进磁带里的损失。")
    if _close(point, POINT_02):
        raise Hint("这还是起点 (1, −1)：要减去学习率 × 梯度。")
    raise Hint("在磁带里用 tf.sin、tf.cos 写出这个损失（别忘了 0.2 · w1 · w2），"
               "tape.gradient(loss, [w1_var, w2_var]) 给出两个斜率，再算 (1, −1) − 0.1 × 梯度。")


# ---------------------------------------------------------------------------
# 03 线性回归建模
# ---------------------------------------------------------------------------

VALIDATION_SPLIT = 0.3  # 03-04 节 model.fit(..., validation_split=0.3)：Keras 用前 70% 的行训练（向下取整）


def _least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    design = np.column_stack([x, np.ones_like(x)])
    (w, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(w), float(b)


def _boston_train() -> tuple[np.ndarray, np.ndarray]:
    (x_train, y_train), _ = load_boston_housing()
    return x_train, y_train


LR_03, STEPS_03 = 0.1, 100  # 练习 03-1：普通梯度下降的学习率和步数


def _rooms_fit() -> tuple[np.ndarray, np.ndarray]:
    """03-04 节 Keras 真正用来训练的前 n_fit 行：房间数和房价。"""
    x_train, y_train = _boston_train()
    n_fit = math.floor(len(x_train) * (1 - VALIDATION_SPLIT))
    return x_train[:n_fit, RM_COLUMN], y_train[:n_fit]


def _plain_descent(x: np.ndarray, y: np.ndarray, lr: float, steps: int) -> tuple[float, float]:
    """参考实现：从 (0, 0) 出发，每步用全部样本的 MSE 梯度更新 (w, b)。"""
    w = b = 0.0
    with np.errstate(all="ignore"):  # 原始特征上学习率太大时会溢出：这正是要展示的
        for _ in range(steps):
            error = y - (w * x + b)
            w, b = w + lr * 2 * float(np.mean(error * x)), b + lr * 2 * float(np.mean(error))
    return w, b


@exercise("03-1", coding=True)
def check_03_1(answer: Any) -> str:
    """03-1：函数 fit_line(x, y, lr, epochs)：普通梯度下降拟合直线；在标准化的房间数上应到达最优值。"""
    fit_line = _function(answer, "答案")
    _accepts(fit_line, (np.zeros(2), np.zeros(2), LR_03, STEPS_03),
             "调用 fit_line(x, y, lr, epochs) 出错：函数应该接受四个参数。")
    x, y = _rooms_fit()
    z = (x - x.mean()) / x.std()
    optimum = _mse_of(_least_squares(z, y), z, y)
    result = _returned(fit_line(z.copy(), y.copy(), LR_03, STEPS_03), "w, b")
    if hasattr(result, "__len__") and len(result) == 2:
        result = [v.numpy() if hasattr(v, "numpy") else v for v in result]  # tf.Variable 也接受
    try:
        pair = _array(result, "fit_line 的返回值", shape=(2,))
    except Hint:
        if np.asarray(result, dtype="float64").shape == (2,):  # 有 inf 或 nan：发散了
            raise Hint("w、b 变成了 inf 或 nan：损失越来越大。检查是不是减去了梯度，"
                       "以及梯度是全部样本的平均（reduce_mean），而不是总和。") from None
        raise
    start = _mse_of((0.0, 0.0), z, y)
    got = _mse_of(tuple(pair), z, y)
    if got <= optimum * 1.01:
        raw_diverged = _mse_of(_plain_descent(x, y, LR_03, STEPS_03), x, y)
        raw_small = _mse_of(_plain_descent(x, y, LR_03 / 10, STEPS_03), x, y)
        diverged = "会发散" if not math.isfinite(raw_diverged) or raw_diverged > 1e6 else f"MSE 是 {raw_diverged:.1f}"
        return (f"标准化后，普通梯度下降 {STEPS_03} 步的 MSE 是 {got:.2f}，最优值 {optimum:.2f}：到了。"
                f"在原始房间数上，同样 {STEPS_03} 步，学习率 {LR_03:g} {diverged}，"
                f"学习率 {LR_03 / 10:g} 时 MSE 还有 {raw_small:.1f}。让训练走出峡谷的是标准化，不是 RMSprop。")
    if np.allclose(pair, 0.0):
        raise Hint("返回的 w、b 还是 0：每一步都要更新它们（w.assign_sub(lr * 梯度)，b 也一样）。")
    if got > start:
        raise Hint(f"MSE 比起点 (0, 0) 时还大（{got:.3g} > {start:.1f}），损失越走越大：更新时要减去梯度，而不是加上；"
                   "梯度要用全部样本的平均（reduce_mean），用总和会让每一步大几百倍。")
    raise Hint(f"MSE 是 {got:.2f}，最优值是 {optimum:.2f}，还没到：检查每一步是否用了全部样本、"
               f"w 和 b 是否都更新了，以及是否真的做了 epochs 步。")


def _mse_of(line: tuple[float, float], x: np.ndarray, y: np.ndarray) -> float:
    w, b = line
    with np.errstate(all="ignore"):
        return float(np.mean((y - (w * x + b)) ** 2))


@exercise("03-2")
def check_03_2(answer: Any) -> str:
    """03-2：在全部 404 行训练数据（RM）上重新求最小二乘直线，它在 102 行测试数据上的 MSE。"""
    value = _number(answer, "答案（MSE）")
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    x_all, x_new = x_train[:, RM_COLUMN], x_test[:, RM_COLUMN]

    def test_errors(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        w, b = _least_squares(x, y)
        return y_test - (w * x_new + b)

    errors = test_errors(x_all, y_train)
    expected = float(np.mean(errors**2))
    x_fit, y_fit = _rooms_fit()
    fit_only = float(np.mean(test_errors(x_fit, y_fit) ** 2))
    w, b = _least_squares(x_all, y_train)
    train_mse = float(np.mean((y_train - (w * x_all + b)) ** 2))
    if _close(value, expected):
        return (f"用全部 {len(x_all)} 行求出的直线，测试 MSE 是 {expected:.2f}（只用前 {len(x_fit)} 行时是 "
                f"{fit_only:.2f}）。选定模型之后，把验证数据也拿来训练，是常见的最后一步。")
    if _close(value, fit_only):
        raise Hint(f"这是只用前 {len(x_fit)} 行求出的直线（03-05-04 节算过）：这道题要用全部 {len(x_all)} 行重新求。")
    if _close(value, train_mse):
        raise Hint("这是这条直线在训练数据上的 MSE：这道题要的是 102 行测试数据。")
    if _close(value, math.sqrt(expected)):
        raise Hint("你开了平方根（这是 RMSE）：MSE 是误差平方的平均，不开方。")
    if _close(value, float(np.sum(errors**2))):
        raise Hint("你求的是平方误差的和：MSE 还要除以样本数。")
    raise Hint("先用 best_line 在全部训练数据（x_train_rooms, y_train）上求出 w、b，"
               "再用 mse 在测试数据（x_test_rooms, y_test）上评估。")


# ---------------------------------------------------------------------------
# 04 使用 MLP 进行 MNIST 数字分类
# ---------------------------------------------------------------------------

BUDGET_04 = 100_000  # 练习 04-1：参数预算；网络是 784 → n → n → 10


def _dense_parameters(sizes: tuple[int, ...]) -> int:
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def _params_04(n: int) -> int:
    return _dense_parameters((784, n, n, 10))


@exercise("04-1")
def check_04_1(answer: Any) -> str:
    """04-1：参数不超过 100,000 个的 784 → n → n → 10 的 MLP，n 最大是多少。"""
    value = _number(answer, "答案（n 的最大值）")
    expected = max(n for n in range(1, 1000) if _params_04(n) <= BUDGET_04)
    if value == expected:
        return (f"n = {expected} 时有 {_params_04(expected):,} 个参数，没超出预算；"
                f"n = {expected + 1} 时有 {_params_04(expected + 1):,} 个，超出了。")
    if value != int(value):
        raise Hint("神经元的个数是整数：解出方程以后，取不超出预算的那个整数（向下取整）。")
    if value < 1:
        raise Hint("n 是隐藏层的神经元个数，至少是 1。")
    n = int(value)
    if n == 128:
        raise Hint(f"本课的 784-128-128-10 有 {_params_04(128):,} 个参数，已经超出预算了：n 要更小。")
    if _params_04(n) > BUDGET_04:
        raise Hint(f"n = {n} 时有 {_params_04(n):,} 个参数，超过了 {BUDGET_04:,}。"
                   "别漏了偏置和输出层，超出预算时要向下取整。")
    raise Hint(f"n = {n} 时只有 {_params_04(n):,} 个参数，还可以再大一些：要的是不超出预算的最大的 n。")


@exercise("04-2", coding=True)
def check_04_2(answer: Any) -> str:
    """04-2：函数 per_class_accuracy(cm)：K×K 混淆矩阵（行是真实类别）-> 每一类中认对的比例。"""
    per_class_accuracy = _function(answer, "答案")
    rng = np.random.default_rng(4)
    for k in (10, 3):
        cm = rng.integers(0, 20, size=(k, k))
        cm[np.diag_indices(k)] += rng.integers(50, 200, size=k)  # 认对的（对角线）多一些
        out = _call(per_class_accuracy, cm, "per_class_accuracy(cm)", "每一类的准确率")
        got = _array(out, "per_class_accuracy 的返回值")
        correct = np.diag(cm).astype("float64")
        expected = correct / cm.sum(axis=1)
        if got.size == 1:
            if _close(float(got.reshape(())), correct.sum() / cm.sum()):
                raise Hint("这是全部图像的准确率：题目要的是每一类各一个准确率，返回长度为 K 的数组。")
            raise Hint("要返回每一类各一个数（长度为 K 的数组），不是一个数。")
        if got.shape != (k,):
            raise Hint(f"{k}×{k} 的混淆矩阵应当得到长度为 {k} 的数组，你的形状是 {got.shape}。")
        if _close(got, expected, 1e-6):
            continue
        if _close(got, correct / cm.sum(axis=0), 1e-6):
            raise Hint("你除以的是每一列的和（被预测为这一类的图像数）：要除以每一行的和，"
                       "也就是真实为这一类的图像数。")
        if _close(got, correct, 1e-6):
            raise Hint("这是每一类认对的张数：还要除以这一类一共有多少张。")
        if _close(got, 1 - expected, 1e-6):
            raise Hint("这是每一类认错的比例：认对的在对角线上。")
        if _close(got, 100 * expected, 1e-6):
            raise Hint("结果是百分数：返回 0～1 之间的比例，不要乘以 100。")
        raise Hint("想一想：真实为 i 的图像都在混淆矩阵的哪里？其中认对的又在哪里？")
    return "每一类的准确率 = 对角线 ÷ 每一行之和，在 10×10 和 3×3 的混淆矩阵上都对了。用在 cm 上，看看哪个数字最难认。"


# ---------------------------------------------------------------------------
# 05 CNN 基础知识
# ---------------------------------------------------------------------------

CONV_05 = {"input": (64, 64, 3), "filters": 8, "size": 3}  # 练习 05-1：Conv2D(8, 3)，不填充，步长 1


@exercise("05-1")
def check_05_1(answer: Any) -> str:
    """05-1：Conv2D(8, 3) 作用在 64×64×3 上：答案是 ((高, 宽, 深度), 参数个数)。"""
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        raise Hint("答案的格式是 ((高, 宽, 深度), 参数个数)，例如 ((10, 10, 4), 100)。")
    shape_answer, params_answer = answer
    shape = tuple(int(v) for v in _array(shape_answer, "输出形状").reshape(-1))
    params = _number(params_answer, "参数个数")
    n, _, depth = CONV_05["input"]
    f, k = CONV_05["size"], CONV_05["filters"]
    side = n - f + 1  # 不填充、步长 1
    expected_shape = (side, side, k)
    expected_params = k * (f * f * depth + 1)
    if len(shape) != 3:
        raise Hint(f"输出形状要写成 (高, 宽, 深度) 三个数，你写了 {len(shape)} 个。")
    if shape != expected_shape:
        if shape == (n, n, k):
            raise Hint("不填充时输出会变小：边长 = (n + 2p − f) / s + 1，这里 p = 0。")
        if shape[:2] == (side, side):
            raise Hint("高和宽对了；输出的深度等于滤波器的个数。")
        raise Hint("输出边长 = (n + 2p − f) / s + 1，深度 = 滤波器个数。")
    if params == expected_params:
        return f"输出 {expected_shape}，参数 {k} × ({f}×{f}×{depth} + 1) = {expected_params:,}。"
    if params == k * f * f * depth:
        raise Hint("形状对了。参数还少了偏置：每个滤波器有 1 个偏置。")
    if params == k * (f * f + 1):
        raise Hint(f"形状对了。滤波器的深度等于输入的深度 {depth}：每个滤波器有 {f}×{f}×{depth} 个权重。")
    raise Hint("形状对了。参数 = 滤波器个数 × (高 × 宽 × 输入深度 + 1)。")


def _conv_reference(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, flip: bool = False) -> np.ndarray:
    """不填充、步长 1 的卷积层（不加激活）：输出 (高 − 2, 宽 − 2, F)；flip=True 时先把核旋转 180°。"""
    if flip:
        kernel = kernel[::-1, ::-1]
    rows, cols = x.shape[0] - 2, x.shape[1] - 2
    out = np.zeros((rows, cols, kernel.shape[3]))
    for r in range(rows):
        for c in range(cols):
            out[r, c] = np.tensordot(x[r:r + 3, c:c + 3, :], kernel, axes=3)
    return out + bias


@exercise("05-2", coding=True)
def check_05_2(answer: Any) -> str:
    """05-2：函数 conv_layer(x, kernel, bias)：C 个通道的输入、F 个 3×3×C 的滤波器（Keras 的排列）。"""
    conv_layer = _function(answer, "答案")
    _accepts(conv_layer, (None, None, None), "函数应该接受三个参数：conv_layer(x, kernel, bias)。")
    rng = np.random.default_rng(52)
    for rows, cols, channels, filters in [(5, 5, 3, 2), (6, 7, 2, 4)]:
        x = rng.integers(-3, 4, size=(rows, cols, channels)).astype("float32")
        kernel = rng.integers(-2, 3, size=(3, 3, channels, filters)).astype("float32")
        bias = rng.integers(1, 4, size=filters).astype("float32")
        given = [x.copy(), kernel.copy(), bias.copy()]
        out = _returned(conv_layer(x, kernel, bias), "输出的数组")
        if not all(np.array_equal(a, b) for a, b in zip((x, kernel, bias), given)):
            raise Hint("函数修改了传进来的数组：请返回一个新数组，原来的数据保持不变。")
        got = _array(out, "conv_layer 的返回值")
        expected = _conv_reference(x, kernel, bias)
        shape = expected.shape
        if got.shape == (rows, cols, filters):
            raise Hint("不填充时输出会变小：3×3 的滤波器放不下的边上没有输出，高和宽各少 2。")
        if got.shape == (filters, rows - 2, cols - 2):
            raise Hint("数对了位置不对：和 Keras 一样，滤波器放在最后一个轴，形状是 (高 − 2, 宽 − 2, F)。")
        if got.shape in ((rows - 2, cols - 2, channels, filters), (rows - 2, cols - 2, channels)):
            raise Hint("每个滤波器的 C 个核的结果要加在一起：一个滤波器只得到一张激活图。")
        if got.shape != shape:
            raise Hint(f"输入 {rows}×{cols}×{channels}、{filters} 个滤波器时，"
                       f"输出的形状应是 {shape}，你的是 {got.shape}。")
        if _close(got, expected, 1e-6):
            continue
        if _close(got, expected - bias, 1e-6):
            raise Hint("别忘了偏置：每张激活图的每个数都要加上这个滤波器的偏置 bias[f]。")
        if _close(got, expected + (channels - 1) * bias, 1e-6):
            raise Hint("偏置加了 C 次：每个滤波器的偏置只加一次，不是每个通道加一次。")
        if _close(got, _conv_reference(x, kernel, bias, flip=True), 1e-6):
            raise Hint("你把核翻转了：深度学习里的“卷积”是互相关，核直接盖在窗口上逐项相乘，不旋转 180°。")
        if _close(got, _conv_reference(x[:, :, :1], kernel[:, :, :1], bias), 1e-6):
            raise Hint("只用了第一个通道：窗口 x[r:r+3, c:c+3, :] 的全部 C 个通道"
                       "都要和滤波器的对应核相乘，再加在一起。")
        raise Hint("第 f 张激活图在 (r, c) 处的数 = x[r:r+3, c:c+3, :] 和 kernel[:, :, :, f] "
                   "逐项相乘、全部相加，再加 bias[f]。")
    return ("在两组随机的输入（3 个通道、2 个滤波器；2 个通道、4 个滤波器）上都与逐项计算的结果一致。"
            "这就是 Keras 的 Conv2D（不填充、步长 1、不加激活）做的事。")


# ---------------------------------------------------------------------------
# 入口
# ---------------------------------------------------------------------------


def evaluate(exercise_id: str, answer: Any) -> Result:
    """检查答案并返回结果（不打印）。``check`` 打印的就是这里的 ``message``。"""
    if exercise_id not in EXERCISES:
        return Result(False, f"没有编号为 {exercise_id!r} 的练习：可用的编号有 {', '.join(EXERCISES)}。")
    if answer is ...:
        return Result(False, NOT_ANSWERED)
    try:
        return Result(True, "✓ " + EXERCISES[exercise_id].check(answer))
    except NotAnswered:
        return Result(False, NOT_ANSWERED)
    except Hint as hint:
        return Result(False, f"✗ {hint}")
    except Exception as err:  # 学习者的函数在检查时出错：说明是哪一步，不抛出异常
        return Result(False, f"✗ 检查你的答案时出错了（{type(err).__name__}: {err}）。先单独运行一下你的代码试试。")


def check(exercise_id: str, answer: Any) -> None:
    """检查一道练习的答案：打印一行结果（✓ / ✗ + 提示）。

    不返回值：放在单元最后一行时，notebook 不会在提示下面再显示一个 True / False。
    想在代码里用结果，请调用 ``evaluate``。
    """
    print(evaluate(exercise_id, answer).message)
