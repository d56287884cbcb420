"""让 Jupyter 内核为课程做好准备（helpers 在导入时调用 ``start()``；学习者不需要读这个文件）。

1. 先确认内核里装着课程需要的包、版本够新；不是时给出一条中文说明，而不是一长串回溯；
2. 安静地导入 TensorFlow：丢掉它启动时由 C++ 写到 stderr 的提示，真正的错误照样显示；
3. 在 Jupyter 内核中，继续过滤 TensorFlow 运行时写出的同一类提示。

导入本模块本身什么也不做，也不导入任何第三方包（所以 course_data 可以用 ``ShortError``）。
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
import threading

REQUIRED = ("numpy", "tensorflow", "keras", "matplotlib", "seaborn")


class ShortError(Exception):
    """在 Jupyter 中只显示这段中文说明、不显示回溯的异常；在命令行里仍是普通异常。"""

    def _render_traceback_(self) -> list[str]:  # IPython 用它的返回值代替回溯
        return str(self).splitlines()


class CourseEnvironmentError(ShortError, ImportError):
    """当前内核缺少课程需要的包，或者包的版本太旧。"""


def environment_error(problem: str) -> CourseEnvironmentError:
    """把问题描述和统一的修复方法拼成一条中文说明。"""
    version = ".".join(str(n) for n in sys.version_info[:3])
    lines = [
        problem,
        f"当前内核：Python {version}（{sys.executable}）",
        "修复方法（任选其一）：",
        "  1. 在仓库根目录运行 make lab，在它打开的 JupyterLab 里运行 notebook；",
        "  2. 在 VS Code 中：点右上角的内核名（Select Kernel），选 Python Environments → .venv"
        "（还没有 .venv 就先运行 make install，或按 README“不用 make”一节创建）；",
        "  3. 把课程的依赖装进这个内核：新建一个单元运行 %pip install -r ../requirements.txt，"
        "装完后重启内核（Kernel → Restart Kernel）。",
    ]
    if not (3, 10) <= sys.version_info[:2] <= (3, 13):
        lines.append(f"     注意：TensorFlow 2.21 只支持 Python 3.10～3.13，在 Python {version} 上第 3 种方法行不通。")
    return CourseEnvironmentError("\n".join(lines))


def _is_missing(module: str) -> bool:
    """不导入就判断一个包是否装在当前内核里。"""
    if module in sys.modules:
        return sys.modules[module] is None  # None 表示已被屏蔽
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):
        return True


def check_packages_installed() -> None:
    missing = [m for m in REQUIRED if _is_missing(m)]
    if missing:
        raise environment_error(f"这个内核不是本课程的 Python 环境：找不到 {'、'.join(missing)}。")


def _major_minor(version: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def check_versions(tf_version: str, keras_version: str) -> None:
    """课程的代码需要 TensorFlow ≥ 2.21 和 Keras 3；更旧的版本在后面会出难懂的错。"""
    if _major_minor(tf_version) < (2, 21) or _major_minor(keras_version) < (3, 0):
        raise environment_error(
            f"这个内核里的版本太旧：找到 TensorFlow {tf_version}、Keras {keras_version}，"
            "课程需要 TensorFlow ≥ 2.21、Keras ≥ 3。"
        )


# TensorFlow 在 import 时由 C++ 直接向文件描述符 2（stderr）写几行提示，
# 环境变量 TF_CPP_MIN_LOG_LEVEL 管不住它们。这些行只是提示，不是错误：
TF_NOISE = re.compile(
    r"All log messages before absl::InitializeLog\(\)"
    r"|oneDNN custom operations are on"
    r"|Could not find cuda drivers"
    r"|cpu_feature_guard\.cc"
    r"|To enable the following instructions:"
    r"|rebuild TensorFlow with the appropriate compiler flags"
    r"|Unable to register cu(DNN|FFT|BLAS) factory"
    r"|computation_placer\.cc.*already registered"
    r"|TF-TRT Warning: Could not find TensorRT"
    r"|failed call to cuInit"  # 没有 GPU 的机器上，第一次查找设备时出现
    r"|NodeDef mentions attribute use_unbounded_threadpool"  # predict 时 tf.data 的版本提示
)


def import_tensorflow_quietly() -> None:
    """导入 TensorFlow 和 Keras，只丢掉上面列出的启动提示，其余 stderr 原样保留。"""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # 运行期间只显示 ERROR
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)  # 临时把 stderr 写进文件
        try:
            import keras  # noqa: F401
            import tensorflow

            tensorflow.config.list_physical_devices()  # 让查找 GPU 的提示也在这里出现
        finally:  # 导入失败时也要先恢复 stderr，再把 C++ 写下的错误显示出来
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            captured.seek(0)
            text = captured.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines() if line.strip() and not TF_NOISE.search(line)]
            if kept:  # 真正的错误或未知信息：照样显示给学习者
                print("\n".join(kept), file=sys.stderr)


_filtering = False


def filter_native_stderr_in_jupyter() -> None:
    """在 Jupyter 内核中持续过滤 TensorFlow 的 C++ 代码运行时写到 stderr 的已知提示。

    Python 自己的输出（print、警告、报错）不经过这里，照常显示；C++ 写出的其他行（真正的错误）也照常转发。
    在普通的 Python 脚本里不过滤：那里 fd 2 上的管道可能在退出时吞掉 Python 的回溯。
    """
    global _filtering
    if "ipykernel" not in sys.modules or _filtering:
        return
    _filtering = True
    read_fd, write_fd = os.pipe()
    target_fd = os.dup(2)
    os.dup2(write_fd, 2)
    os.close(write_fd)

    def forward() -> None:
        with os.fdopen(read_fd, "rb") as lines:
            for line in lines:
                if not TF_NOISE.search(line.decode("utf-8", errors="replace")):
                    os.write(target_fd, line)

    threading.Thread(target=forward, name="tf-stderr-filter", daemon=True).start()


def start() -> None:
    """检查环境，安静地导入 TensorFlow，在 Jupyter 中过滤它的日志；版本太旧时报错。"""
    check_packages_installed()
    import_tensorflow_quietly()
    filter_native_stderr_in_jupyter()
    import keras
    import tensorflow

    check_versions(tensorflow.__version__, keras.__version__)
