"""绘制 images/ 下所有示意图（只用 matplotlib）。

用法（在仓库根目录）::

    python images/draw_figures.py          # 或 make images
    python images/draw_figures.py 05       # 只画路径以 05 开头的图（某一个 notebook 的图）

每个函数画一张图，文件名与 notebook 中引用的路径一致。想改图中的文字或颜色，
改这里的代码再运行一次即可。图中文字用简体中文，课文引入的术语在括号里附上英文，
例如“权重 (weights)”；变量名和公式（w x + b、y'）保持原样。

画中文需要一个中文字体（见 CJK_FONTS；Debian / Ubuntu：sudo apt install fonts-noto-cjk）。
找不到时脚本报错退出；画图时缺字（否则会画成空白方框）也算错误，脚本同样失败。
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

HERE = Path(__file__).resolve().parent
STYLE = HERE.parent / "notebooks" / "course.mplstyle"  # notebook 中的图也用这个调色板（seaborn 的 deep）
PALETTE = matplotlib.rc_params_from_file(STYLE, use_default_template=False)["axes.prop_cycle"].by_key()["color"]
BLUE, ORANGE, GREEN, RED, PURPLE, GRAY = (PALETTE[i] for i in (0, 1, 2, 3, 4, 7))
# 调色板之外的几种颜色：示意照片的底色、神经元的填充色，以及画小动物用的棕色和灰色
PAPER, NEURON = "#F3EFE6", "#DCE3F0"
DOG, DOG_EAR = "#8B5A2B", "#5C3A1A"
WINDOW, ELEPHANT, ELEPHANT_DARK, ELEPHANT_EAR = "#CFE3F3", "#7F7F86", "#6A6A70", "#9A9AA2"
FIGURES: dict[str, Callable[[], plt.Figure]] = {}
# 按顺序找第一个装了的中文字体：Linux（Noto / 思源 / 文泉驿）、Windows（微软雅黑 / 黑体）、macOS（苹方 / 冬青黑体）
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans CJK JP",
             "Noto Sans CJK TC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
             "Hiragino Sans GB", "Heiti SC", "SimHei")


def use_cjk_font() -> str:
    """让 matplotlib 用一个中文字体画字，返回字体名；一个也没有时报错退出（绝不画出空白方框）。"""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            plt.rcParams["font.family"] = "sans-serif"
            plt.rcParams["font.sans-serif"] = [name]
            return name
    sys.exit("找不到中文字体，无法画示意图（图中的文字是中文）。\n"
             f"查找过这些字体：{', '.join(CJK_FONTS)}。\n"
             "请先安装其中一个，例如 Debian / Ubuntu：sudo apt install fonts-noto-cjk"
             "（Windows 和 macOS 自带微软雅黑、苹方）；\n"
             f"装好后删除 matplotlib 的字体缓存 {matplotlib.get_cachedir()}（通常是 ~/.cache/matplotlib），"
             "让它重新查找字体，再运行一次。")


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


def node(ax: Axes, x: float, y: float, r: float, text: str, color: str, facecolor: str = "white",
         fontsize: float = 14) -> None:
    """以 (x, y) 为圆心画一个神经元（圆圈），并在中间写字。"""
    ax.add_patch(Circle((x, y), r, facecolor=facecolor, edgecolor=color, linewidth=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], text: str = "",
          color: str = "black", rad: float = 0.0, fontsize: int = 10, offset: tuple[float, float] = (0, 0.15)
          ) -> None:
    """从 start 指向 end 的箭头，可在中点旁写字；rad 不为 0 时画成弧线。"""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=16, linewidth=1.6,
                                 color=color, connectionstyle=f"arc3,rad={rad}"))
    if text:
        mx, my = (start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1]
        ax.text(mx, my, text, ha="center", va="bottom", fontsize=fontsize, color=color)


def pixel_image(ax: Axes, x: float, y: float, size: float, kind: str, frame: bool = True) -> None:
    """画一个小小的示意"照片"（猫、狗或其他），只用几何形状；frame=False 时不画边框。"""
    ax.add_patch(Rectangle((x, y), size, size, facecolor=PAPER, edgecolor=GRAY if frame else "none"))
    cx, cy, r = x + size / 2, y + size * 0.45, size * 0.28
    if kind == "cat":
        ax.add_patch(Polygon([(cx - r, cy + r * 0.6), (cx - r * 0.7, cy + r * 1.5), (cx - r * 0.2, cy + r * 0.9)],
                             color=ORANGE))
        ax.add_patch(Polygon([(cx + r, cy + r * 0.6), (cx + r * 0.7, cy + r * 1.5), (cx + r * 0.2, cy + r * 0.9)],
                             color=ORANGE))
        ax.add_patch(Circle((cx, cy), r, color=ORANGE))
    elif kind == "dog":  # 垂下来的长耳朵、浅色的嘴套和黑鼻头，一看就是狗
        ax.add_patch(Circle((cx, cy), r, color=DOG))
        for side in (-1, 1):
            ax.add_patch(Ellipse((cx + side * r * 0.95, cy - r * 0.1), r * 0.5, r * 1.4, angle=side * 12,
                                 color=DOG_EAR))
        ax.add_patch(Ellipse((cx, cy - r * 0.45), r * 0.95, r * 0.65, color="#D9B38C"))
        ax.add_patch(Ellipse((cx, cy - r * 0.3), r * 0.35, r * 0.24, color="black"))
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
    ax.text(1.1, 0.45, "输入图像\n（任意大小、格式，彩色或黑白）", ha="center", va="top", fontsize=9)
    arrow(ax, (2.1, 1.6), (3.2, 1.6))
    box(ax, 3.3, 0.7, 2.4, 1.8, "神经网络\n（黑盒子）", color=GRAY, fontsize=12, alpha=0.35)
    arrow(ax, (5.8, 1.6), (6.7, 1.6))
    for i, (name, p) in enumerate([("猫 (cat)", 0.97), ("狗 (dog)", 0.01), ("其他 (other)", 0.02)]):
        y = 2.3 - i * 0.7
        box(ax, 6.8, y - 0.25, 0.9, 0.5, f"{p:.2f}", color=[ORANGE, DOG, GREEN][i], fontsize=11)
        ax.text(7.85, y, name, va="center", fontsize=11)
    ax.text(7.25, 0.3, "3 个 0 到 1 之间的数\n（每个类别一个）", ha="center", va="top", fontsize=9)
    return fig


def dog_photo(ax: Axes, x: float, y: float, w: float, h: float) -> None:
    """一张 w x h 的示意"照片"：背景填满整个长方形，狗脸在中间（按短边缩放）。"""
    ax.add_patch(Rectangle((x, y), w, h, facecolor=PAPER, edgecolor=GRAY))
    side = min(w, h)
    pixel_image(ax, x + (w - side) / 2, y + (h - side) / 2, side, "dog", frame=False)  # 只留整张照片的边框
    ax.add_patch(Rectangle((x, y), w, h, facecolor="none", edgecolor=GRAY, zorder=3))


@figure(f"{NB01}/fixed_input_shape.png")
def fixed_input_shape() -> plt.Figure:
    fig, ax = canvas(9, 3.0)
    scale = 1.8 / 1024  # 按比例画：1024 像素 = 1.8 个单位
    bottom, label_y = 1.1, 0.95  # 所有图片底边对齐，所有标签在同一条线上
    x = 0.2
    for width, height in [(1024, 768), (640, 640), (240, 320)]:
        w, h = width * scale, height * scale
        dog_photo(ax, x, bottom, w, h)
        ax.text(x + w / 2, label_y, f"{width} × {height}", ha="center", va="top", fontsize=9)
        x += w + 0.3
    side = 256 * scale
    mid = bottom + side / 2  # 箭头和网络框都对准 256 x 256 图片的中线
    arrow(ax, (x, mid), (x + 0.9, mid), "调整大小\n(resize)")
    dog_photo(ax, x + 1.05, bottom, side, side)
    ax.text(x + 1.05 + side / 2, label_y, "256 × 256 × 3", ha="center", va="top", fontsize=9,
            weight="bold")
    arrow(ax, (x + 1.2 + side, mid), (x + 1.9 + side, mid))
    box(ax, x + 2.0 + side, mid - 0.6, 1.5, 1.2, "网络只接受\n256 × 256 × 3", color=GRAY,
        fontsize=10, alpha=0.35)
    ax.text(4.5, 0.3, "图片的大小和长宽比各不相同（宽 × 高，按比例画出）；一个具体的网络只接受一种固定的输入形状，\n"
            "所以每张图片都要先预处理 (preprocess)：调整成这个形状。",
            ha="center", va="center", fontsize=9.5)
    return fig


@figure(f"{NB01}/weights_as_knobs.png")
def weights_as_knobs() -> plt.Figure:
    fig, ax = canvas(8, 3.2)
    box(ax, 1.6, 0.5, 4.8, 2.3, "", color=GRAY, alpha=0.3)
    ax.text(4.0, 2.55, "神经网络", ha="center", fontsize=11)
    angles = [30, 140, 260, 80, 200, 320, 10, 170]
    for i, a in enumerate(angles):
        import math

        cx, cy = 2.2 + (i % 4) * 1.2, 1.75 - (i // 4) * 0.8
        ax.add_patch(Circle((cx, cy), 0.27, facecolor="white", edgecolor=BLUE, linewidth=1.6))
        rad = math.radians(a)
        ax.plot([cx, cx + 0.22 * math.cos(rad)], [cy, cy + 0.22 * math.sin(rad)], color=BLUE, linewidth=2.2)
        ax.text(cx + 0.33, cy - 0.3, f"w{i + 1}", fontsize=8, color=BLUE)
    arrow(ax, (0.3, 1.6), (1.5, 1.6), "输入", offset=(0, 0.1))
    arrow(ax, (6.5, 1.6), (7.7, 1.6), "输出", offset=(0, 0.1))
    ax.text(4.0, 0.15, "权重 (weights) = 可以调节的旋钮；训练就是找到合适的旋钮位置", ha="center", fontsize=9.5)
    return fig


@figure(f"{NB01}/supervised_training.png")
def supervised_training() -> plt.Figure:
    fig, ax = canvas(9, 3.6)
    examples = [("cat", "猫"), ("dog", "狗"), ("other", "其他")]
    for i, (kind, label) in enumerate(examples):
        y = 2.6 - i * 0.8
        pixel_image(ax, 0.3, y - 0.3, 0.65, kind)
        box(ax, 1.15, y - 0.17, 0.9, 0.36, label, color=ORANGE, fontsize=9)
    ax.text(1.2, 3.35, "带标签的样本 (labelled examples)\n（图像 + 标签）", ha="center", fontsize=9.5)
    arrow(ax, (2.3, 1.75), (3.4, 1.75), "大量\n样本", offset=(0, 0.05))
    box(ax, 3.5, 0.9, 2.2, 1.7, "训练 (training)\n（多次迭代）", color=BLUE, fontsize=11)
    arrow(ax, (5.8, 1.75), (6.6, 1.75))
    box(ax, 6.7, 1.0, 2.1, 1.5, "训练好的网络\n（权重已经学好）", color=GREEN, fontsize=10.5)
    ax.text(4.6, 0.1, "监督学习 (supervised learning)：每个训练样本都附有正确答案。",
            ha="center", fontsize=9.5)
    return fig


@figure(f"{NB01}/error_feedback.png")
def error_feedback() -> plt.Figure:
    fig, ax = canvas(9, 3.6)
    pixel_image(ax, 0.2, 1.55, 0.9, "cat")
    ax.text(0.65, 1.45, "图像", ha="center", va="top", fontsize=9)
    arrow(ax, (1.2, 2.0), (2.0, 2.0))
    box(ax, 2.1, 1.4, 1.8, 1.2, "网络\n（权重）", color=GRAY, alpha=0.35)
    arrow(ax, (4.0, 2.0), (4.8, 2.0))
    box(ax, 4.9, 1.5, 1.5, 1.0, "预测\n0.30 / 0.60 / 0.10", color=BLUE, fontsize=9)
    box(ax, 4.9, 2.8, 1.5, 0.6, "标签：猫\n1 / 0 / 0", color=ORANGE, fontsize=9)
    arrow(ax, (6.5, 2.0), (7.2, 2.0))
    arrow(ax, (6.5, 3.1), (7.3, 2.4))
    box(ax, 7.3, 1.5, 1.4, 1.0, "比较得到\n误差 (error)", color=RED, fontsize=10)
    arrow(ax, (8.0, 1.4), (3.0, 1.3), "误差被送回网络，用来调整权重", color=RED, rad=-0.35,
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
    ax.text(0.7, 1.4, "输入图像", ha="center", va="top", fontsize=9)
    arrow(ax, (1.3, 2.0), (2.1, 2.0))
    box(ax, 2.2, 1.4, 1.8, 1.2, "网络", color=GRAY, alpha=0.35)
    arrow(ax, (4.1, 2.0), (4.9, 2.0))
    ax.text(5.6, 3.05, "预测 y'", ha="center", fontsize=10, color=BLUE)
    ax.text(7.2, 3.05, "标签 y：独热 (one-hot) 向量", ha="center", fontsize=10, color=ORANGE)
    for i, (name, p, t) in enumerate([("猫", 0.37, 1), ("狗", 0.50, 0), ("其他", 0.13, 0)]):
        y = 2.5 - i * 0.55
        box(ax, 5.1, y - 0.2, 1.0, 0.4, f"{p:.2f}", color=BLUE, fontsize=10)
        box(ax, 6.7, y - 0.2, 1.0, 0.4, f"{t}", color=ORANGE, fontsize=10)
        ax.text(6.4, y, name, ha="center", va="center", fontsize=9)
    arrow(ax, (7.8, 1.95), (8.4, 1.95))
    box(ax, 8.45, 1.55, 0.95, 0.8, "损失\n(loss)", color=RED, fontsize=11)
    ax.text(4.8, 0.5, "图像送进网络；标签不进入网络，只在计算损失时用到。\n"
            "这里网络错了：“狗”(0.50) 比“猫”(0.37) 大。", ha="center", fontsize=9.5)
    return fig


@figure(f"{NB02}/training_loop.png")
def training_loop() -> plt.Figure:
    fig, ax = canvas(10, 4.2)
    box(ax, 0.2, 2.4, 1.4, 1.0, "输入 x\n一批 (batch)", color=GRAY, alpha=0.3)
    arrow(ax, (1.7, 2.9), (2.5, 2.9))
    box(ax, 2.6, 2.3, 1.8, 1.2, "网络\n（权重 W）", color=GRAY, alpha=0.45)
    arrow(ax, (4.5, 2.9), (5.3, 2.9))
    box(ax, 5.4, 2.4, 1.5, 1.0, "预测 y'", color=BLUE)
    box(ax, 5.4, 3.7, 1.5, 0.45, "标签 y", color=ORANGE, fontsize=10)
    arrow(ax, (7.0, 2.9), (7.8, 2.9))
    arrow(ax, (7.0, 3.9), (7.9, 3.3))
    box(ax, 7.9, 2.4, 1.8, 1.0, "损失\nloss(y, y')", color=RED)
    arrow(ax, (8.8, 2.3), (8.8, 1.1))
    box(ax, 7.15, 0.2, 2.75, 0.9, "梯度 (gradient)\n反向传播 (backpropagation)", color=PURPLE, fontsize=10)
    arrow(ax, (7.05, 0.65), (4.8, 0.65))
    box(ax, 2.4, 0.2, 2.3, 0.9, "W = W − lr × 梯度", color=GREEN, fontsize=10)
    arrow(ax, (3.5, 1.2), (3.5, 2.2), "更新", offset=(0.45, -0.1))
    ax.text(5.0, -0.25, "y 和 y' 都是向量，每个类别一个数；lr 是学习率 (learning rate)", ha="center", fontsize=9,
            color=GRAY)
    return fig


# ---------------------------------------------------------------------------
# 03 线性回归建模
# ---------------------------------------------------------------------------
NB03 = "03_modeling_linear_regression"


@figure(f"{NB03}/one_neuron.png")
def one_neuron() -> plt.Figure:
    fig, ax = canvas(8, 3.0)
    node(ax, 1.2, 1.5, 0.45, "x", ORANGE)
    ax.text(1.2, 0.7, "输入：房间数", ha="center", fontsize=9.5)
    arrow(ax, (1.7, 1.5), (3.4, 1.5), "权重 (weight) w", color=BLUE, offset=(0, 0.12))
    node(ax, 4.0, 1.5, 0.6, "w x + b", BLUE, facecolor=NEURON, fontsize=11)
    ax.text(4.0, 0.8, "一个神经元 (neuron)\n偏置 (bias) b", ha="center", va="top", fontsize=9.5)
    arrow(ax, (4.65, 1.5), (6.3, 1.5))
    node(ax, 6.8, 1.5, 0.45, "y'", GREEN)
    ax.text(6.8, 0.7, "预测房价", ha="center", fontsize=9.5)
    ax.text(4.0, 2.65, "线性回归 (linear regression) = 只有一个神经元的神经网络",
            ha="center", fontsize=10)
    return fig


@figure(f"{NB03}/feedback_loop.png")
def feedback_loop() -> plt.Figure:
    fig, ax = canvas(9.5, 3.6)
    box(ax, 0.2, 1.9, 1.5, 0.9, "房间数 x", color=GRAY, alpha=0.3)
    arrow(ax, (1.8, 2.35), (2.6, 2.35))
    box(ax, 2.7, 1.8, 1.9, 1.1, "神经元\ny' = w x + b", color=BLUE)
    arrow(ax, (4.7, 2.35), (5.5, 2.35))
    box(ax, 5.6, 1.9, 1.4, 0.9, "预测 y'", color=BLUE, fontsize=10)
    box(ax, 5.6, 3.0, 1.4, 0.5, "真实房价 y", color=ORANGE, fontsize=10)
    arrow(ax, (7.1, 2.35), (7.8, 2.35))
    arrow(ax, (7.1, 3.25), (7.9, 2.75))
    box(ax, 7.9, 1.9, 1.4, 0.9, "损失\n(MSE)", color=RED)
    arrow(ax, (8.6, 1.8), (3.65, 1.7), "梯度下降 + 反向传播：更新 w 和 b", color=GREEN,
          rad=-0.45, offset=(0, -1.45))
    return fig


@figure(f"{NB03}/regression_vs_classification.png")
def regression_vs_classification() -> plt.Figure:
    """回归预测一个连续的数，分类预测一个类别（示意数据，固定种子）。"""
    rng = np.random.default_rng(3)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    x = rng.uniform(1, 9, 40)
    y = 2.0 * x + 3 + rng.normal(0, 1.6, x.size)
    left.scatter(x, y, s=18, color=BLUE, alpha=0.8, label="训练样本")
    xs = np.array([0.5, 9.5])
    left.plot(xs, 2.0 * xs + 3, color=RED, linewidth=2, label="学到的直线")
    x_new = 6.5
    left.plot([x_new, x_new], [0, 2.0 * x_new + 3], "--", color=GREEN)
    left.plot([0, x_new], [2.0 * x_new + 3] * 2, "--", color=GREEN)
    left.scatter([x_new], [2.0 * x_new + 3], s=60, color=GREEN, zorder=3, label="预测：一个数")
    left.set(xlim=(0, 10), ylim=(0, 24), xlabel="输入特征 x", ylabel="连续的目标值 y",
             title="回归 (regression)：预测一个数")
    left.legend(loc="upper left", fontsize=8.5)
    for label, color, center in [("A 类", BLUE, (3, 7)), ("B 类", ORANGE, (7, 3))]:
        pts = rng.normal(center, 1.0, size=(20, 2))
        right.scatter(pts[:, 0], pts[:, 1], s=18, color=color, alpha=0.85, label=label)
    right.plot([1, 9], [1, 9], color=RED, linewidth=2, label="类别边界")
    right.set(xlim=(0, 10), ylim=(0, 10), xlabel="输入特征 x1", ylabel="输入特征 x2",
              title="分类 (classification)：预测一个类别")
    right.legend(loc="upper left", fontsize=8.5)
    for ax in (left, right):
        ax.grid(True, alpha=0.4)
    fig.tight_layout()
    return fig


@figure(f"{NB03}/neuron_several_inputs.png")
def neuron_several_inputs() -> plt.Figure:
    fig, ax = canvas(8, 3.6)
    inputs = [(3.0, "x1", "w1"), (2.1, "x2", "w2"), (0.6, "x13", "w13")]
    for y, name, weight in inputs:
        node(ax, 1.0, y, 0.35, name, ORANGE, fontsize=11)
        end_y = 1.9 + (y - 1.9) * 0.25
        arrow(ax, (1.4, y), (3.45, end_y), color=BLUE)
        # 权重写在箭头前三分之一处的上方；斜的箭头要多留一点，字才不压在线上
        slope = (end_y - y) / (3.45 - 1.4)
        ax.text(2.1, y + slope * 0.7 + 0.06 + abs(slope) * 0.25, weight, ha="center", va="bottom", fontsize=10,
                color=BLUE)
    ax.text(1.0, 1.35, "...", ha="center", va="center", fontsize=16)
    ax.text(1.0, 0.0, "13 个输入特征", ha="center", fontsize=9.5)
    node(ax, 4.3, 1.9, 0.85, "w1 x1 + w2 x2\n+ ... + w13 x13\n+ b", BLUE, facecolor=NEURON, fontsize=9.5)
    ax.text(4.3, 0.75, "一个神经元（偏置 b）", ha="center", fontsize=9.5)
    arrow(ax, (5.2, 1.9), (6.5, 1.9))
    node(ax, 7.0, 1.9, 0.42, "y'", GREEN)
    ax.text(7.0, 1.1, "预测房价", ha="center", fontsize=9.5)
    return fig


# ---------------------------------------------------------------------------
# 04 使用 MLP 进行 MNIST 数字分类
# ---------------------------------------------------------------------------
NB04 = "04_mnist_digit_classification_using_mlp"


def dense_layers(ax: Axes, xs: list[float], slots: list[int], elided: list[bool], names: list[str],
                 colors: list[str], top: float, bottom: float) -> None:
    """画一列列的神经元（圆圈），相邻两列全部相连；elided 的列在中间一格画省略号，表示还有更多神经元。"""
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
    fig, ax = canvas(13.2, 5.2)
    xs = [2.9, 5.1, 7.3, 9.3]
    top, bottom = 4.3, 1.2
    dense_layers(ax, xs, [11, 9, 9, 10], [True, True, True, False],
                 ["输入层\n784 个像素\n（没有参数）", "隐藏层\nDense 128, ReLU", "隐藏层\nDense 128, ReLU",
                  "输出层\nDense 10, softmax"],
                 [ORANGE, BLUE, BLUE, GREEN], top=top, bottom=bottom)
    seven = ["........", ".######.", ".....##.", "....##..", "...##...", "...##...",
             "..##....", "........"]
    cell, x0, y0 = 0.16, 0.2, 3.5  # an 8 x 8 sketch of a 28 x 28 digit
    ax.add_patch(Rectangle((x0, y0 - 7 * cell), 8 * cell, 8 * cell, facecolor="black", edgecolor=GRAY))
    for i, row in enumerate(seven):
        for j, pixel in enumerate(row):
            if pixel == "#":
                ax.add_patch(Rectangle((x0 + j * cell, y0 - i * cell), cell, cell, facecolor="white"))
    ax.text(x0 + 4 * cell, y0 - 7 * cell - 0.12, "28 × 28 图像", ha="center", va="top", fontsize=9)
    arrow(ax, (x0 + 8 * cell + 0.08, y0 - 3 * cell), (xs[0] - 0.22, y0 - 3 * cell), "压平 (flatten)",
          color=ORANGE, fontsize=9)
    for digit in range(10):
        ax.text(xs[3] + 0.2, top - digit * (top - bottom) / 9, f"P({digit})", va="center", fontsize=8)
    ax.text(xs[3], top + 0.3, "y'（10 个概率）", ha="center", fontsize=9.5, color=GREEN)
    # 方括号把整列 y' 括起来：argmax 和损失用的都是全部 10 个概率
    ax.plot([9.95, 10.12, 10.12, 9.95], [top + 0.18, top + 0.18, bottom - 0.18, bottom - 0.18],
            color=GREEN, linewidth=1.8)
    middle = (top + bottom) / 2
    box(ax, 10.75, 3.25, 1.75, 0.8, "argmax\n→ 预测的数字", color=GREEN, fontsize=9)
    box(ax, 10.75, 1.25, 1.75, 0.8, "损失 loss(y, y')\n交叉熵 (cross-entropy)", color=RED, fontsize=9)
    arrow(ax, (10.15, middle + 0.1), (10.7, 3.6), color=GREEN)
    arrow(ax, (10.15, middle - 0.1), (10.7, 1.75), color=RED)
    ax.text(11.62, 0.35, "y：独热标签 (one-hot)", ha="center", fontsize=9, color=RED)
    arrow(ax, (11.62, 0.62), (11.62, 1.2), color=RED)
    ax.text(6.1, -0.1, "每个神经元都和下一层的每个神经元相连：全连接层 (dense / fully connected layer)",
            ha="center", fontsize=9.5)
    return fig


def small_network(ax: Axes, x0: float, off: list[set[int]], title: str) -> None:
    """一个 4-5-5-3 的小网络；off[k] 是第 k 个隐藏层中被关掉的神经元（画成灰色并打叉，连线去掉）。"""
    sizes, gap = [4, 5, 5, 3], 0.85
    columns = []
    for k, n in enumerate(sizes):
        ys = [2.0 + (i - (n - 1) / 2) * 0.55 for i in range(n)]
        dropped = off[k - 1] if 1 <= k <= 2 else set()
        columns.append([(x0 + k * gap, y, i in dropped) for i, y in enumerate(ys)])
    for left, right in zip(columns, columns[1:]):
        for xa, ya, off_a in left:
            for xb, yb, off_b in right:
                if not (off_a or off_b):
                    ax.plot([xa, xb], [ya, yb], color=GRAY, linewidth=0.6, alpha=0.6, zorder=1)
    colors = [ORANGE, BLUE, BLUE, GREEN]
    for column, color in zip(columns, colors):
        for x, y, dropped in column:
            face, edge = ("#E6E6E6", GRAY) if dropped else ("white", color)
            ax.add_patch(Circle((x, y), 0.14, facecolor=face, edgecolor=edge, linewidth=1.6, zorder=2))
            if dropped:
                d = 0.1
                ax.plot([x - d, x + d], [y - d, y + d], color=RED, linewidth=2, zorder=3)
                ax.plot([x - d, x + d], [y + d, y - d], color=RED, linewidth=2, zorder=3)
    ax.text(x0 + 1.5 * gap, 3.55, title, ha="center", va="center", fontsize=10.5)


@figure(f"{NB04}/dropout.png")
def dropout() -> plt.Figure:
    fig, ax = canvas(12, 4.4)
    small_network(ax, 0.5, [{1, 3}, {0, 4}], "训练的第 1 步")
    small_network(ax, 4.5, [{2, 4}, {1}], "训练的第 2 步")
    small_network(ax, 8.5, [set(), set()], "验证和预测时")
    ax.text(2.2, 0.45, "随机关掉一部分隐藏神经元（打叉的）：\n它们这一步输出 0，留下的输出乘以 1/(1 − rate)",
            ha="center", va="center", fontsize=9)
    ax.text(6.2, 0.45, "下一步重新随机选一些：\n关掉的神经元不同", ha="center", va="center", fontsize=9)
    ax.text(10.2, 0.45, "全部神经元都工作，\n输出不再放大", ha="center", va="center", fontsize=9)
    for x in (4.0, 8.0):
        ax.plot([x, x], [0.2, 3.8], color=GRAY, linewidth=0.8, linestyle=":")
    return fig


@figure(f"{NB04}/early_stopping.png")
def early_stopping() -> plt.Figure:
    # 示意的曲线（不是训练出来的数）：训练损失一路下降，验证损失先降后升
    epochs = np.arange(1, 21)
    train = 0.3 * np.exp(-0.25 * (epochs - 1)) + 0.005
    valid = 0.1 + 0.09 * np.exp(-0.6 * (epochs - 1)) + 0.005 * np.maximum(epochs - 5, 0)
    valid = valid + 0.003 * np.sin(2.3 * epochs)
    best, patience = int(np.argmin(valid)) + 1, 5
    stop = best + patience
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.plot(epochs[:stop], train[:stop], color=BLUE, marker="o", markersize=3, label="训练损失")
    ax.plot(epochs[:stop], valid[:stop], color=ORANGE, marker="o", markersize=3, label="验证损失")
    for curve, color in ((train, BLUE), (valid, ORANGE)):
        ax.plot(epochs[stop - 1:], curve[stop - 1:], color=color, linestyle=":", alpha=0.6)
    ax.plot([], [], color=GRAY, linestyle=":", label="停下以后不再训练；虚线是继续训练会看到的样子")
    ax.axvspan(best, stop, color=GRAY, alpha=0.15)
    ax.text((best + stop) / 2, 0.27, f"连续 patience = {patience} 个 epoch\n没有比最低点更低",
            ha="center", va="center", fontsize=9)
    ax.plot(best, valid[best - 1], marker="*", markersize=16, color=RED, zorder=3)
    ax.annotate("验证损失最低的 epoch：\n训练结束时取回这时的权重\n(restore_best_weights=True)",
                (best, valid[best - 1]), xytext=(5.6, 0.165), fontsize=9, color=RED,
                arrowprops={"arrowstyle": "->", "color": RED})
    ax.axvline(stop, color=RED, linestyle="--", linewidth=1.2)
    ax.text(stop + 0.2, 0.085, "在这里停止训练", color=RED, fontsize=9, va="center")
    ax.set_xlabel("epoch")
    ax.set_ylabel("损失")
    ax.set_xticks(epochs)
    ax.set_ylim(0, 0.32)
    ax.grid(True, alpha=0.4)
    ax.legend(loc="upper right", fontsize=9)
    return fig


# ---------------------------------------------------------------------------
# 05 CNN 基础知识
# ---------------------------------------------------------------------------
NB05 = "05_cnn_fundamentals"


def grid(ax: Axes, x: float, y: float, rows: int, cols: int, cell: float, color: str = GRAY,
         fill: str = "white", highlight: tuple[int, int, int, int] | None = None, hcolor: str = RED) -> None:
    """以 (x, y) 为左上角画 rows x cols 的方格；highlight=(r, c, h, w) 把其中一块涂色。"""
    for r in range(rows):
        for c in range(cols):
            inside = highlight and highlight[0] <= r < highlight[0] + highlight[2] and \
                highlight[1] <= c < highlight[1] + highlight[3]
            ax.add_patch(Rectangle((x + c * cell, y - (r + 1) * cell), cell, cell,
                                   facecolor=hcolor if inside else fill, alpha=0.5 if inside else 1.0,
                                   edgecolor=color, linewidth=0.8))


def slab(ax: Axes, x: float, y: float, w: float, h: float, depth: float, color: str, label: str = "",
         fontsize: int = 9) -> None:
    """画一个有厚度的长方体（表示 高 x 宽 x 通道 的特征图），(x, y) 是正面的左下角。"""
    d = depth
    ax.add_patch(Polygon([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], facecolor=color, alpha=0.55,
                         edgecolor="black", linewidth=0.8))
    ax.add_patch(Polygon([(x, y + h), (x + d, y + h + d * 0.6), (x + w + d, y + h + d * 0.6), (x + w, y + h)],
                         facecolor=color, alpha=0.3, edgecolor="black", linewidth=0.8))
    ax.add_patch(Polygon([(x + w, y), (x + w + d, y + d * 0.6), (x + w + d, y + h + d * 0.6), (x + w, y + h)],
                         facecolor=color, alpha=0.8, edgecolor="black", linewidth=0.8))
    if label:
        ax.text(x + (w + d) / 2, y - 0.12, label, ha="center", va="top", fontsize=fontsize)


def dog_face(ax: Axes, x: float, y: float, size: float) -> None:
    """一张示意"照片"：一只狗的脸（垂下来的长耳朵、浅色的口鼻、黑鼻头、舌头），(x, y) 是左下角。"""
    ax.add_patch(Rectangle((x, y), size, size, facecolor=PAPER, edgecolor=GRAY))
    u = size / 10
    cx = x + 5 * u
    for side in (-1, 1):  # 两只长耳朵从头顶两侧垂到脸颊下面
        ax.add_patch(Ellipse((cx + side * 3.1 * u, y + 4.6 * u), 2.0 * u, 4.6 * u, angle=side * 12,
                             color=DOG_EAR, zorder=2))
    ax.add_patch(Ellipse((cx, y + 5.4 * u), 5.0 * u, 5.6 * u, color=DOG, zorder=1))
    ax.add_patch(Ellipse((cx, y + 3.4 * u), 3.2 * u, 2.4 * u, color="#E8D3B0", zorder=3))  # 口鼻
    ax.add_patch(Ellipse((cx, y + 3.4 * u), 0.9 * u, 2.2 * u, color="#E07A7A", zorder=3))  # 舌头
    ax.add_patch(Ellipse((cx, y + 4.2 * u), 1.4 * u, 0.9 * u, color="black", zorder=4))  # 鼻头
    for side in (-1, 1):
        ax.add_patch(Circle((cx + side * 1.1 * u, y + 6.1 * u), 0.35 * u, color="black", zorder=4))


@figure(f"{NB05}/cnn_overview.png")
def cnn_overview() -> plt.Figure:
    fig, ax = canvas(10, 3.9)
    dog_face(ax, 0.1, 1.0, 1.3)
    ax.text(0.75, 0.85, "输入图像", ha="center", va="top", fontsize=9)
    box(ax, 1.8, 0.5, 4.8, 2.9, "", color=BLUE, alpha=0.08)
    ax.text(4.2, 3.3, "特征提取器 (feature extractor)\n也叫主干 (backbone) 或主体 (body)", ha="center", va="top",
            fontsize=10.5, color=BLUE)
    for i, (h, d) in enumerate([(1.6, 0.15), (1.2, 0.3), (0.85, 0.45), (0.55, 0.6)]):
        slab(ax, 2.0 + i * 1.15, 1.65 - h / 2, 0.25, h, d, BLUE)
    ax.text(4.2, 0.62, "卷积块：卷积层 + 池化 (pooling)", ha="center", fontsize=9)
    arrow(ax, (1.5, 1.65), (1.95, 1.65))
    arrow(ax, (6.65, 1.65), (7.05, 1.65))
    box(ax, 7.1, 0.5, 2.7, 2.9, "", color=GREEN, alpha=0.08)
    ax.text(8.45, 3.3, "分类器 (classifier)\n也叫头部 (head)", ha="center", va="top", fontsize=10.5, color=GREEN)
    box(ax, 7.3, 1.35, 1.1, 0.6, "全连接层", color=GREEN, fontsize=9)
    arrow(ax, (8.45, 1.65), (8.75, 1.65))
    box(ax, 8.8, 1.2, 0.85, 0.9, "猫 0.02\n狗 0.95\n其他 0.03", color=ORANGE, fontsize=7.5)
    return fig


@figure(f"{NB05}/vgg16_blocks.png")
def vgg16_blocks() -> plt.Figure:
    fig, ax = canvas(12, 4.4)
    # 每个块标的是它池化之后的输出，与 notebook 中打印的 block*_pool 形状一致
    blocks = [("输入\n224×224×3", 2.6, 0.05, GRAY), ("112×112×64", 2.1, 0.25, BLUE), ("56×56×128", 1.6, 0.4, BLUE),
              ("28×28×256", 1.2, 0.55, BLUE), ("14×14×512", 0.85, 0.7, BLUE), ("7×7×512", 0.55, 0.7, PURPLE)]
    x = 0.4
    for i, (label, h, d, color) in enumerate(blocks):
        slab(ax, x, 2.0 - h / 2, 0.2, h, d, color, label, fontsize=8)
        if i >= 1:
            ax.text(x + 0.35, 2.0 + h / 2 + d * 0.6 + 0.1, f"block{i}_pool", ha="center", fontsize=8.5, color=BLUE)
        x += 0.2 + d + 0.85
    for j, (label, h) in enumerate([("FC-6\n4096", 2.2), ("FC-7\n4096", 2.2), ("FC-8\n1000\nsoftmax", 1.2)]):
        box(ax, x + j * 0.95, 2.0 - h / 2, 0.5, h, "", color=GREEN)
        ax.text(x + j * 0.95 + 0.25, 2.0 - h / 2 - 0.12, label, ha="center", va="top", fontsize=8)
    ax.text(3.6, 4.15, "特征提取器：5 个卷积块共 13 个卷积层（标的是每块 2×2 最大池化之后的形状）",
            ha="center", fontsize=9.5, color=BLUE)
    ax.text(x + 1.2, 3.6, "分类器", ha="center", fontsize=9.5, color=GREEN)
    ax.text(6.0, -0.05, "高和宽逐块缩小 (224 → 7)，深度逐块增加 (3 → 512)", ha="center", fontsize=9.5)
    return fig


@figure(f"{NB05}/filter_sliding.png")
def filter_sliding() -> plt.Figure:
    # 与 notebook 05-03-02 的例子同样大小：6x6 输入、3x3 滤波器、4x4 输出
    fig, ax = canvas(10, 3.6)
    for k, (r, c) in enumerate([(0, 0), (0, 1)]):
        x0 = 0.2 + k * 3.2
        grid(ax, x0, 3.3, 6, 6, 0.45, highlight=(r, c, 3, 3), hcolor=[RED, ORANGE][k])
        ax.text(x0 + 1.35, 0.4, f"输入 6×6，3×3 滤波器位于 ({r}, {c})", ha="center", va="top", fontsize=9)
    arrow(ax, (2.95, 1.95), (3.35, 1.95))
    arrow(ax, (6.15, 1.95), (7.15, 1.95), "点积\n+ 激活函数", offset=(0, 0.1))
    grid(ax, 7.4, 2.85, 4, 4, 0.45, color=BLUE)
    for c, color in enumerate([RED, ORANGE]):  # 输出中的这两格，与输入中同色的窗口一一对应
        ax.add_patch(Rectangle((7.4 + c * 0.45, 2.4), 0.45, 0.45, facecolor=color, alpha=0.5,
                               edgecolor=BLUE, linewidth=0.8))
    ax.text(8.3, 0.9, "激活图 (activation map) 4×4\n（每个位置一个数，\n同色的格子由同色的窗口算出）",
            ha="center", va="top", fontsize=9)
    return fig


def cells(ax: Axes, x: float, y: float, n: int, cell: float, color: str, alpha: float = 0.25,
          edge: str = GRAY) -> None:
    """以 (x, y) 为左上角画 n x n 个同色的格子。"""
    for r in range(n):
        for c in range(n):
            ax.add_patch(Rectangle((x + c * cell, y - (r + 1) * cell), cell, cell, facecolor=color,
                                   alpha=alpha, edgecolor=edge, linewidth=0.8))


@figure(f"{NB05}/conv_filters.png")
def conv_filters() -> plt.Figure:
    # 与 notebook 05-03-05 的例子同样大小：5x5x3 的输入、一个 3x3x3 的滤波器、3x3 的激活图
    fig, ax = canvas(12.4, 5.5)
    ax.set_ylim(-0.2, 5.5)
    channels = [(RED, "通道 0"), (GREEN, "通道 1"), (BLUE, "通道 2")]
    cell, sigma, radius = 0.24, (6.45, 2.85), 0.34
    for k, (color, name) in enumerate(channels):
        top = 4.3 - k * 1.45  # 这个通道那一行的上边
        mid = top - 2.5 * cell
        cells(ax, 0.55, top, 5, cell, color, alpha=0.15)
        ax.add_patch(Rectangle((0.55, top - 3 * cell), 3 * cell, 3 * cell, facecolor="none",
                               edgecolor=color, linewidth=2))  # 滤波器此刻覆盖的 3x3 窗口
        ax.text(0.45, mid, name, ha="right", va="center", fontsize=9, color=color)
        ax.text(2.1, mid, "×", ha="center", va="center", fontsize=14)
        cells(ax, 2.45, mid + 1.5 * cell, 3, cell, color, alpha=0.55)
        arrow(ax, (3.35, mid), (3.95, mid))
        cells(ax, 4.1, mid + 1.5 * cell, 3, cell, color, alpha=0.3)
        dx, dy = sigma[0] - 5.0, sigma[1] - mid
        length = np.hypot(dx, dy)
        arrow(ax, (5.0, mid), (sigma[0] - radius * dx / length, sigma[1] - radius * dy / length), color=color)
    box(ax, 2.3, 0.3, 1.0, 4.2, "", color=GRAY, alpha=0.06)
    ax.text(1.15, 4.75, "输入 5×5×3", ha="center", va="bottom", fontsize=9.5)
    ax.text(2.8, 4.75, "一个滤波器 (filter)\n3×3×3：3 个核 (kernel)", ha="center", va="bottom", fontsize=9.5)
    ax.text(2.8, 0.2, "27 个权重", ha="center", va="top", fontsize=9.5)
    ax.text(4.46, 4.75, "每个核只作用于\n自己的通道", ha="center", va="bottom", fontsize=9.5)
    ax.add_patch(Circle(sigma, radius, facecolor="white", edgecolor="black", linewidth=1.8))
    ax.text(*sigma, "Σ", ha="center", va="center", fontsize=17)
    ax.text(sigma[0], 4.75, "对应位置\n相加", ha="center", va="bottom", fontsize=9.5)
    ax.text(sigma[0], 1.45, "+ 1 个偏置 b", ha="center", va="center", fontsize=9.5)
    arrow(ax, (sigma[0], 1.65), (sigma[0], sigma[1] - radius - 0.04))
    arrow(ax, (sigma[0] + radius + 0.04, sigma[1]), (7.4, sigma[1]))
    cells(ax, 7.5, sigma[1] + 0.45, 3, 0.3, PURPLE, alpha=0.45)
    ax.text(7.95, sigma[1] - 0.65, "1 张激活图\n3×3", ha="center", va="top", fontsize=9.5)
    # 右边：两个滤波器 -> 两张激活图
    ax.plot([8.9, 8.9], [0.3, 5.2], color=GRAY, linewidth=0.8, linestyle="--")
    ax.text(10.65, 4.75, "两个滤波器", ha="center", va="bottom", fontsize=10.5)
    for f, color in enumerate([PURPLE, ORANGE]):
        y = 4.05 - f * 1.35
        slab(ax, 9.2, y - 0.3, 0.1, 0.6, 0.35, color, f"滤波器 {f + 1}：3×3×3", fontsize=8.5)
        arrow(ax, (9.8, y), (10.95, 3.35 - f * 0.1), color=color)
    cells(ax, 11.3, 3.85, 3, 0.22, ORANGE, alpha=0.6)  # 后面一张（滤波器 2）
    cells(ax, 11.12, 3.67, 3, 0.22, "white", alpha=1.0)  # 前面一张（滤波器 1）挡住后面那张
    cells(ax, 11.12, 3.67, 3, 0.22, PURPLE, alpha=0.6)
    ax.text(11.55, 2.85, "2 张激活图\n3×3×2", ha="center", va="top", fontsize=9.5)
    ax.text(10.65, 1.55, "输出的深度 = 滤波器的个数\n参数：1 个滤波器 27 + 1 = 28 个，\n"
            "2 个滤波器 2 × 28 = 56 个", ha="center", va="top", fontsize=9.5, color=BLUE)
    return fig


@figure(f"{NB05}/receptive_field.png")
def receptive_field() -> plt.Figure:
    fig, ax = canvas(8, 3.6)
    grid(ax, 0.3, 3.2, 6, 6, 0.45, highlight=(1, 2, 3, 3))
    ax.text(1.65, 0.3, "输入", ha="center", fontsize=9.5)
    grid(ax, 4.6, 2.75, 4, 4, 0.45, color=BLUE, highlight=(1, 2, 1, 1), hcolor=BLUE)
    ax.text(5.5, 0.75, "激活图", ha="center", fontsize=9.5)
    for cx, cy in [(1.2, 2.75), (2.55, 2.75), (1.2, 1.4), (2.55, 1.4)]:
        ax.plot([cx, 5.725], [cy, 2.075], color=RED, linewidth=0.8, alpha=0.7)
    ax.text(1.9, 3.35, "3×3 感受野 (receptive field)", ha="center", fontsize=9.5, color=RED)
    ax.text(6.6, 2.6, "一个神经元只看\n9 个输入值；\n每个位置都用\n同样的 9 个权重\n（权重共享）",
            fontsize=8.5, va="top")
    return fig


@figure(f"{NB05}/conv_block_pooling.png")
def conv_block_pooling() -> plt.Figure:
    fig, ax = canvas(11, 3.4)
    slab(ax, 0.3, 0.8, 0.2, 1.8, 0.2, GRAY, "输入\n224×224×3", fontsize=8)
    arrow(ax, (0.9, 1.7), (2.0, 1.7), "3×3 卷积", offset=(-0.05, 0.15))
    slab(ax, 2.2, 0.8, 0.2, 1.8, 0.6, BLUE, "224×224×64", fontsize=8)
    arrow(ax, (3.2, 1.7), (4.3, 1.7), "3×3 卷积", offset=(0, 0.15))
    slab(ax, 4.5, 0.8, 0.2, 1.8, 0.6, BLUE, "224×224×64", fontsize=8)
    arrow(ax, (5.5, 1.7), (6.8, 1.7), "2×2 最大池化", offset=(0, 0.15))
    slab(ax, 7.0, 1.25, 0.2, 0.9, 0.6, PURPLE, "112×112×64", fontsize=8)
    box(ax, 1.9, 0.25, 6.1, 2.9, "", color=BLUE, alpha=0.05)
    ax.text(4.95, 3.25, "一个卷积块 (conv block) = 一个或几个卷积层 + 池化层", ha="center", fontsize=10, color=BLUE)
    ax.text(9.6, 1.7, "池化把高和宽减半，\n深度不变，\n没有可训练的参数",
            ha="center", va="center", fontsize=9)
    return fig


@figure(f"{NB05}/flatten_dense.png")
def flatten_dense() -> plt.Figure:
    fig, ax = canvas(10, 3.8)
    slab(ax, 0.3, 1.2, 0.5, 0.5, 1.2, PURPLE, "7×7×512", fontsize=9)
    arrow(ax, (2.2, 1.7), (3.0, 1.7), "压平\n(flatten)", offset=(0, 0.12))
    box(ax, 3.2, 0.3, 0.35, 3.0, "", color=PURPLE)
    ax.text(3.375, 0.15, "25,088", ha="center", va="top", fontsize=9)
    box(ax, 6.2, 0.6, 0.35, 2.4, "", color=GREEN)
    ax.text(6.375, 0.45, "FC-6：4096", ha="center", va="top", fontsize=9)
    for ya in np.linspace(0.45, 3.15, 9):
        for yb in np.linspace(0.75, 2.85, 7):
            ax.plot([3.6, 6.15], [ya, yb], color=GRAY, linewidth=0.4, alpha=0.6)
    ax.text(8.2, 1.8, "25,088 个数中的每一个\n都与 4096 个神经元\n中的每一个相连：\n"
            "25,088 × 4096 个权重\n（超过 1 亿）", ha="center", va="center", fontsize=9)
    return fig


def car_or_elephant(ax: Axes, x: float, y: float, size: float, kind: str) -> None:
    """一张示意"照片"：汽车或大象，只用几何形状，(x, y) 是左下角。"""
    ax.add_patch(Rectangle((x, y), size, size, facecolor=PAPER, edgecolor=GRAY))
    u = size / 10
    if kind == "car":
        ax.add_patch(Rectangle((x + 1 * u, y + 3 * u), 8 * u, 2.2 * u, color=RED))
        ax.add_patch(Rectangle((x + 3 * u, y + 5.2 * u), 4 * u, 1.8 * u, color=RED))
        ax.add_patch(Rectangle((x + 3.6 * u, y + 5.6 * u), 2.8 * u, 1.1 * u, color=WINDOW))
        for cx in (x + 3 * u, x + 7 * u):
            ax.add_patch(Circle((cx, y + 3 * u), 1.1 * u, color="black"))
    else:
        ax.add_patch(Ellipse((x + 4.5 * u, y + 5 * u), 6 * u, 3.6 * u, color=ELEPHANT))
        for lx in (x + 2.4 * u, x + 3.6 * u, x + 5.2 * u, x + 6.2 * u):
            ax.add_patch(Rectangle((lx, y + 1.5 * u), 0.9 * u, 2.5 * u, color=ELEPHANT_DARK))
        ax.add_patch(Circle((x + 7.6 * u, y + 6 * u), 1.5 * u, color=ELEPHANT))
        ax.add_patch(Ellipse((x + 7.1 * u, y + 6.2 * u), 1.4 * u, 2.2 * u, color=ELEPHANT_EAR))
        ax.plot([x + 8.8 * u, x + 9.1 * u, x + 8.9 * u], [y + 5.6 * u, y + 3.6 * u, y + 2.4 * u],
                color=ELEPHANT_DARK, linewidth=4, solid_capstyle="round")


@figure(f"{NB05}/classifier_intuition.png")
def classifier_intuition() -> plt.Figure:
    """同一组权重，不同的输入：激活的神经元不同，输出的类别也不同。"""
    fig, ax = canvas(11, 4.4)
    car_or_elephant(ax, 0.2, 2.45, 1.5, "car")
    car_or_elephant(ax, 0.2, 0.35, 1.5, "elephant")
    columns = [(3.0, np.linspace(0.6, 3.6, 6)), (5.0, np.linspace(0.6, 3.6, 6)), (7.2, np.array([3.1, 2.1, 1.1]))]
    for (xa, ya), (xb, yb) in zip(columns, columns[1:]):
        for y1 in ya:
            for y2 in yb:
                ax.plot([xa, xb], [y1, y2], color=GRAY, linewidth=0.5, alpha=0.5)
    paths = {"car": ([5, 3], 0, ORANGE), "elephant": ([0, 2], 1, BLUE)}  # 每条路径经过的神经元
    for (hidden, out, color) in paths.values():
        (x1, y1), (x2, y2), (x3, y3) = columns
        points = [(x1, y1[hidden[0]]), (x2, y2[hidden[1]]), (x3, y3[out])]
        for a, b in zip(points, points[1:]):
            ax.plot([a[0], b[0]], [a[1], b[1]], color=color, linewidth=2.6)
        for px, py in points:
            ax.add_patch(Circle((px, py), 0.14, color=color, zorder=3))
    for xc, ys in columns:
        for yc in ys:
            ax.add_patch(Circle((xc, yc), 0.12, facecolor="white", edgecolor="black", zorder=2))
    arrow(ax, (1.8, 3.2), (2.75, 3.2), color=ORANGE)
    arrow(ax, (1.8, 1.1), (2.75, 1.1), color=BLUE)
    names = ["汽车 (car) 0.93", "大象 (elephant) 0.91", "其他 (other)"]
    for label, color, yc in zip(names, [ORANGE, BLUE, "black"], columns[2][1]):
        ax.text(7.45, yc, label, va="center", fontsize=10, color=color)
    ax.text(5.0, 4.1, "每张图像用的都是同一组权重", ha="center", fontsize=10)
    ax.text(9.55, 2.1, "不同的输入激活\n不同的神经元，\n最后在不同的\n输出上得分最高",
            va="center", fontsize=9)
    return fig


def roomy_lines(fig: plt.Figure, spacing: float = 1.35) -> None:
    """中文字体的行高只有 1 个字号，多行文字上下两行的汉字会挨在一起：把行距放宽到字号的 spacing 倍。"""
    for text in fig.findobj(Text):
        if "\n" in text.get_text() and text.get_linespacing() == "normal":
            text.set_linespacing(spacing)


def main(prefixes: list[str]) -> None:
    print("字体：", use_cjk_font())
    with warnings.catch_warnings():
        # 字体里缺某个字时 matplotlib 只发警告、画一个空白方框：这里把它变成错误，让脚本失败
        warnings.filterwarnings("error", message="Glyph .* missing")
        for rel_path, draw in FIGURES.items():
            if prefixes and not rel_path.startswith(tuple(prefixes)):
                continue
            out = HERE / rel_path
            out.parent.mkdir(parents=True, exist_ok=True)
            fig = draw()
            roomy_lines(fig)
            fig.savefig(out, dpi=110, bbox_inches="tight", facecolor="white")
            plt.close(fig)
            print(out.relative_to(HERE.parent))


if __name__ == "__main__":
    main(sys.argv[1:])
