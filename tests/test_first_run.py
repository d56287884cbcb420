"""新手的头十分钟：用错了 Python、选错了内核——每种情况都得到一条能照着做的中文说明。

（数据文件坏了时的说明在 test_course_data.py 中检查。）
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import course_data
import course_kernel
import pytest
from course_notebooks import ROOT
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="没有 make（例如 Windows）")

# 学习者的 Python 不合适时，make 的说明里必须有的几条路
PYTHON_HINTS = (
    "python.org",
    "py -3.12",
    "brew install python@3.12",
    "apt install python3.12 python3.12-venv",
    "uv python install 3.12",
    "make lab PYTHON=python3.12",
)


# ---------- 1. make 先检查 Python 的版本 ----------

def _fake_python(folder: Path, version: str) -> Path:
    """一个假的解释器：不管参数是什么，都像 Python 一样回答自己的版本号。"""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / f"python{version}"
    script.write_text(f"#!/bin/sh\necho {version}\n")
    script.chmod(0o755)
    return script


def _make(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run([MAKE, "--no-print-directory", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@needs_make
@pytest.mark.parametrize("version", ["3.9", "3.14"])
def test_make_refuses_unsupported_python(tmp_path, version):
    fake = _fake_python(tmp_path, version)
    result = _make("check-python", f"PYTHON={fake}")
    assert result.returncode != 0
    assert f"{fake} 是 Python {version}，但课程需要 Python 3.10～3.13" in result.stderr
    for hint in PYTHON_HINTS:
        assert hint in result.stderr


@needs_make
@pytest.mark.parametrize("version", ["3.10", "3.13"])
def test_make_accepts_supported_python(tmp_path, version):
    result = _make("check-python", f"PYTHON={_fake_python(tmp_path, version)}")
    assert result.returncode == 0, result.stderr
    assert f"Python 版本检查通过：{tmp_path / ('python' + version)} 是 Python {version}" in result.stdout


@needs_make
def test_make_accepts_the_python_running_the_tests():
    result = _make("check-python", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stderr
    assert "Python 版本检查通过" in result.stdout


@needs_make
def test_make_explains_a_missing_python(tmp_path):
    result = _make("check-python", f"PYTHON={tmp_path / 'python3.12'}")
    assert result.returncode != 0
    assert "找不到可以运行的 Python" in result.stderr
    assert "make lab PYTHON=python3.12" in result.stderr


@pytest.fixture
def makefile_copy(tmp_path):
    """只含 Makefile 和 requirements.txt 的目录：在这里运行 make install 不会碰到真正的 .venv。"""
    for name in ("Makefile", "requirements.txt"):
        shutil.copy(ROOT / name, tmp_path)
    return tmp_path


@needs_make
def test_make_install_stops_before_creating_the_venv(makefile_copy):
    fake = _fake_python(makefile_copy / "fake", "3.14")
    result = _make("install", f"PYTHON={fake}", cwd=makefile_copy)
    assert result.returncode != 0
    assert "是 Python 3.14，但课程需要 Python 3.10～3.13" in result.stderr
    assert not (makefile_copy / ".venv").exists()


@needs_make
def test_make_install_rejects_a_venv_built_with_unsupported_python(makefile_copy):
    """之前（没有这道检查时）用 Python 3.14 建好的 .venv：先说清楚，而不是让 pip 报英文错误。"""
    _fake_python(makefile_copy / ".venv" / "bin", "3.14").rename(makefile_copy / ".venv" / "bin" / "python")
    result = _make("install", cwd=makefile_copy)
    assert result.returncode != 0
    assert ".venv/bin/python 是 Python 3.14" in result.stderr
    assert "make clean" in result.stderr
    assert not (makefile_copy / ".venv" / ".installed").exists()


def test_supported_versions_agree_everywhere():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^requires-python = ">=3\.10,<3\.14"$', pyproject, re.M)
    assert "3.10|3.11|3.12|3.13)" in (ROOT / "Makefile").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python 3.10～3.13" in readme
    assert "make lab PYTHON=python3.12" in readme


# ---------- 2. 选错内核：第一个单元给出一条中文说明 ----------

def _import_helpers(setup_code: str) -> subprocess.CompletedProcess:
    """在 notebooks/ 中运行 setup_code 再 import helpers，就像 notebook 的第一个单元。"""
    return subprocess.run([sys.executable, "-c", f"{setup_code}\nimport helpers"], cwd=ROOT / "notebooks",
                          capture_output=True, text=True, timeout=300)


def _assert_explains_how_to_fix(message: str) -> None:
    assert "make lab" in message
    assert "Select Kernel" in message and ".venv" in message
    assert "%pip install -r ../requirements.txt" in message


@pytest.mark.parametrize("hidden", ["tensorflow", "numpy", "seaborn"])
def test_kernel_without_course_packages(hidden):
    result = _import_helpers(f"import sys; sys.modules[{hidden!r}] = None  # 装作没有安装")
    assert result.returncode != 0
    assert f"course_kernel.CourseEnvironmentError: 这个内核不是本课程的 Python 环境：找不到 {hidden}。" in result.stderr
    assert "ModuleNotFoundError" not in result.stderr
    _assert_explains_how_to_fix(result.stderr)


def test_jupyter_shows_the_message_without_a_traceback():
    """IPython（Jupyter 的内核）只显示 _render_traceback_ 给出的中文说明，不显示回溯。"""
    pytest.importorskip("IPython")
    code = (
        "import sys\n"
        "sys.modules['tensorflow'] = None\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "InteractiveShell.instance().run_cell('import helpers')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "notebooks",
                            capture_output=True, text=True, timeout=300)
    shown = result.stdout + result.stderr
    assert shown.strip().splitlines()[0] == "这个内核不是本课程的 Python 环境：找不到 tensorflow。"
    assert "Traceback" not in shown and "File " not in shown
    _assert_explains_how_to_fix(shown)


def test_kernel_with_old_tensorflow_and_keras():
    stub = (
        "import sys, types\n"
        "for name, version in [('tensorflow', '2.15.0'), ('keras', '2.15.0')]:\n"
        "    sys.modules[name] = types.ModuleType(name)\n"
        "    sys.modules[name].__version__ = version\n"
    )
    result = _import_helpers(stub)
    assert result.returncode != 0
    assert ("这个内核里的版本太旧：找到 TensorFlow 2.15.0、Keras 2.15.0，"
            "课程需要 TensorFlow ≥ 2.21、Keras ≥ 3。") in result.stderr
    _assert_explains_how_to_fix(result.stderr)


@pytest.mark.parametrize("tf_version, keras_version, ok", [
    ("2.21.0", "3.12.0", True),
    ("2.22.0rc0", "3.15.1", True),
    ("2.20.0", "3.12.0", False),
    ("2.15.1", "3.12.0", False),
    ("2.21.0", "2.15.0", False),
])
def test_version_check(tf_version, keras_version, ok):
    if ok:
        course_kernel.check_versions(tf_version, keras_version)
    else:
        found = f"找到 TensorFlow {tf_version}、Keras {keras_version}"
        with pytest.raises(course_kernel.CourseEnvironmentError, match=found):
            course_kernel.check_versions(tf_version, keras_version)


def test_kernel_on_unsupported_python_is_told_that_pip_will_not_work(monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(sys, "version_info", (3, 14, 0, "final", 0))
        message = str(course_kernel.environment_error("问题"))
    assert "在 Python 3.14.0 上第 3 种方法行不通" in message
    assert "行不通" not in str(course_kernel.environment_error("问题"))  # 运行测试的 Python 是受支持的


def test_errors_are_still_normal_exceptions():
    err = course_kernel.CourseEnvironmentError("第一行\n第二行")
    assert isinstance(err, ImportError) and str(err) == "第一行\n第二行"
    assert err._render_traceback_() == ["第一行", "第二行"]
    assert issubclass(course_data.DataFileError, RuntimeError)
