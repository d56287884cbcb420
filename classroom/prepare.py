"""make classroom 在启动 hub 之前运行的准备工作（root，hub 的 Python 环境）：

1. 第一次运行时生成设置文件 settings.env（随机的班级密码和老师密码，只有 root 能读）；
2. 发布课程：把本仓库已提交的内容复制到 $CLASSROOM_PREFIX/course.git，学员的服务器从那里取课程；
3. 打印学员和老师需要知道的：网址、密码、内存上限、怎样更新课程。

只发布课程、不启动 hub：python classroom/prepare.py --publish（make classroom-publish）。
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from jupyterhub_config import FIRST_NOTEBOOK, PREFIX, read_settings, systemd_running  # noqa: E402

SETTINGS = Path(os.environ.get("CLASSROOM_SETTINGS", PREFIX / "settings.env"))
EASY_TO_READ = "abcdefghjkmnpqrstuvwxyz23456789"  # 没有 0/o、1/l/i 这类容易看错的字符

SETTINGS_TEMPLATE = """\
# 课堂 JupyterHub 的设置（make classroom 第一次运行时生成；改完之后重新启动 hub 才生效）。
# 每行 KEY=值，值不加引号。全部可以设置的项和默认值见仓库中的 classroom/jupyterhub_config.py。

# 班级密码：学员用自己的名字（小写字母、数字、-、_）和这个密码登录，至少 8 个字符
CLASS_PASSWORD={class_password}

# 老师（管理员）的登录名和密码（JupyterHub 要求管理员密码至少 32 个字符）
ADMIN_USERS=teacher
ADMIN_PASSWORD={admin_password}

# 名单文件：每行一个学员名；设了之后只有名单上的人能登录。空：知道班级密码的人都能登录
ROSTER=

# 每个学员（服务器 + 内核 + 终端）的内存上限；最重的一课约需 2 GB，见 classroom/README.md 的估算表
MEM_LIMIT=3G

# 空闲多少秒后停掉学员的服务器（文件保留，再登录时重新启动）
IDLE_TIMEOUT=3600

# 学员在浏览器里打开的端口；只在一个网卡上监听时填它的地址（空：所有网卡）；HTTPS 证书和私钥（不设时是 HTTP）
PORT=8000
IP=
SSL_CERT=
SSL_KEY=

# 课程的分支（make classroom 发布这个分支上最后一次提交的内容）
COURSE_BRANCH={branch}
"""


def git(*args, cwd=ROOT):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.rstrip()


def new_settings_text(branch):
    """settings.env 的内容：随机的班级密码（10 个容易认的字符，要写在黑板上）和老师密码（43 个字符）。"""
    return SETTINGS_TEMPLATE.format(
        class_password="".join(secrets.choice(EASY_TO_READ) for _ in range(10)),
        admin_password=secrets.token_urlsafe(32),
        branch=branch if branch != "HEAD" else "main",
    )


def create_settings():
    """生成 settings.env（只有 root 能读写）。"""
    text = new_settings_text(git("rev-parse", "--abbrev-ref", "HEAD"))
    SETTINGS.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(SETTINGS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"已生成设置文件 {SETTINGS}（随机密码；可以改，改完重新启动 hub）")


def publish(settings):
    """把本仓库（已提交的内容）复制到课程仓库；学员下次启动服务器或打开更新链接时合并进自己的那份。"""
    mirror = Path(settings["COURSE_REPO"].removeprefix("file://"))
    source = f"file://{ROOT}"  # 经 file:// 复制：新文件按这里的 umask（所有人可读），不与本仓库共用文件
    os.umask(0o022)
    if (mirror / "HEAD").exists():
        git("--git-dir", str(mirror), "remote", "set-url", "origin", source)
        git("--git-dir", str(mirror), "fetch", "--prune", "--quiet", "origin")
    else:
        git("clone", "--mirror", "--quiet", source, str(mirror))
    subprocess.run(["chmod", "-R", "a+rX", str(mirror)], check=True)
    branch = settings["COURSE_BRANCH"]
    commit = git("--git-dir", str(mirror), "log", "-1", "--format=%h %cd %s", "--date=format:%Y-%m-%d %H:%M",
                 f"refs/heads/{branch}")
    print(f"已发布课程：{branch} 分支的 {commit[:100]}")
    dirty = git("status", "--porcelain", "--", "notebooks", "data", "images")
    if dirty:
        print("注意：notebooks/、data/、images/ 中有没有提交的改动，学员拿不到它们（先 git commit，再发布）：")
        print("  " + dirty.replace("\n", "\n  "))


def addresses():
    """这台机器的 IP 地址（不发任何网络请求）。"""
    try:
        found = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    except OSError:
        found = []
    return [a for a in found if ":" not in a] or [socket.gethostname()]


def describe(settings):
    from classroom_spawners import own_memory_cgroup  # 要 hub 的环境（jupyterhub）才能导入

    scheme = "https" if settings["SSL_CERT"] else "http"
    hosts = [settings["IP"]] if settings["IP"] else addresses()
    urls = [f"{scheme}://{host}:{settings['PORT']}/" for host in hosts]
    if systemd_running():
        memory = "由 systemd 的 cgroup（MemoryMax）强制执行"
    elif own_memory_cgroup() is not None:
        memory = "由 cgroup v1 强制执行（这台机器没有 systemd）"
    else:
        memory = "只显示、不强制执行（没有 systemd，也没有可写的 cgroup v1 memory 控制器）"
    roster = f"名单 {settings['ROSTER']}" if settings["ROSTER"] else "没有名单：知道班级密码的人都能登录"
    course = settings["COURSE_DIR"]
    update = "hub/user-redirect/git-pull?" + urlencode({
        "repo": settings["COURSE_REPO"], "branch": settings["COURSE_BRANCH"],
        "targetpath": course, "urlpath": f"lab/tree/{course}/{FIRST_NOTEBOOK}",
    })
    print(f"""
学员打开：      {'  或  '.join(urls)}
学员登录：      自己的名字（小写字母、数字、-、_）+ 班级密码 {settings['CLASS_PASSWORD']}（{roster}）
老师登录：      {settings['ADMIN_USERS']} + {SETTINGS} 中的 ADMIN_PASSWORD；管理页面 {urls[0]}hub/admin
每个学员：      系统用户 jupyter-<名字>，课程在 ~/{course}；内存上限 {settings['MEM_LIMIT']}，{memory}
空闲：          {settings['IDLE_TIMEOUT']} 秒没有活动的服务器会被停掉（文件保留）
更新课程：      git commit 之后 sudo make classroom-publish；学员重新启动服务器或打开
                {urls[0]}{update}
停止 hub：      Ctrl+C（学员的服务器一起停止，文件保留）
""")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publish", action="store_true", help="只发布课程")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("课堂服务器需要 root 权限（要为每个学员建系统用户）：sudo make classroom")
    if not SETTINGS.exists():
        create_settings()
    settings = read_settings(SETTINGS)
    state = Path(settings["STATE_DIR"])
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o700)  # hub 的数据库和密钥只有 root 能读
    publish(settings)
    if not args.publish:
        describe(settings)


if __name__ == "__main__":
    main()
