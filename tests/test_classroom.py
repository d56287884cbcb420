"""classroom/ 的课堂服务器：设置文件的读取与检查、hub 的配置、学员服务器的启动脚本、repo2docker 读的文件。

这些测试不需要 JupyterHub（课程的 .venv 里没有它）；真正启动 hub、K 个学员同时运行 notebook 的负载测试是
sudo make classroom-test（见 classroom/README.md）。
"""

import ast
import os
import re
import stat
import subprocess
import sys

import nbformat
import pytest
from course_notebooks import ROOT
from traitlets.config import Config

CLASSROOM = ROOT / "classroom"
sys.path.insert(0, str(CLASSROOM))

import jupyterhub_config as hubconfig  # noqa: E402
import load_test  # noqa: E402
import prepare  # noqa: E402

CLASS_PASSWORD = "blackboard8"
ADMIN_PASSWORD = "x" * 40


def write_settings(tmp_path, *lines):
    path = tmp_path / "settings.env"
    path.write_text("\n".join([f"CLASS_PASSWORD={CLASS_PASSWORD}", f"ADMIN_PASSWORD={ADMIN_PASSWORD}",
                               f"STATE_DIR={tmp_path / 'state'}", *lines]) + "\n", encoding="utf-8")
    return path


def configured(settings, systemd=False):
    c = Config()
    hubconfig.configure(c, settings, systemd=systemd)
    return c


def test_a_class_logs_in_with_names_and_the_class_password(tmp_path):
    c = configured(hubconfig.read_settings(write_settings(tmp_path)))
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.SharedPasswordAuthenticator.user_password == CLASS_PASSWORD
    assert c.SharedPasswordAuthenticator.admin_password == ADMIN_PASSWORD
    assert c.Authenticator.admin_users == {"teacher"}
    assert c.Authenticator.allow_all is True  # 没有名单
    assert "allowed_users" not in c.Authenticator


def test_a_roster_limits_who_can_log_in(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("# 一班\nZhangSan\n\nlisi   # 第二排\n2024001\n", encoding="utf-8")
    c = configured(hubconfig.read_settings(write_settings(tmp_path, f"ROSTER={roster}")))
    assert c.Authenticator.allowed_users == {"zhangsan", "lisi", "2024001"}
    assert "allow_all" not in c.Authenticator


def test_learners_get_their_own_server_with_the_course_a_memory_limit_and_idle_culling(tmp_path):
    c = configured(hubconfig.read_settings(write_settings(tmp_path, "MEM_LIMIT=2500M", "IDLE_TIMEOUT=1800")))
    prefix = hubconfig.PREFIX
    assert c.JupyterHub.spawner_class == "classroom_spawners.LocalLearnerSpawner"
    assert c.Spawner.cmd == [str(prefix / "bin/start-singleuser")]
    assert c.Spawner.mem_limit == "2500M"
    env = c.Spawner.environment
    assert env["PATH"].startswith(f"{prefix / 'user/bin'}:")
    assert env["COURSE_REPO"] == f"file://{prefix}/course.git" and env["COURSE_DIR"] == "tf-bootcamp"
    first = c.Spawner.default_url.removeprefix("/lab/tree/tf-bootcamp/")
    assert (ROOT / first).exists()  # 学员登录后打开第一课
    # 空闲的服务器：jupyterhub-idle-culler 作为 hub 的服务运行，只有它需要的权限
    (service,) = c.JupyterHub.services
    assert service["command"][1:] == ["-m", "jupyterhub_idle_culler", "--timeout=1800"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == [service["name"]]
    assert role["scopes"] == ["list:users", "read:users:activity", "read:servers", "delete:servers"]
    # hub 的数据在 STATE_DIR；hub 和代理的管理接口只在 127.0.0.1 上
    assert c.JupyterHub.db_url == f"sqlite:///{tmp_path / 'state/jupyterhub.sqlite'}"
    assert c.JupyterHub.hub_bind_url.startswith("http://127.0.0.1:")
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert c.JupyterHub.bind_url == "http://:8000"


def test_systemd_servers_use_the_systemd_spawner(tmp_path):
    c = configured(hubconfig.read_settings(write_settings(tmp_path, "CPU_LIMIT=1")), systemd=True)
    assert c.JupyterHub.spawner_class == "classroom_spawners.SystemdLearnerSpawner"
    assert c.Spawner.cpu_limit == 1.0


def test_https_when_a_certificate_is_given(tmp_path):
    c = configured(hubconfig.read_settings(write_settings(tmp_path, "SSL_CERT=/etc/c.pem", "SSL_KEY=/etc/k.pem")))
    assert c.JupyterHub.bind_url.startswith("https://")
    assert (c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key) == ("/etc/c.pem", "/etc/k.pem")


@pytest.mark.parametrize("lines, message", [
    (["CLASS_PASSWORD=short"], "CLASS_PASSWORD（班级密码）至少要 8 个字符"),
    (["ADMIN_PASSWORD=short-admin"], "ADMIN_PASSWORD（老师的密码）至少要 32 个字符"),
    ([f"ADMIN_PASSWORD={CLASS_PASSWORD}"], "ADMIN_PASSWORD 不能和 CLASS_PASSWORD 相同"),
    (["MEM_LIMIT=3 GB"], "MEM_LIMIT 应当像 3G 或 2500M"),
    (["MEMORY_LIMIT=3G"], "第 4 行不认识：MEMORY_LIMIT=3G"),
    (["ADMIN_USERS=Teacher Li"], "ADMIN_USERS 中的 'Teacher Li' 不是合法的登录名"),
    (["SSL_CERT=/etc/c.pem"], "SSL_CERT 和 SSL_KEY 要么都设，要么都不设"),
    (["PORT=eighty"], "PORT 应当是一个整数"),
])
def test_bad_settings_are_explained_in_chinese(tmp_path, lines, message):
    with pytest.raises(hubconfig.SettingsError) as error:
        hubconfig.read_settings(write_settings(tmp_path, *lines))
    assert message in str(error.value.code)


def test_bad_names_in_the_roster_are_pointed_out(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("zhangsan\n张三\nroot user\n", encoding="utf-8")
    with pytest.raises(hubconfig.SettingsError) as error:
        hubconfig.read_settings(write_settings(tmp_path, f"ROSTER={roster}"))
    assert "第 2 行 '张三'" in str(error.value.code) and "第 3 行 'root user'" in str(error.value.code)


def test_a_missing_settings_file_says_how_to_make_one(tmp_path):
    with pytest.raises(hubconfig.SettingsError, match="sudo make classroom"):
        hubconfig.read_settings(tmp_path / "nothing.env")


def test_new_settings_have_valid_random_passwords():
    first, second = prepare.new_settings_text("main"), prepare.new_settings_text("main")
    assert first != second
    values = dict(line.split("=", 1) for line in first.splitlines() if "=" in line and not line.startswith("#"))
    assert set(values) <= set(hubconfig.DEFAULTS)
    assert hubconfig.check_settings({**hubconfig.DEFAULTS, **values}) == []
    assert set(values["CLASS_PASSWORD"]) <= set(prepare.EASY_TO_READ)


@pytest.mark.parametrize("name, ok", [
    ("zhangsan", True), ("2024001", True), ("li-si_2", True), ("a" * 24, True),
    ("a" * 25, False), ("ZhangSan", False), ("张三", False), ("-rf", False), ("../root", False), ("", False),
])
def test_learner_names_make_valid_system_user_names(name, ok):
    assert bool(re.fullmatch(hubconfig.USERNAME_PATTERN, name)) is ok
    if ok:  # 系统用户名 jupyter-<名字> 不超过 Linux 的 32 个字符
        assert len("jupyter-" + name) <= 32


def module_constant(path, name):
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path} 中没有 {name}")


def test_the_system_user_prefix_is_the_same_in_the_spawners_and_the_load_test():
    assert module_constant(CLASSROOM / "classroom_spawners.py", "SYSTEM_USER_PREFIX") == "jupyter-"
    assert load_test.SYSTEM_USER_PREFIX == "jupyter-"


def fake_command(directory, name, script):
    path = directory / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


@pytest.mark.parametrize("puller_works", [True, False])
def test_start_singleuser_pulls_the_course_then_starts_the_server(tmp_path, puller_works):
    """启动脚本：信任课程仓库（只加一次）、用 nbgitpuller 取课程、私有的 TMPDIR，然后带着原来的参数启动服务器。"""
    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    bin_dir.mkdir()
    home.mkdir()
    fake_command(bin_dir, "gitpuller", f'echo "$@" > "$HOME/gitpuller-args"; exit {0 if puller_works else 1}\n')
    fake_command(bin_dir, "jupyterhub-singleuser", 'echo "singleuser $* TMPDIR=$TMPDIR"\n')
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(home), "COURSE_REPO": "file:///srv/course.git",
           "COURSE_BRANCH": "main", "COURSE_DIR": "tf-bootcamp"}
    for _ in range(2):
        result = subprocess.run([str(CLASSROOM / "start-singleuser"), "--debug"], env=env, capture_output=True,
                                text=True, check=True)
    assert result.stdout.strip() == f"singleuser --debug TMPDIR={home}/.tmp"
    assert (home / "gitpuller-args").read_text().split() == ["file:///srv/course.git", "main", "tf-bootcamp"]
    assert stat.S_IMODE((home / ".tmp").stat().st_mode) == 0o700
    trusted = subprocess.run(["git", "config", "--global", "--get-all", "safe.directory"], env=env,
                             capture_output=True, text=True).stdout.split()
    assert trusted == ["/srv/course.git"]  # 运行两次，只加了一次
    assert ("nbgitpuller 没能取到或更新" in result.stderr) is not puller_works


def test_the_load_test_reads_check_lines_from_outputs():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                  text="准确率 0.98\n✓ 测试准确率不低于 0.97\n")]),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                  text="  ✗ 训练损失没有下降：1.2\n")]),
        nbformat.v4.new_markdown_cell("✓ 不是输出"),
    ])
    assert load_test.check_lines(nb) == ["✓ 测试准确率不低于 0.97", "✗ 训练损失没有下降：1.2"]


def test_the_load_test_notebook_prints_checks():
    """负载测试默认运行的第 04 课打印检查行（负载测试把它们与保存的输出比对）。"""
    nb = nbformat.read(ROOT / "notebooks/04_mnist_digit_classification_using_mlp.ipynb", as_version=4)
    lines = load_test.check_lines(nb)
    assert lines and all(line.startswith("✓") for line in lines)


def test_repo2docker_can_build_the_course_image():
    """repo2docker（Binder、Zero to JupyterHub）读 runtime.txt、apt.txt、requirements.txt、postBuild。"""
    runtime = (ROOT / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.1[0-3]", runtime), "runtime.txt 只能是一行 python-3.X（repo2docker 不认注释）"
    assert 'requires-python = ">=3.10,<3.14"' in (ROOT / "pyproject.toml").read_text()  # runtime.txt 在这个范围里
    packages = [line.partition("#")[0].strip() for line in (ROOT / "apt.txt").read_text().splitlines()]
    assert "fonts-noto-cjk" in packages
    post_build = ROOT / "postBuild"
    assert post_build.read_text().startswith("#!/bin/bash") and os.access(post_build, os.X_OK)
    assert "-r ../requirements.txt" in (CLASSROOM / "requirements-user.txt").read_text()
