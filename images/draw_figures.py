"""绘制 images/ 下所有示意图（只用 matplotlib）。

用法（在仓库根目录）::

    python images/draw_figures.py          # 或 make images

每个函数画一张图，文件名与 notebook 中引用的路径一致。想改图中的文字或颜色，
改这里的代码再运行一次即可。图中文字用英文（与课程的绘图约定一致）。
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

HERE = Path(__file__).resolve().parent
BLUE, ORANGE, GREEN, GRAY, RED, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#8C8C8C", "#C44E52", "#8172B3"
FIGURES: dict[str, Callable[[], plt.Figure]] = {}


def figure(path: str) -> Callable:
    """把一个画图函数登记到 FIGURES，键是 images/ 下的相对路径。"""

    def register(draw: Callable[[], plt.Figure]) -> Callable[[], plt.Figure]:
        FIGURES[path] = draw
        return draw

    return register


def canvas(width: float, height: float) -> tuple[plt.Figure, Axes]:
    """一张空白画布，坐标范围 [0, width] x [0, height]（单位约为英寸）。"""
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax: Axes, x: float, y: float, w: float, h: float, text: str = "", color: str = BLUE,
        fontsize: int = 11, alpha: float = 0.18, textcolor: str = "black") -> None:
    """以 (x, y) 为左下角画一个圆角框，并在中间写字。"""
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=color, alpha=alpha, edgecolor="none"))
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor="none", edgecolor=color, linewidth=1.6))
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize, color=textcolor)


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], text: str = "",
          color: str = "black", rad: float = 0.0, fontsize: int = 10, offset: tuple[float, float] = (0, 0.15)
          ) -> None:
    """从 start 指向 end 的箭头，可在中点旁写字；rad 不为 0 时画成弧线。"""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=16, linewidth=1.6,
                                 color=color, connectionstyle=f"arc3,rad={rad}"))
    if text:
        mx, my = (start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1]
        ax.text(mx, my, text, ha="center", va="bottom", fontsize=fontsize, color=color)


def pixel_image(ax: Axes, x: float, y: float, size: float, kind: str) -> None:
    """画一个小小的示意"照片"（猫、狗或其他），只用几何形状。"""
    from matplotlib.patches import Circle, Polygon, Rectangle

    ax.add_patch(Rectangle((x, y), size, size, facecolor="#F3EFE6", edgecolor=GRAY))
    cx, cy, r = x + size / 2, y + size * 0.45, size * 0.28
    if kind == "cat":
        ax.add_patch(Polygon([(cx - r, cy + r * 0.6), (cx - r * 0.7, cy + r * 1.5), (cx - r * 0.2, cy + r * 0.9)],
                             color=ORANGE))
        ax.add_patch(Polygon([(cx + r, cy + r * 0.6), (cx + r * 0.7, cy + r * 1.5), (cx + r * 0.2, cy + r * 0.9)],
                             color=ORANGE))
        ax.add_patch(Circle((cx, cy), r, color=ORANGE))
    elif kind == "dog":
        ax.add_patch(Circle((cx, cy), r, color="#8B5A2B"))
        ax.add_patch(Circle((cx - r, cy + r * 0.3), r * 0.45, color="#5C3A1A"))
        ax.add_patch(Circle((cx + r, cy + r * 0.3), r * 0.45, color="#5C3A1A"))
    else:
        ax.add_patch(Rectangle((cx - r, cy - r), 2 * r, 1.4 * r, color=GREEN))
        ax.add_patch(Polygon([(cx - r * 1.2, cy + r * 0.4), (cx, cy + r * 1.4), (cx + r * 1.2, cy + r * 0.4)],
                             color=RED))
    if kind in ("cat", "dog"):
        ax.add_patch(Circle((cx - r * 0.35, cy + r * 0.15), r * 0.1, color="black"))
        ax.add_patch(Circle((cx + r * 0.35, cy + r * 0.15), r * 0.1, color="black"))


# ---------------------------------------------------------------------------
# 01 神经网络入门
# ---------------------------------------------------------------------------
NB01 = "01_getting_started_with_neural_networks"


@figure(f"{NB01}/black_box.png")
def black_box() -> plt.Figure:
    fig, ax = canvas(9, 3.2)
    pixel_image(ax, 0.3, 0.8, 1.6, "cat")
    ax.text(1.1, 0.45, "input image\n(any size, format, colour)", ha="center", va="top", fontsize=9)
    arrow(ax, (2.1, 1.6), (3.2, 1.6))
    box(ax, 3.3, 0.7, 2.4, 1.8, "neural network\n(black box)", color=GRAY, fontsize=12, alpha=0.35)
    arrow(ax, (5.8, 1.6), (6.7, 1.6))
    for i, (name, p) in enumerate([("cat", 0.97), ("dog", 0.01), ("other", 0.02)]):
        y = 2.3 - i * 0.7
        box(ax, 6.8, y - 0.25, 0.9, 0.5, f"{p:.2f}", color=[ORANGE, "#8B5A2B", GREEN][i], fontsize=11)
        ax.text(7.85, y, name, va="center", fontsize=11)
    ax.text(7.25, 0.3, "3 numbers between 0 and 1\n(one per class)", ha="center", va="top", fontsize=9)
    return fig


@figure(f"{NB01}/fixed_input_shape.png")
def fixed_input_shape() -> plt.Figure:
    fig, ax = canvas(9, 3.4)
    sizes = [(1.6, "1024 x 768"), (1.0, "640 x 640"), (0.7, "320 x 240")]
    x = 0.2
    for s, label in sizes:
        pixel_image(ax, x, 2.2 - s / 2 + 0.3, s, "dog")
        ax.text(x + s / 2, 1.7 - s / 2 + 0.3 - 0.05, label, ha="center", va="top", fontsize=9)
        x += s + 0.25
    arrow(ax, (4.0, 2.3), (5.0, 2.3), "resize")
    pixel_image(ax, 5.1, 1.7, 1.2, "dog")
    ax.text(5.7, 1.6, "256 x 256 x 3", ha="center", va="top", fontsize=10, weight="bold")
    arrow(ax, (6.4, 2.3), (7.1, 2.3))
    box(ax, 7.2, 1.5, 1.6, 1.6, "network\nexpects\n256x256x3", color=GRAY, fontsize=10, alpha=0.35)
    ax.text(4.5, 0.45, "Images come in many sizes; a given network accepts only one fixed input shape,\n"
            "so every image is preprocessed (resized) to that shape first.", ha="center", fontsize=9.5)
    return fig


@figure(f"{NB01}/weights_as_knobs.png")
def weights_as_knobs() -> plt.Figure:
    from matplotlib.patches import Circle

    fig, ax = canvas(8, 3.2)
    box(ax, 1.6, 0.5, 4.8, 2.3, "", color=GRAY, alpha=0.3)
    ax.text(4.0, 2.55, "neural network", ha="center", fontsize=11)
    angles = [30, 140, 260, 80, 200, 320, 10, 170]
    for i, a in enumerate(angles):
        import math

        cx, cy = 2.2 + (i % 4) * 1.2, 1.75 - (i // 4) * 0.8
        ax.add_patch(Circle((cx, cy), 0.27, facecolor="white", edgecolor=BLUE, linewidth=1.6))
        rad = math.radians(a)
        ax.plot([cx, cx + 0.22 * math.cos(rad)], [cy, cy + 0.22 * math.sin(rad)], color=BLUE, linewidth=2.2)
        ax.text(cx + 0.33, cy - 0.3, f"w{i + 1}", fontsize=8, color=BLUE)
    arrow(ax, (0.3, 1.6), (1.5, 1.6), "input", offset=(0, 0.1))
    arrow(ax, (6.5, 1.6), (7.7, 1.6), "output", offset=(0, 0.1))
    ax.text(4.0, 0.15, "weights = adjustable knobs; training finds good settings", ha="center", fontsize=9.5)
    return fig


@figure(f"{NB01}/supervised_training.png")
def supervised_training() -> plt.Figure:
    fig, ax = canvas(9, 3.6)
    examples = [("cat", "cat"), ("dog", "dog"), ("other", "other")]
    for i, (kind, label) in enumerate(examples):
        y = 2.6 - i * 0.8
        pixel_image(ax, 0.3, y - 0.3, 0.65, kind)
        box(ax, 1.15, y - 0.17, 0.9, 0.36, label, color=ORANGE, fontsize=9)
    ax.text(1.2, 3.35, "labelled examples (image + label)", ha="center", fontsize=9.5)
    arrow(ax, (2.3, 1.75), (3.4, 1.75), "many\nexamples", offset=(0, 0.05))
    box(ax, 3.5, 0.9, 2.2, 1.7, "training\n(many iterations)", color=BLUE, fontsize=11)
    arrow(ax, (5.8, 1.75), (6.6, 1.75))
    box(ax, 6.7, 1.0, 2.1, 1.5, "network with\nlearned weights", color=GREEN, fontsize=10.5)
    ax.text(4.6, 0.1, "Supervised learning: every training example comes with the correct answer.",
            ha="center", fontsize=9.5)
    return fig


@figure(f"{NB01}/error_feedback.png")
def error_feedback() -> plt.Figure:
    fig, ax = canvas(9, 3.6)
    pixel_image(ax, 0.2, 1.55, 0.9, "cat")
    ax.text(0.65, 1.45, "image", ha="center", va="top", fontsize=9)
    arrow(ax, (1.2, 2.0), (2.0, 2.0))
    box(ax, 2.1, 1.4, 1.8, 1.2, "network\n(weights)", color=GRAY, alpha=0.35)
    arrow(ax, (4.0, 2.0), (4.8, 2.0))
    box(ax, 4.9, 1.5, 1.5, 1.0, "prediction\n0.30 / 0.60 / 0.10", color=BLUE, fontsize=9)
    box(ax, 4.9, 2.8, 1.5, 0.6, "label: cat\n1 / 0 / 0", color=ORANGE, fontsize=9)
    arrow(ax, (6.5, 2.0), (7.2, 2.0))
    arrow(ax, (6.5, 3.1), (7.3, 2.4))
    box(ax, 7.3, 1.5, 1.4, 1.0, "compare:\nerror", color=RED, fontsize=10)
    arrow(ax, (8.0, 1.4), (3.0, 1.3), "error is used to adjust the weights", color=RED, rad=-0.35,
          offset=(0, -1.3))
    return fig


# ---------------------------------------------------------------------------
# 02 训练神经网络的基础知识
# ---------------------------------------------------------------------------
NB02 = "02_fundamentals_of_training_a_neural_network"


@figure(f"{NB02}/training_sample.png")
def training_sample() -> plt.Figure:
    fig, ax = canvas(9.5, 3.8)
    pixel_image(ax, 0.2, 1.5, 1.0, "cat")
    ax.text(0.7, 1.4, "input image", ha="center", va="top", fontsize=9)
    arrow(ax, (1.3, 2.0), (2.1, 2.0))
    box(ax, 2.2, 1.4, 1.8, 1.2, "network", color=GRAY, alpha=0.35)
    arrow(ax, (4.1, 2.0), (4.9, 2.0))
    ax.text(5.6, 3.05, "prediction y'", ha="center", fontsize=10, color=BLUE)
    ax.text(7.2, 3.05, "label y (one-hot)", ha="center", fontsize=10, color=ORANGE)
    for i, (name, p, t) in enumerate([("cat", 0.37, 1), ("dog", 0.50, 0), ("other", 0.13, 0)]):
        y = 2.5 - i * 0.55
        box(ax, 5.1, y - 0.2, 1.0, 0.4, f"{p:.2f}", color=BLUE, fontsize=10)
        box(ax, 6.7, y - 0.2, 1.0, 0.4, f"{t}", color=ORANGE, fontsize=10)
        ax.text(6.4, y, name, ha="center", va="center", fontsize=9)
    arrow(ax, (7.8, 1.95), (8.4, 1.95))
    box(ax, 8.45, 1.55, 0.95, 0.8, "loss", color=RED, fontsize=11)
    ax.text(4.8, 0.5, "The image goes into the network; the label is used only to compute the loss.\n"
            "Here the network is wrong: 'dog' (0.50) beats 'cat' (0.37).", ha="center", fontsize=9.5)
    return fig


@figure(f"{NB02}/training_loop.png")
def training_loop() -> plt.Figure:
    fig, ax = canvas(10, 4.2)
    box(ax, 0.2, 2.4, 1.4, 1.0, "input x\n(a batch)", color=GRAY, alpha=0.3)
    arrow(ax, (1.7, 2.9), (2.5, 2.9))
    box(ax, 2.6, 2.3, 1.8, 1.2, "network\n(weights W)", color=GRAY, alpha=0.45)
    arrow(ax, (4.5, 2.9), (5.3, 2.9))
    box(ax, 5.4, 2.4, 1.5, 1.0, "prediction y'", color=BLUE)
    box(ax, 5.4, 3.7, 1.5, 0.45, "label y", color=ORANGE, fontsize=10)
    arrow(ax, (7.0, 2.9), (7.8, 2.9))
    arrow(ax, (7.0, 3.9), (7.9, 3.3))
    box(ax, 7.9, 2.4, 1.8, 1.0, "loss(y, y')", color=RED)
    arrow(ax, (8.8, 2.3), (8.8, 1.1))
    box(ax, 7.6, 0.2, 2.2, 0.9, "gradient\n(backpropagation)", color=PURPLE, fontsize=10)
    arrow(ax, (7.5, 0.65), (4.8, 0.65))
    box(ax, 2.4, 0.2, 2.3, 0.9, "W = W - lr * gradient", color=GREEN, fontsize=10)
    arrow(ax, (3.5, 1.2), (3.5, 2.2), "update", offset=(0.45, -0.1))
    ax.text(5.0, -0.25, "y and y' are vectors with one entry per class", ha="center", fontsize=9, color=GRAY)
    return fig


# ---------------------------------------------------------------------------
# 03 线性回归建模
# ---------------------------------------------------------------------------
NB03 = "03_modeling_linear_regression"


@figure(f"{NB03}/one_neuron.png")
def one_neuron() -> plt.Figure:
    from matplotlib.patches import Circle

    fig, ax = canvas(8, 3.0)
    ax.add_patch(Circle((1.2, 1.5), 0.45, facecolor="white", edgecolor=ORANGE, linewidth=2))
    ax.text(1.2, 1.5, "x", ha="center", va="center", fontsize=14)
    ax.text(1.2, 0.7, "input: rooms", ha="center", fontsize=9.5)
    arrow(ax, (1.7, 1.5), (3.4, 1.5), "weight w", color=BLUE, offset=(0, 0.12))
    ax.add_patch(Circle((4.0, 1.5), 0.6, facecolor="#DCE3F0", edgecolor=BLUE, linewidth=2))
    ax.text(4.0, 1.5, "w x + b", ha="center", va="center", fontsize=11)
    ax.text(4.0, 0.55, "one neuron (bias b)", ha="center", fontsize=9.5)
    arrow(ax, (4.65, 1.5), (6.3, 1.5))
    ax.add_patch(Circle((6.8, 1.5), 0.45, facecolor="white", edgecolor=GREEN, linewidth=2))
    ax.text(6.8, 1.5, "y'", ha="center", va="center", fontsize=14)
    ax.text(6.8, 0.7, "predicted price", ha="center", fontsize=9.5)
    ax.text(4.0, 2.65, "linear regression = a network with a single neuron and no activation",
            ha="center", fontsize=10)
    return fig


@figure(f"{NB03}/feedback_loop.png")
def feedback_loop() -> plt.Figure:
    fig, ax = canvas(9.5, 3.6)
    box(ax, 0.2, 1.9, 1.5, 0.9, "rooms x", color=GRAY, alpha=0.3)
    arrow(ax, (1.8, 2.35), (2.6, 2.35))
    box(ax, 2.7, 1.8, 1.9, 1.1, "neuron\ny' = w x + b", color=BLUE)
    arrow(ax, (4.7, 2.35), (5.5, 2.35))
    box(ax, 5.6, 1.9, 1.4, 0.9, "prediction y'", color=BLUE, fontsize=10)
    box(ax, 5.6, 3.0, 1.4, 0.5, "true price y", color=ORANGE, fontsize=10)
    arrow(ax, (7.1, 2.35), (7.8, 2.35))
    arrow(ax, (7.1, 3.25), (7.9, 2.75))
    box(ax, 7.9, 1.9, 1.4, 0.9, "loss\n(MSE)", color=RED)
    arrow(ax, (8.6, 1.8), (3.65, 1.7), "gradient descent + backpropagation update w and b", color=GREEN,
          rad=-0.45, offset=(0, -1.45))
    return fig


# ---------------------------------------------------------------------------
# 04 使用 MLP 进行 MNIST 数字分类
# ---------------------------------------------------------------------------
NB04 = "04_mnist_digit_classification_using_mlp"


def dense_layers(ax: Axes, xs: list[float], slots: list[int], elided: list[bool], names: list[str],
                 colors: list[str], top: float, bottom: float) -> None:
    """画一列列的神经元（圆圈），相邻两列全部相连；elided 的列在中间一格画省略号，表示还有更多神经元。"""
    from matplotlib.patches import Circle

    columns = []
    for x, n, skip in zip(xs, slots, elided):
        ys = [top - i * (top - bottom) / (n - 1) for i in range(n)]
        gap = n // 2 if skip else None
        columns.append(([(x, y) for i, y in enumerate(ys) if i != gap], (x, ys[gap]) if skip else None))
    for (left, _), (right, _) in zip(columns, columns[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color=GRAY, linewidth=0.4, alpha=0.5, zorder=1)
    for (neurons, dots), name, color in zip(columns, names, colors):
        for x, y in neurons:
            ax.add_patch(Circle((x, y), 0.13, facecolor="white", edgecolor=color, linewidth=1.6, zorder=2))
        if dots:
            ax.text(dots[0], dots[1], "...", ha="center", va="center", fontsize=14, rotation=90, zorder=3)
        ax.text(neurons[0][0], bottom - 0.35, name, ha="center", va="top", fontsize=10)


@figure(f"{NB04}/mlp_architecture.png")
def mlp_architecture() -> plt.Figure:
    fig, ax = canvas(10, 5.0)
    xs = [1.6, 4.0, 6.4, 8.6]
    dense_layers(ax, xs, [11, 9, 9, 10], [True, True, True, False],
                 ["input\n784 pixels", "hidden Dense\n128 ReLU", "hidden Dense\n128 ReLU", "output Dense\n10 softmax"],
                 [ORANGE, BLUE, BLUE, GREEN], top=4.3, bottom=1.2)
    from matplotlib.patches import Rectangle

    for i in range(4):
        for j in range(4):
            shade = 0.15 + 0.8 * ((i * 3 + j * 5) % 7) / 7
            ax.add_patch(Rectangle((0.1 + j * 0.22, 3.2 - i * 0.22), 0.22, 0.22,
                                   facecolor=str(shade), edgecolor="none"))
    ax.text(0.54, 2.45, "28 x 28\nimage", ha="center", va="top", fontsize=9)
    ax.text(0.54, 3.95, "flatten", ha="center", fontsize=9)
    for k, digit in enumerate(range(10)):
        y = 4.3 - k * (3.1 / 9)
        ax.text(8.9, y, f"P({digit})", va="center", fontsize=8)
    ax.text(5.0, 0.2, "every neuron is connected to every neuron of the next layer (dense / fully connected)",
            ha="center", fontsize=9.5)
    return fig


def main() -> None:
    for rel_path, draw in FIGURES.items():
        out = HERE / rel_path
        out.parent.mkdir(parents=True, exist_ok=True)
        fig = draw()
        fig.savefig(out, dpi=110, bbox_inches="tight", facecolor="white")
        plt.close(fig)
        print(out.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
