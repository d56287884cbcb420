"""一个班用的 JupyterHub 配置：一台服务器，每个学员一个独立的系统用户（详见 classroom/README.md）。

`make classroom` 用它启动 hub：jupyterhub -f classroom/jupyterhub_config.py。
老师要改的只有设置文件 settings.env（第一次运行 make classroom 时生成，随机密码），不用改这个文件。

这里只用 JupyterHub 自带的和官方的组件：
- 登录：JupyterHub 自带的 SharedPasswordAuthenticator（学员名 + 班级密码，老师用自己的管理员密码），
  可选一份名单（ROSTER）限定谁能登录；
- 启动：classroom_spawners.py（有 systemd 时是 SystemdSpawner，否则是 LocalProcessSpawner），
  学员第一次启动时建系统用户 jupyter-<名字>，家目录 700，内存上限由内核的 cgroup 强制执行；
- 课程：学员的服务器每次启动时由 nbgitpuller 把课程取到（或合并到）~/tf-bootcamp（start-singleuser）；
- 空闲的服务器由 jupyterhub-idle-culler（hub 的服务）停掉。
"""

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = Path(os.environ.get("CLASSROOM_PREFIX", "/opt/tf-bootcamp"))
FIRST_NOTEBOOK = "notebooks/01_getting_started_with_neural_networks.ipynb"

# 学员名：小写字母或数字开头，只含小写字母、数字、-、_，最多 24 个字符
# （系统用户名是 jupyter-<学员名>，Linux 的用户名最多 32 个字符）。中文名请用拼音或学号。
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,23}$"

# jupyterhub-idle-culler 需要的权限（它的 README 列出的四项）
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]

# settings.env 中每一项的默认值；空字符串表示“不设”
DEFAULTS = {
    "CLASS_PASSWORD": "",  # 班级密码：学员用自己的名字和它登录（至少 8 个字符）
    "ADMIN_USERS": "teacher",  # 老师（管理员）的登录名，多个用逗号分开
    "ADMIN_PASSWORD": "",  # 老师的密码（JupyterHub 要求至少 32 个字符，且不同于班级密码）
    "ROSTER": "",  # 名单文件（每行一个学员名）；空：知道班级密码的人都能用任何合法的名字登录
    "MEM_LIMIT": "3G",  # 每个学员（服务器 + 所有内核 + 终端）的内存上限
    "CPU_LIMIT": "",  # 每个学员最多用几个核（只在有 systemd 的服务器上生效）；空：不限
    "IDLE_TIMEOUT": "3600",  # 空闲多少秒后停掉学员的服务器（文件都保留）
    "IP": "",  # 监听的地址；空：所有网卡
    "PORT": "8000",  # 学员在浏览器里打开的端口
    "SSL_CERT": "",  # HTTPS 证书和私钥（文件路径）；不设时是 HTTP，见 README“HTTPS”
    "SSL_KEY": "",
    "HUB_PORT": "8081",  # hub 内部用的两个端口（只在 127.0.0.1 上）
    "PROXY_API_PORT": "8001",
    "STATE_DIR": str(PREFIX / "state"),  # hub 的数据库和密钥（只有 root 能读）
    "COURSE_REPO": f"file://{PREFIX}/course.git",  # 学员从这里取课程（make classroom 发布到这里）
    "COURSE_BRANCH": "main",
    "COURSE_DIR": "tf-bootcamp",  # 课程在学员家目录中的文件夹名
}


class SettingsError(SystemExit):
    """设置有错：以一条中文说明退出，而不是一长串回溯。"""

    def __init__(self, path, problems):
        super().__init__(f"{path} 中的设置有问题：\n  " + "\n  ".join(problems))


def read_settings(path):
    """读取 KEY=值 形式的设置文件（# 开头的行是注释，值不加引号），与默认值合并并检查。"""
    path = Path(path)
    if not path.exists():
        raise SettingsError(path, ["文件不存在：先运行 sudo make classroom，它会生成这个文件"])
    settings, problems = dict(DEFAULTS), []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, eq, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or key not in DEFAULTS:
            problems.append(f"第 {number} 行不认识：{line}（可以设置的有：{'、'.join(DEFAULTS)}）")
        else:
            settings[key] = value
    problems += check_settings(settings)
    if problems:
        raise SettingsError(path, problems)
    return settings


def check_settings(s):
    """返回设置中的问题（中文）；没有问题时返回空列表。"""
    problems = []
    if len(s["CLASS_PASSWORD"]) < 8:
        problems.append("CLASS_PASSWORD（班级密码）至少要 8 个字符")
    if len(s["ADMIN_PASSWORD"]) < 32:
        problems.append("ADMIN_PASSWORD（老师的密码）至少要 32 个字符（JupyterHub 的要求；可以存在密码管理器里）")
    if s["ADMIN_PASSWORD"] == s["CLASS_PASSWORD"]:
        problems.append("ADMIN_PASSWORD 不能和 CLASS_PASSWORD 相同")
    for name in admin_users(s):
        if not re.fullmatch(USERNAME_PATTERN, name):
            problems.append(f"ADMIN_USERS 中的 {name!r} 不是合法的登录名（{USERNAME_PATTERN}）")
    if not re.fullmatch(r"\d+(\.\d+)?[KMGT]?", s["MEM_LIMIT"]):
        problems.append(f"MEM_LIMIT 应当像 3G 或 2500M，而不是 {s['MEM_LIMIT']!r}")
    if s["CPU_LIMIT"] and not re.fullmatch(r"\d+(\.\d+)?", s["CPU_LIMIT"]):
        problems.append(f"CPU_LIMIT 应当是一个数（核数，例如 1 或 0.5），而不是 {s['CPU_LIMIT']!r}")
    for key in ("IDLE_TIMEOUT", "PORT", "HUB_PORT", "PROXY_API_PORT"):
        if not s[key].isdigit():
            problems.append(f"{key} 应当是一个整数，而不是 {s[key]!r}")
    if bool(s["SSL_CERT"]) != bool(s["SSL_KEY"]):
        problems.append("SSL_CERT 和 SSL_KEY 要么都设，要么都不设")
    if s["ROSTER"]:
        try:
            read_roster(s["ROSTER"])
        except (OSError, ValueError) as error:
            problems.append(f"ROSTER：{error}")
    return problems


def admin_users(s):
    return [name.strip() for name in s["ADMIN_USERS"].split(",") if name.strip()]


def read_roster(path):
    """名单文件：每行一个学员名（# 之后是注释，空行忽略）。名字不合法时报错并指出是哪几行。"""
    names, bad = [], []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        name = line.partition("#")[0].strip().lower()
        if not name:
            continue
        if re.fullmatch(USERNAME_PATTERN, name):
            names.append(name)
        else:
            bad.append(f"第 {number} 行 {name!r}")
    if bad:
        raise ValueError(f"{path} 中这些名字不合法（只能用小写字母、数字、-、_，最多 24 个字符）：{'，'.join(bad)}")
    return names


def systemd_running():
    """systemd 是 1 号进程时（一般的 Ubuntu 服务器）这个目录存在。"""
    return Path("/run/systemd/system").is_dir()


def configure(c, s, systemd):
    """按设置 s 填写 JupyterHub 的配置 c；systemd 为 True 时用 SystemdSpawner。"""
    state = Path(s["STATE_DIR"])
    scheme = "https" if s["SSL_CERT"] else "http"

    # 网络：学员只连 PORT；hub 和代理的管理接口只在 127.0.0.1 上
    c.JupyterHub.bind_url = f"{scheme}://{s['IP']}:{s['PORT']}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{s['HUB_PORT']}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s['PROXY_API_PORT']}"
    c.ConfigurableHTTPProxy.command = [str(PREFIX / "proxy/node_modules/.bin/configurable-http-proxy")]
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    if s["SSL_CERT"]:
        c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = s["SSL_CERT"], s["SSL_KEY"]
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

    # 登录：名字 + 班级密码；老师用自己的密码，是管理员（能在 /hub/admin 看到、停止、启动每个学员的服务器）
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = s["CLASS_PASSWORD"]
    c.SharedPasswordAuthenticator.admin_password = s["ADMIN_PASSWORD"]
    c.Authenticator.admin_users = set(admin_users(s))
    c.Authenticator.username_pattern = USERNAME_PATTERN
    if s["ROSTER"]:
        c.Authenticator.allowed_users = set(read_roster(s["ROSTER"]))
    else:
        c.Authenticator.allow_all = True

    # 每个学员的服务器：自己的系统用户、自己的家目录（700）、内核强制的内存上限
    sys.path.insert(0, str(HERE))  # classroom_spawners.py 在这个文件旁边
    c.JupyterHub.spawner_class = (
        "classroom_spawners.SystemdLearnerSpawner" if systemd else "classroom_spawners.LocalLearnerSpawner"
    )
    c.Spawner.cmd = [str(PREFIX / "bin/start-singleuser")]  # 先用 nbgitpuller 取课程，再启动 jupyterhub-singleuser
    c.Spawner.environment = {
        "PATH": f"{PREFIX / 'user/bin'}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "COURSE_REPO": s["COURSE_REPO"],
        "COURSE_BRANCH": s["COURSE_BRANCH"],
        "COURSE_DIR": s["COURSE_DIR"],
    }
    c.Spawner.default_url = f"/lab/tree/{s['COURSE_DIR']}/{FIRST_NOTEBOOK}"
    c.Spawner.mem_limit = s["MEM_LIMIT"]
    if s["CPU_LIMIT"]:
        c.Spawner.cpu_limit = float(s["CPU_LIMIT"])
    # 上课开始时全班同时登录：第一次要复制一份课程，给启动留足时间
    c.Spawner.start_timeout = 300
    c.Spawner.http_timeout = 180

    # 空闲的服务器由 jupyterhub-idle-culler 停掉（只停服务器，文件不动；再登录时重新启动）
    c.JupyterHub.load_roles = [{
        "name": "jupyterhub-idle-culler-role",
        "scopes": CULLER_SCOPES,
        "services": ["jupyterhub-idle-culler-service"],
    }]
    c.JupyterHub.services = [{
        "name": "jupyterhub-idle-culler-service",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={s['IDLE_TIMEOUT']}"],
    }]


if "get_config" in globals():  # 由 JupyterHub 读取时（测试和负载测试只导入上面的函数）
    c = get_config()  # noqa: F821
    configure(c, read_settings(os.environ.get("CLASSROOM_SETTINGS", PREFIX / "settings.env")), systemd_running())
