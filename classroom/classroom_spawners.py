"""学员服务器的两种启动方式。两者都：

- 在学员第一次启动服务器时建一个系统用户 jupyter-<学员名>，家目录权限 700：
  别的学员（别的系统用户）不能进入、读取或修改它，也不能向别人的进程发信号或读它们的环境变量；
- 以这个用户的身份运行学员的 Jupyter 服务器、内核和终端；
- 让内核强制执行内存上限（Spawner.mem_limit）：超过时内核的 OOM killer 结束这个学员最大的进程
  （通常是他的 notebook 内核），别的学员不受影响。

SystemdLearnerSpawner —— 有 systemd 的服务器（Ubuntu 等）：每个学员的服务器是一个 systemd 单元
  （SystemdSpawner），MemoryMax= 限制内存（MemorySwapMax=0：不许用交换区绕过），CPUQuota= 限制 CPU
  （设了 CPU_LIMIT 时），私有的 /tmp，不能 sudo。
LocalLearnerSpawner —— 没有 systemd 的机器（容器、开发机）：LocalProcessSpawner 以学员的系统用户启动进程，
  并在 cgroup v1 的 memory 控制器可用时，把它放进 hub 自己的 cgroup 下的一个子 cgroup，设上内存上限；
  不可用时只在日志里说明：上限只显示给学员，并不强制。这种方式不限制 CPU，/tmp 是共用的
  （start-singleuser 让学员的程序把临时文件放在自己家目录里的 ~/.tmp）。
"""

import asyncio
import os
import pwd
import signal
import subprocess
import time
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from systemdspawner import SystemdSpawner
from traitlets import default

SYSTEM_USER_PREFIX = "jupyter-"
CGROUP_V1_MEMORY = Path("/sys/fs/cgroup/memory")


def system_username(hub_name):
    """hub 里的学员名对应的系统用户名。加前缀，学员就不可能以 root 之类已有的系统用户登录。"""
    return SYSTEM_USER_PREFIX + hub_name


def ensure_system_user(hub_name):
    """学员的系统用户不存在就建一个（带同名的组和家目录）；每次都把家目录设回 700。"""
    name = system_username(hub_name)
    try:
        user = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--create-home", "--user-group", "--shell", "/bin/bash",
             "--comment", f"JupyterHub learner {hub_name}", name],
            check=True, capture_output=True,
        )
        user = pwd.getpwnam(name)
    os.chmod(user.pw_dir, 0o700)
    return user


class SystemdLearnerSpawner(SystemdSpawner):
    """有 systemd 时：SystemdSpawner，加上自动建系统用户和更严格的默认值。"""

    @default("username_template")
    def _default_username_template(self):
        return SYSTEM_USER_PREFIX + "{USERNAME}"

    @default("unit_name_template")
    def _default_unit_name_template(self):
        return SYSTEM_USER_PREFIX + "{USERNAME}"

    @default("isolate_tmp")
    def _default_isolate_tmp(self):
        return True  # 每个学员自己的 /tmp

    @default("unit_extra_properties")
    def _default_unit_extra_properties(self):
        return {"MemorySwapMax": "0"}  # 超过内存上限时结束进程，而不是换到交换区里慢慢跑

    async def start(self):
        await asyncio.to_thread(ensure_system_user, self.user.name)
        return await super().start()


class LocalLearnerSpawner(LocalProcessSpawner):
    """没有 systemd 时：LocalProcessSpawner，以 jupyter-<学员名> 的身份运行，内存上限用 cgroup v1 强制执行。"""

    cgroup = None  # 这个学员的 cgroup 目录；None 表示内存上限没有强制执行

    async def start(self):
        await asyncio.to_thread(ensure_system_user, self.user.name)
        self.cgroup = await asyncio.to_thread(self.make_memory_cgroup)
        return await super().start()

    async def stop(self, now=False):
        await super().stop(now=now)
        group = self.cgroup_path()
        if group is not None and group.exists():
            await asyncio.to_thread(remove_cgroup, group)  # 连同服务器没来得及结束的内核一起
            try:
                group.parent.rmdir()  # 最后一个学员的服务器停下时，jupyterhub-learners 也删掉
            except OSError:
                pass

    def cgroup_path(self):
        parent = own_memory_cgroup()
        return None if parent is None else parent / "jupyterhub-learners" / system_username(self.user.name)

    def make_preexec_fn(self, name):
        """子进程在 exec 之前：先进入学员的 cgroup（还是 root 时才能写），再换成学员的系统用户。"""
        become_learner = set_user_setuid(system_username(self.user.name))
        procs = None if self.cgroup is None else self.cgroup / "cgroup.procs"

        def preexec():
            if procs is not None:
                procs.write_text(str(os.getpid()))
            become_learner()

        return preexec

    def user_env(self, env):
        user = pwd.getpwnam(system_username(self.user.name))
        env.update(USER=user.pw_name, HOME=user.pw_dir, SHELL=user.pw_shell or "/bin/bash")
        return env

    def make_memory_cgroup(self):
        """在 hub 自己所在的 memory cgroup 下建 jupyterhub-learners/<系统用户名>，写入内存上限。"""
        if not self.mem_limit:
            return None
        if self.cpu_limit:
            self.log.warning("CPU_LIMIT 只在有 systemd 的服务器上生效；这里不限制 CPU")
        group = self.cgroup_path()
        if group is None:
            self.log.warning("没有可用的 cgroup v1 memory 控制器：%s 的内存上限只显示，不强制执行", self.user.name)
            return None
        try:
            remove_cgroup(group)  # 上一次（例如 hub 被强行结束时）留下的
            group.mkdir(parents=True, exist_ok=True)
            limit = str(int(self.mem_limit))
            swap = group / "memory.memsw.limit_in_bytes"  # 内存 + 交换区：不许用交换区绕过上限
            if swap.exists():
                swap.write_text("-1")
            (group / "memory.limit_in_bytes").write_text(limit)
            if swap.exists():
                swap.write_text(limit)
        except OSError as error:
            self.log.warning("不能为 %s 建 cgroup（%s）：内存上限只显示，不强制执行", self.user.name, error)
            return None
        self.log.info("%s 的内存上限 %s 字节由 cgroup %s 强制执行", self.user.name, limit, group)
        return group


def own_memory_cgroup():
    """本进程所在的 cgroup v1 memory 目录（可写时）；没有 cgroup v1 的 memory 控制器时返回 None。"""
    if not (CGROUP_V1_MEMORY / "cgroup.procs").exists():
        return None
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            group = CGROUP_V1_MEMORY / path.lstrip("/")
            return group if os.access(group, os.W_OK) else None
    return None


def remove_cgroup(group):
    """结束 cgroup 里剩下的进程，再删掉它（目录不存在时什么也不做）。"""
    procs = group / "cgroup.procs"
    for _ in range(50):
        if not procs.exists():
            return
        pids = [int(pid) for pid in procs.read_text().split()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)  # 等被结束的进程真正退出
