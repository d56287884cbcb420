"""课堂负载测试（sudo make classroom-test）：在本机回环地址上启动一个真正的 JupyterHub（classroom/ 的配置），
K 个学员经 hub 的 REST API 登录、启动各自的服务器，再同时在各自的服务器上运行同一课 notebook。

检查：
1. 登录：名单上的学员用班级密码能登录；错误的密码、名单外的名字、学员冒充老师都不能；
2. 每个学员拿到自己的一份课程（~/tf-bootcamp，属于自己；家目录 700）；
3. 隔离：A 的令牌经 hub 的 API 和 B 的服务器看不到、改不了 B 的文件和内核，也启动、停止不了 B 的服务器；
   在 A 自己的内核里读不到、写不进 B 的家目录，不能向 B 的内核发信号、读不到它的环境变量，
   直接连 B 的服务器端口也被拒绝，读不到 hub 的数据库和设置文件（密码）；
4. 老师（管理员）看得到全部学员，能打开学员的服务器，能重新启动它；
5. 先一个学员单独运行 notebook，再 K 个学员同时运行（都经各自的服务器的内核 WebSocket，和浏览器一样）：
   每次运行都完成，打印的检查行与 notebook 中保存的一样、全是 ✓，没有 ✗；
   每个学员运行后的 notebook 经自己的服务器保存，只出现在自己的家目录里；
6. 老师发布更新、学员重新启动服务器之后：新文件来了，学员没改过的 notebook 更新了，改过的保持学员的版本；
7. 内存上限：一个学员的内核要超过上限的内存时被结束（内核自动重启），他的服务器和别的学员照常；
8. 空闲：hub 的 jupyterhub-idle-culler 服务在运行；用同样的权限、很短的空闲时间再运行一次，空闲的服务器都被停掉。
最后打印每个学员的用时（与单独运行相比）、内存峰值、整台机器用的内存，结果也写进一个 JSON 文件。

测试的学员（loadtest1…、loadtest-teacher）和他们的系统用户在结束时删除；hub 用自己的端口、数据库和课程仓库，
不影响同一台机器上正在上课的 hub。需要 root；用课堂的学员环境运行：
  sudo make classroom-test [LEARNERS=4] [LOAD_NOTEBOOK=notebooks/04_mnist_digit_classification_using_mlp.ipynb]
"""

import argparse
import asyncio
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from jupyterhub_config import CULLER_SCOPES, FIRST_NOTEBOOK, PREFIX  # noqa: E402

SYSTEM_USER_PREFIX = "jupyter-"  # 与 classroom_spawners.py 中的相同（那个模块要 hub 的环境才能导入）
TEST_PREFIX = "loadtest"
ADMIN = "loadtest-teacher"
COURSE_DIR = "tf-bootcamp"
DENIED = {403, 404}  # hub 对没有权限的请求答 403，或者干脆当作不存在（404）
UPDATE_FILE = "CLASSROOM-UPDATE.md"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Report:
    """收集每一项检查的结果（✓/✗ 和一句说明）。"""

    def __init__(self):
        self.checks = []

    def check(self, ok, text):
        self.checks.append({"ok": bool(ok), "text": text})
        print(f"  {'✓' if ok else '✗'} {text}", flush=True)
        return ok

    @property
    def failures(self):
        return [c["text"] for c in self.checks if not c["ok"]]


# ---------- hub 的 REST API 和学员服务器的 API ----------

class Hub:
    def __init__(self, url):
        self.url = url
        self.http = AsyncHTTPClient()

    async def call(self, method, path, token=None, body=None):
        """调用 hub 或经 hub 的代理调用学员服务器的 API；返回 (状态码, 解析过的 JSON 或 None)。"""
        headers = {"Authorization": f"token {token}"} if token else {}
        request = HTTPRequest(
            self.url + path, method=method, headers=headers, follow_redirects=False, request_timeout=300,
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
        )
        response = await self.http.fetch(request, raise_error=False)
        try:
            data = json.loads(response.body) if response.body else None
        except ValueError:
            data = None
        return response.code, data

    async def wait_until_up(self, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                code, _ = await self.call("GET", "/hub/api/")
                if code == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(1)
        raise RuntimeError("hub 没有在规定时间内启动")

    async def login(self, name, password):
        """经 REST API 登录（用户名 + 密码换一个 API 令牌）；返回 (状态码, 令牌)。"""
        code, data = await self.call("POST", f"/hub/api/users/{name}/tokens", body={
            "auth": {"username": name, "password": password}, "note": "classroom load test", "expires_in": 7200,
        })
        return code, (data or {}).get("token")

    async def server_state(self, name, token):
        code, data = await self.call("GET", f"/hub/api/users/{name}", token)
        server = (data or {}).get("servers", {}).get("")
        return code, server

    async def start_server(self, name, token, seconds=600):
        """启动学员的服务器并等它就绪；返回用了多少秒。"""
        began = time.monotonic()
        code, _ = await self.call("POST", f"/hub/api/users/{name}/server", token)
        if code not in (201, 202, 400):  # 400：已经在运行
            raise RuntimeError(f"启动 {name} 的服务器：hub 答 {code}")
        while time.monotonic() - began < seconds:
            _, server = await self.server_state(name, token)
            if server and server.get("ready"):
                return time.monotonic() - began
            await asyncio.sleep(1)
        raise RuntimeError(f"{name} 的服务器没有在 {seconds} 秒内就绪")

    async def stop_server(self, name, token, seconds=120):
        code, _ = await self.call("DELETE", f"/hub/api/users/{name}/server", token)
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            _, server = await self.server_state(name, token)
            if not server:
                return code
            await asyncio.sleep(1)
        raise RuntimeError(f"{name} 的服务器没有在 {seconds} 秒内停下")


class Kernel:
    """学员服务器上的一个内核，经服务器的 WebSocket 运行代码（和 JupyterLab 在浏览器里做的一样）。"""

    def __init__(self, hub, name, token, path):
        self.hub, self.name, self.token, self.path = hub, name, token, path
        self.session = uuid.uuid4().hex

    async def open(self):
        code, data = await self.hub.call("POST", f"/user/{self.name}/api/sessions", self.token, {
            "path": self.path, "name": Path(self.path).name, "type": "notebook", "kernel": {"name": "python3"},
        })
        if code != 201:
            raise RuntimeError(f"{self.name} 不能在自己的服务器上启动内核：{code} {data}")
        self.session_id, self.kernel_id = data["id"], data["kernel"]["id"]
        ws_url = self.hub.url.replace("http", "ws", 1) + f"/user/{self.name}/api/kernels/{self.kernel_id}/channels"
        self.ws = await websocket_connect(
            HTTPRequest(ws_url, headers={"Authorization": f"token {self.token}"}), max_message_size=256 * 2**20,
        )
        for _ in range(60):  # 等内核回答 kernel_info
            reply = await self.request("kernel_info_request", {}, timeout=5)
            if reply is not None:
                return self
        raise RuntimeError(f"{self.name} 的内核没有回答")

    async def close(self):
        self.ws.close()
        await self.hub.call("DELETE", f"/user/{self.name}/api/sessions/{self.session_id}", self.token)

    def send(self, msg_type, content):
        msg_id = uuid.uuid4().hex
        self.ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": self.name,
                       "version": "5.3", "date": datetime.now(timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": [],
        }))
        return msg_id

    async def request(self, msg_type, content, timeout):
        msg_id = self.send(msg_type, content)
        try:
            while True:
                msg = await self.receive(timeout)
                if msg["parent_header"].get("msg_id") == msg_id and msg["channel"] == "shell":
                    return msg
        except asyncio.TimeoutError:
            return None

    async def receive(self, timeout):
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
            if raw is None:
                raise ConnectionError(f"{self.name} 的内核连接断开了")
            if isinstance(raw, str):  # 带二进制缓冲区的消息课程里没有；跳过
                return json.loads(raw)

    async def execute(self, code, timeout):
        """运行一个单元；返回 (状态 ok/error, nbformat 的输出列表)。"""
        msg_id = self.send("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True,
        })
        outputs, status, idle = [], None, False
        while status is None or not idle:
            msg = await self.receive(timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if msg["channel"] == "shell" and kind == "execute_reply":
                status = msg["content"]["status"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "clear_output":
                outputs.clear()
            elif kind in ("stream", "display_data", "execute_result", "error"):
                output = nbformat.v4.output_from_msg(msg)
                if kind == "stream" and outputs and outputs[-1].get("name") == output.name:
                    outputs[-1].text += output.text  # 连续的同一路输出合成一段，和 JupyterLab 保存的一样
                else:
                    outputs.append(output)
        return status, outputs


def check_lines(nb):
    """notebook 的输出中以 ✓ 或 ✗ 开头的行（helpers.checkpoint 打印的检查行）。"""
    lines = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                lines += [line.strip() for line in output.text.splitlines() if line.strip()[:1] in ("✓", "✗")]
    return lines


async def run_notebook(kernel, nb, timeout):
    """在内核中从头到尾运行 nb 的每个代码单元（遇到错误就停下），把输出写回 nb；返回这次运行的记录。"""
    began, count, failed = time.monotonic(), 0, None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        status, cell.outputs = await kernel.execute(cell.source, timeout)
        cell.execution_count = count
        if status != "ok":
            errors = [o for o in cell.outputs if o.output_type == "error"]
            failed = f"第 {count} 个代码单元出错：" + (f"{errors[0].ename}: {errors[0].evalue}" if errors else status)
            break
    return {"seconds": time.monotonic() - began, "failed": failed, "checks": check_lines(nb)}


# ---------- 内存 ----------

class MemorySampler(threading.Thread):
    """每 0.5 秒记录每个测试学员的全部进程（服务器 + 内核）的 RSS 之和，以及整台机器用的内存。"""

    def __init__(self, uids):
        super().__init__(daemon=True)
        self.uids = uids  # 系统 uid -> 学员名
        self.phase = "准备"
        self.peaks = {}  # 阶段 -> 学员名 -> 字节
        self.used = {}  # 阶段 -> 整台机器用的内存的峰值（MemTotal - MemAvailable）
        self.baseline = used_memory()
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(0.5):
            rss = {}
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
                except OSError:
                    continue  # 进程刚刚退出
                uid = int(fields["Uid"].split()[0])
                if uid in self.uids and "VmRSS" in fields:
                    name = self.uids[uid]
                    rss[name] = rss.get(name, 0) + int(fields["VmRSS"].split()[0]) * 1024
            peaks = self.peaks.setdefault(self.phase, {})
            for name, value in rss.items():
                peaks[name] = max(peaks.get(name, 0), value)
            self.used[self.phase] = max(self.used.get(self.phase, 0), used_memory())


def used_memory():
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return (int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])) * 1024


def learner_cgroup(hub_pid, system_name):
    """LocalLearnerSpawner 为学员建的 cgroup v1 目录（在 hub 所在的 cgroup 下）；没有时返回 None。"""
    for line in Path(f"/proc/{hub_pid}/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            group = Path("/sys/fs/cgroup/memory") / path.lstrip("/") / "jupyterhub-learners" / system_name
            return group if group.exists() else None
    return None


def gb(n):
    return f"{n / 2**30:.2f} GB"


# ---------- 准备与收尾 ----------

def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def run(*cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs).stdout


def test_users():
    return [u for u in pwd.getpwall() if u.pw_name.startswith(SYSTEM_USER_PREFIX + TEST_PREFIX)]


def remove_test_users():
    """删除测试的系统用户（先按进程号结束他们还剩下的进程）。"""
    for user in test_users():
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                uid = int(next(line for line in status.read_text().splitlines() if line.startswith("Uid:")).split()[1])
                if uid == user.pw_uid:
                    os.kill(int(status.parent.name), signal.SIGKILL)
            except (OSError, StopIteration, ValueError):
                pass
        time.sleep(0.5)
        subprocess.run(["userdel", "--remove", user.pw_name], capture_output=True)


def make_course_repo(work):
    """测试自己的课程仓库：本仓库最后一次提交的内容（学员拿到的也是已提交的内容）。"""
    mirror = work / "course.git"
    run("git", "clone", "--mirror", "--quiet", f"file://{ROOT}", str(mirror))
    run("chmod", "-R", "a+rX", str(mirror))
    branch = run("git", "rev-parse", "--abbrev-ref", "HEAD", cwd=ROOT).strip()
    return mirror, branch


def publish_update(work, mirror, branch, notebook):
    """模拟老师发布更新：加一个新文件，在第一课和被测的 notebook 末尾各加一个单元。"""
    clone = work / "teacher"
    run("git", "clone", "--quiet", "--branch", branch, str(mirror), str(clone))
    (clone / UPDATE_FILE).write_text("老师在上课中途发布的更新。\n", encoding="utf-8")
    for path in {FIRST_NOTEBOOK, notebook}:
        nb = nbformat.read(clone / path, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell("老师发布的更新：补充说明。"))
        nbformat.write(nb, clone / path)
    git = ["git", "-c", "user.name=teacher", "-c", "user.email=teacher@localhost"]
    run(*git, "add", "-A", cwd=clone)
    run(*git, "commit", "--quiet", "-m", "课中更新", cwd=clone)
    run("git", "push", "--quiet", "origin", branch, cwd=clone)
    run("chmod", "-R", "a+rX", str(mirror))


ISOLATION_CODE = """
import json, os, urllib.error, urllib.request
target = {target!r}
results = {{}}
def attempt(label, action):
    try:
        action()
        results[label] = "允许了"
    except PermissionError:
        results[label] = "拒绝"
    except urllib.error.HTTPError as error:
        results[label] = f"HTTP {{error.code}}"
    except Exception as error:
        results[label] = f"{{type(error).__name__}}: {{error}}"
def http(url):
    request = urllib.request.Request(url, headers={{"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]}})
    return urllib.request.urlopen(request, timeout=30).read()
attempt("列出 B 的家目录", lambda: os.listdir(target["home"]))
attempt("读 B 的 notebook", lambda: open(target["notebook"], "rb").read())
attempt("在 B 的家目录里写文件", lambda: open(target["home"] + "/from-other-learner.txt", "w").write("x"))
attempt("向 B 的内核发信号", lambda: os.kill(target["kernel_pid"], 0))
attempt("读 B 的内核的环境变量（其中有 B 的令牌）", lambda: open(f"/proc/{{target['kernel_pid']}}/environ").read())
attempt("直接连 B 的服务器端口，读 B 的文件", lambda: http(target["server"] + "api/contents/" + target["course"]))
attempt("经 hub 的 API 读 B 的信息", lambda: http(os.environ["JUPYTERHUB_API_URL"] + "/users/" + target["name"]))
attempt("读 hub 的数据库", lambda: open(target["hub_db"], "rb").read(16))
attempt("读设置文件（其中有密码）", lambda: open(target["settings"]).read())
print("ISOLATION " + json.dumps(results, ensure_ascii=False))
"""


async def main_async(args, report, results):
    names = [f"{TEST_PREFIX}{i}" for i in range(1, args.learners + 1)]
    notebook = args.notebook
    work = Path(tempfile.mkdtemp(prefix="classroom-test-"))
    work.chmod(0o755)  # 学员要能读到测试的课程仓库；hub 的数据在 state/（700）
    state = work / "state"
    state.mkdir(mode=0o700)
    class_password, admin_password = secrets.token_urlsafe(12), secrets.token_urlsafe(40)
    port, hub_port, proxy_port = free_ports(3)
    mirror, branch = make_course_repo(work)
    (state / "roster.txt").write_text("\n".join(names) + "\n")
    settings = state / "settings.env"
    settings.write_text("\n".join([
        f"CLASS_PASSWORD={class_password}", f"ADMIN_USERS={ADMIN}", f"ADMIN_PASSWORD={admin_password}",
        f"ROSTER={state / 'roster.txt'}", f"MEM_LIMIT={args.mem_limit}", "IDLE_TIMEOUT=3600",
        "IP=127.0.0.1", f"PORT={port}", f"HUB_PORT={hub_port}", f"PROXY_API_PORT={proxy_port}",
        f"STATE_DIR={state}", f"COURSE_REPO=file://{mirror}", f"COURSE_BRANCH={branch}", f"COURSE_DIR={COURSE_DIR}",
    ]) + "\n")
    settings.chmod(0o600)

    log(f"启动 hub：http://127.0.0.1:{port}/（日志 {state / 'hub.log'}）")
    hub_log = open(state / "hub.log", "w")
    hub_process = subprocess.Popen(
        [str(PREFIX / "hub/bin/jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
        cwd=state, stdout=hub_log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "CLASSROOM_PREFIX": str(PREFIX), "CLASSROOM_SETTINGS": str(settings)},
    )
    hub = Hub(f"http://127.0.0.1:{port}")
    sampler = None
    try:
        await hub.wait_until_up()

        log("登录（hub 的 REST API：用户名 + 密码换令牌）")
        logins = await asyncio.gather(*(hub.login(name, class_password) for name in names + [ADMIN]))
        tokens = {name: token for name, (code, token) in zip(names + [ADMIN], logins)}
        report.check(all(code == 201 for code, _ in logins[:-1]), f"{len(names)} 个学员用班级密码登录")
        code, _ = logins[-1]
        report.check(code == 403, f"老师的名字配班级密码不能登录（{code}）")
        admin_code, admin_token = await hub.login(ADMIN, admin_password)
        tokens[ADMIN] = admin_token
        report.check(admin_code == 201, "老师用自己的密码登录")
        code, _ = await hub.login(names[0], "wrong-password")
        report.check(code == 403, f"错误的密码不能登录（{code}）")
        code, _ = await hub.login("not-on-roster", class_password)
        report.check(code == 403, f"名单外的名字不能登录（{code}）")

        log(f"{len(names)} 个学员同时启动自己的服务器（第一次：建系统用户，nbgitpuller 复制课程）")
        seconds = await asyncio.gather(*(hub.start_server(name, tokens[name]) for name in names))
        results["server_start_seconds"] = dict(zip(names, seconds))
        report.check(True, f"服务器都就绪了：{max(seconds):.0f} 秒内")
        users = {name: pwd.getpwnam(SYSTEM_USER_PREFIX + name) for name in names}
        for name, user in users.items():
            home = Path(user.pw_dir)
            mode = home.stat().st_mode & 0o777
            copy = home / COURSE_DIR / notebook
            report.check(mode == 0o700 and home.stat().st_uid == user.pw_uid,
                         f"{name}：系统用户 {user.pw_name}，家目录 {home} 属于自己、权限 {mode:o}")
            report.check(copy.exists() and copy.stat().st_uid == user.pw_uid, f"{name}：自己的一份课程 ~/{COURSE_DIR}")
        sampler = MemorySampler({user.pw_uid: name for name, user in users.items()})
        sampler.start()

        log("隔离：A 的令牌对 B（经 hub 的 API 和 B 的服务器）")
        pairs = list(zip(names, names[1:] + names[:1]))
        for a, b in pairs:
            token = tokens[a]
            attempts = [
                ("GET", f"/hub/api/users/{b}", None, "读 B 的信息"),
                ("POST", f"/hub/api/users/{b}/server", None, "启动 B 的服务器"),
                ("DELETE", f"/hub/api/users/{b}/server", None, "停止 B 的服务器"),
                ("POST", f"/hub/api/users/{b}/tokens", {}, "给 B 生成令牌"),
                ("GET", f"/user/{b}/api/contents/{COURSE_DIR}", None, "列出 B 的文件"),
                ("GET", f"/user/{b}/api/contents/{COURSE_DIR}/{notebook}", None, "读 B 的 notebook"),
                ("PUT", f"/user/{b}/api/contents/{COURSE_DIR}/from-{a}.txt",
                 {"type": "file", "format": "text", "content": "x"}, "在 B 那里写文件"),
                ("GET", f"/user/{b}/api/kernels", None, "列出 B 的内核"),
                ("POST", f"/user/{b}/api/kernels", {}, "在 B 的服务器上启动内核"),
                ("GET", "/hub/api/users", None, "列出所有学员"),
            ]
            codes = []
            for method, path, body, label in attempts:
                code, _ = await hub.call(method, path, token, body)
                codes.append((label, code))
            bad = [f"{label}（{code}）" for label, code in codes if code not in DENIED]
            report.check(not bad, f"{a} 的令牌对 {b}：{len(codes)} 种请求都被拒绝（403/404）"
                         + (f"；没拒绝：{bad}" if bad else ""))

        log("老师（管理员）")
        code, data = await hub.call("GET", "/hub/api/users", admin_token)
        listed = {user["name"] for user in data or []}
        report.check(code == 200 and set(names) <= listed, "老师看得到全部学员")
        code, _ = await hub.call("GET", f"/user/{names[-1]}/api/contents/{COURSE_DIR}", admin_token)
        report.check(code == 200, f"老师能打开学员 {names[-1]} 的服务器（{code}）")
        await hub.stop_server(names[-1], admin_token)
        seconds = await hub.start_server(names[-1], admin_token)
        report.check(True, f"老师重新启动了 {names[-1]} 的服务器（{seconds:.0f} 秒）")

        log("隔离：在 A 自己的内核里对 B")
        code, routes = await hub.call("GET", "/hub/api/proxy", admin_token)
        kernels = await asyncio.gather(*(Kernel(hub, n, tokens[n], "classroom-isolation-check.ipynb").open()
                                         for n in names))
        by_name = dict(zip(names, kernels))
        for a, b in pairs:
            target = {
                "name": b, "home": users[b].pw_dir, "course": COURSE_DIR,
                "notebook": f"{users[b].pw_dir}/{COURSE_DIR}/{notebook}",
                "kernel_pid": kernel_pid(users[b].pw_uid),
                "server": routes[f"/user/{b}/"]["target"] + f"/user/{b}/",
                "hub_db": str(state / "jupyterhub.sqlite"), "settings": str(settings),
            }
            status, outputs = await by_name[a].execute(ISOLATION_CODE.format(target=target), timeout=120)
            text = "".join(o.get("text", "") for o in outputs)
            found = json.loads(text.split("ISOLATION ", 1)[1]) if "ISOLATION " in text else {}
            bad = {k: v for k, v in found.items() if v not in ("拒绝", "HTTP 403", "HTTP 404")}
            report.check(status == "ok" and found and not bad,
                         f"{a} 的内核对 {b}：{len(found)} 种尝试都被拒绝" + (f"；没拒绝：{bad}" if bad else ""))
            results.setdefault("isolation_from_kernel", {})[f"{a}->{b}"] = found
        await asyncio.gather(*(k.close() for k in kernels))

        source = nbformat.reads(run("git", "show", f"HEAD:{notebook}", cwd=ROOT), as_version=4)
        expected = check_lines(source)
        results["expected_checks"] = expected

        log(f"{names[0]} 单独运行 {notebook}")
        sampler.phase = "单独"
        alone_run = await run_in_own_server(hub, names[0], tokens[names[0]], notebook, args.timeout)
        results["alone"] = alone_run | {"learner": names[0]}
        report_run(report, names[0], alone_run, expected)
        await asyncio.sleep(3)

        log(f"{len(names)} 个学员同时运行 {notebook}")
        cgroups = {name: learner_cgroup(hub_process.pid, SYSTEM_USER_PREFIX + name) for name in names}
        for group in filter(None, cgroups.values()):
            (group / "memory.max_usage_in_bytes").write_text("0")  # 从这里开始记峰值
        sampler.phase = "同时"
        prepared = [await prepare_run(hub, name, tokens[name], notebook) for name in names]
        began = time.monotonic()
        runs = await asyncio.gather(*(execute_prepared(p, args.timeout) for p in prepared))
        total = time.monotonic() - began
        run_id = uuid.uuid4().hex
        together = {}
        for name, (kernel, nb), outcome in zip(names, prepared, runs):
            report_run(report, name, outcome, expected)
            group = cgroups[name]
            if group is not None:
                outcome["cgroup_peak_bytes"] = int((group / "memory.max_usage_in_bytes").read_text())
                outcome["oom_kills"] = int(dict(line.split() for line in
                                                (group / "memory.oom_control").read_text().splitlines())["oom_kill"])
            nb.metadata["classroom_load_test"] = {"learner": name, "run": run_id}
            code, _ = await hub.call("PUT", f"/user/{name}/api/contents/{COURSE_DIR}/{notebook}", tokens[name],
                                     {"type": "notebook", "format": "json", "content": nb})
            report.check(code == 200, f"{name} 经自己的服务器保存了运行后的 notebook（{code}）")
            await kernel.close()
            together[name] = outcome
        results["together"] = together
        results["together_wall_seconds"] = total
        sampler.phase = "之后"

        log("运行后的 notebook 在哪里")
        for name, user in users.items():
            saved = Path(user.pw_dir) / COURSE_DIR / notebook
            nb = nbformat.read(saved, as_version=4)
            marker = nb.metadata.get("classroom_load_test", {})
            report.check(marker == {"learner": name, "run": run_id} and saved.stat().st_uid == user.pw_uid
                         and check_lines(nb) == expected,
                         f"{name}：~/{COURSE_DIR}/{notebook} 是自己这次运行的结果（属于自己，检查行全是 ✓）")
        strays = []
        for user in test_users():
            for path in Path(user.pw_dir).rglob("*.ipynb"):
                try:
                    marker = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get(
                        "classroom_load_test", {})
                except ValueError:
                    continue
                if marker.get("run") == run_id and SYSTEM_USER_PREFIX + marker["learner"] != user.pw_name:
                    strays.append(str(path))
        report.check(not strays, "谁的运行结果都没有出现在别人的家目录里" + (f"：{strays}" if strays else ""))

        log("老师发布更新；学员重新启动服务器（nbgitpuller 合并）")
        publish_update(work, mirror, branch, notebook)
        learner = names[0]
        await hub.stop_server(learner, tokens[learner])
        await hub.start_server(learner, tokens[learner])
        course = Path(users[learner].pw_dir) / COURSE_DIR
        first = nbformat.read(course / FIRST_NOTEBOOK, as_version=4)
        edited = nbformat.read(course / notebook, as_version=4)
        report.check((course / UPDATE_FILE).exists(), f"{learner}：老师新加的文件来了")
        if notebook != FIRST_NOTEBOOK:
            report.check("老师发布的更新" in first.cells[-1].source, f"{learner}：没改过的第一课更新了")
        report.check(edited.metadata.get("classroom_load_test", {}).get("run") == run_id
                     and check_lines(edited) == expected,
                     f"{learner}：自己运行并保存过的 notebook 保持自己的版本（输出都在）")
        results["update_merged_into_edited_notebook"] = "老师发布的更新" in edited.cells[-1].source

        log(f"内存上限：{names[-1]} 的内核要 {args.mem_limit} + 0.5 GB")
        await check_memory_limit(hub, report, names, tokens, args.mem_limit)

        log("空闲的服务器被停掉（jupyterhub-idle-culler）")
        await check_culler(hub, report, names, admin_token, hub_port, state / "hub.log")
    finally:
        if sampler is not None:
            sampler.stopped.set()
            results["memory"] = {"baseline_used_bytes": sampler.baseline, "peaks_rss_bytes": sampler.peaks,
                                 "used_bytes": sampler.used}
        log("停止 hub（学员的服务器一起停止），删除测试的学员")
        hub_process.send_signal(signal.SIGTERM)
        try:
            hub_process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(hub_process.pid, signal.SIGKILL)
        hub_log.close()
        if args.keep:
            log(f"保留了 {work}（hub 的日志在 state/hub.log）和测试的系统用户")
        else:
            remove_test_users()
            shutil.rmtree(work, ignore_errors=True)


async def check_memory_limit(hub, report, names, tokens, mem_limit):
    """内核分配比上限多 0.5 GB 的内存：应当被 OOM killer 结束（服务器自动重启内核），服务器和别的学员照常。"""
    learner = names[-1]
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    limit = float(mem_limit.rstrip("KMGT")) * units.get(mem_limit[-1], 1)
    kernel = await Kernel(hub, learner, tokens[learner], "classroom-memory-check.ipynb").open()
    msg_id = kernel.send("execute_request", {
        "code": f"x = bytearray({int(limit + 2**29)})  # 每一页都写过（填 0），真的占用内存\nprint('分配成功')",
        "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False,
    })
    outcome = "没有结果"
    try:
        while True:
            msg = await kernel.receive(300)
            state = msg["content"].get("execution_state") if msg["header"]["msg_type"] == "status" else None
            if state in ("restarting", "dead"):
                outcome = f"内核被结束（{state}）"
                break
            if msg["parent_header"].get("msg_id") == msg_id and msg["header"]["msg_type"] == "execute_reply":
                outcome = f"分配成功了（{msg['content']['status']}）：上限没有强制执行"
                break
    except (asyncio.TimeoutError, ConnectionError) as error:
        outcome = f"{type(error).__name__}"
    report.check(outcome.startswith("内核被结束"), f"{learner} 的内核超过 {mem_limit} 的上限：{outcome}")
    await asyncio.sleep(5)
    codes = [(await hub.call("GET", f"/user/{name}/api/status", tokens[name]))[0] for name in names]
    report.check(all(code == 200 for code in codes), f"之后 {learner} 的服务器和别的学员的服务器都照常回答（{codes}）")
    await kernel.close()


async def check_culler(hub, report, names, admin_token, hub_port, hub_log):
    """hub 管理的 idle-culler 服务在运行；再用同样的权限、1 秒的空闲时间运行一次，空闲的服务器都应当被停掉。"""
    text = hub_log.read_text(errors="replace")
    report.check("200 GET /hub/api/users?state=" in text and "(jupyterhub-idle-culler-service@" in text,
                 "hub 的 jupyterhub-idle-culler 服务在运行，能读学员的状态")
    code, data = await hub.call("POST", f"/hub/api/users/{ADMIN}/tokens", admin_token,
                                {"scopes": CULLER_SCOPES, "note": "idle culler test", "expires_in": 600})
    culler = subprocess.Popen(
        [str(PREFIX / "hub/bin/python"), "-m", "jupyterhub_idle_culler", "--timeout=1", "--cull-every=5",
         f"--url=http://127.0.0.1:{hub_port}/hub/api"],
        env={**os.environ, "JUPYTERHUB_API_TOKEN": (data or {}).get("token", "")},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        running = list(names)
        for _ in range(60):
            await asyncio.sleep(1)
            states = [await hub.server_state(name, admin_token) for name in running]
            running = [name for name, (_, server) in zip(running, states) if server]
            if not running:
                break
    finally:
        culler.terminate()
        culler.wait(10)
    report.check(code == 201 and not running, "空闲超过 1 秒的服务器都被 jupyterhub-idle-culler 停掉了"
                 + (f"；还在运行：{running}" if running else ""))


def kernel_pid(uid):
    """某个系统用户的内核进程号（由 root 查 /proc 得到）。"""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if cmdline.parent.stat().st_uid == uid and b"ipykernel_launcher" in cmdline.read_bytes():
                return int(cmdline.parent.name)
        except OSError:
            continue
    raise RuntimeError(f"找不到 uid {uid} 的内核进程")


async def prepare_run(hub, name, token, notebook):
    """学员在自己的服务器上打开自己那份 notebook（经内容 API 读取）并启动内核。"""
    code, data = await hub.call("GET", f"/user/{name}/api/contents/{COURSE_DIR}/{notebook}?content=1", token)
    if code != 200:
        raise RuntimeError(f"{name} 读不到自己的 notebook：{code}")
    nb = nbformat.from_dict(data["content"])
    kernel = await Kernel(hub, name, token, f"{COURSE_DIR}/{notebook}").open()
    return kernel, nb


async def execute_prepared(prepared, timeout):
    kernel, nb = prepared
    return await run_notebook(kernel, nb, timeout)


async def run_in_own_server(hub, name, token, notebook, timeout):
    kernel, nb = await prepare_run(hub, name, token, notebook)
    try:
        return await run_notebook(kernel, nb, timeout)
    finally:
        await kernel.close()


def report_run(report, name, outcome, expected):
    crosses = [line for line in outcome["checks"] if line.startswith("✗")]
    ok = outcome["failed"] is None and not crosses and outcome["checks"] == expected
    detail = outcome["failed"] or (f"✗：{crosses}" if crosses else "")
    if not detail and outcome["checks"] != expected:
        detail = f"检查行与保存的不同：{outcome['checks']}"
    report.check(ok, f"{name}：运行完成，{len(outcome['checks'])} 行检查全是 ✓，用了 {outcome['seconds']:.0f} 秒"
                 if ok else f"{name}：{detail}")


def print_summary(results, report):
    memory = results.get("memory", {})
    peaks = memory.get("peaks_rss_bytes", {})
    alone = results.get("alone")
    together = results.get("together", {})
    if alone and together:
        print("\n学员          单独运行   同时运行   慢了    RSS 峰值（同时）  cgroup 峰值   OOM")
        for name, outcome in together.items():
            cg = outcome.get("cgroup_peak_bytes")
            solo = f"{alone['seconds']:.0f} s" if name == alone["learner"] else "-"
            print(f"{name:<13} {solo:>8} "
                  f"{outcome['seconds']:>8.0f} s {outcome['seconds'] / alone['seconds']:>6.1f}× "
                  f"{gb(peaks.get('同时', {}).get(name, 0)):>14}  {gb(cg) if cg else '-':>12} "
                  f"{outcome.get('oom_kills', '-'):>4}")
        base = memory["baseline_used_bytes"]
        print(f"\n单独运行：{alone['seconds']:.0f} 秒，这个学员的 RSS 峰值 "
              f"{gb(peaks.get('单独', {}).get(alone['learner'], 0))}；整台机器比开始前多用 "
              f"{gb(memory['used_bytes'].get('单独', base) - base)}")
        print(f"{len(together)} 人同时：最后一个在 {results['together_wall_seconds']:.0f} 秒时完成；"
              "整台机器比开始前多用 "
              f"{gb(memory['used_bytes'].get('同时', base) - base)}（开始前已用 {gb(base)}），"
              f"学员 RSS 峰值之和 {gb(sum(peaks.get('同时', {}).values()))}")
    print(f"\n检查：{sum(c['ok'] for c in report.checks)} 项通过，{len(report.failures)} 项失败")
    for text in report.failures:
        print(f"  ✗ {text}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=4, help="同时上课的学员人数（默认 4）")
    parser.add_argument("--notebook", default="notebooks/04_mnist_digit_classification_using_mlp.ipynb",
                        help="每个学员运行的 notebook（相对仓库根目录）")
    parser.add_argument("--mem-limit", default="3G", help="每个学员的内存上限（默认 3G）")
    parser.add_argument("--timeout", type=int, default=900, help="一个单元最多运行多少秒")
    parser.add_argument("--output", default=str(Path(tempfile.gettempdir()) / "classroom-loadtest.json"),
                        help="结果写到这个 JSON 文件")
    parser.add_argument("--keep", action="store_true", help="结束后保留测试目录和测试的系统用户（排查问题用）")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("负载测试需要 root（要为测试的学员建系统用户）：sudo make classroom-test")
    if args.learners < 2:
        sys.exit("至少要 2 个学员（隔离检查需要两个人）")
    if not (PREFIX / "hub/bin/jupyterhub").exists():
        sys.exit(f"{PREFIX} 中还没有装好课堂服务器：用 sudo make classroom-test 运行（它先安装）")
    if subprocess.run(["git", "cat-file", "-e", f"HEAD:{args.notebook}"], cwd=ROOT).returncode != 0:
        sys.exit(f"{args.notebook} 不在最后一次提交中（学员拿到的是已提交的内容）")
    if test_users():
        log("删除上一次测试留下的系统用户")
        remove_test_users()

    report, results = Report(), {"learners": args.learners, "notebook": args.notebook, "mem_limit": args.mem_limit,
                                 "cpus": os.cpu_count(), "memory_total_bytes": os.sysconf("SC_PHYS_PAGES") *
                                 os.sysconf("SC_PAGE_SIZE")}
    try:
        asyncio.run(main_async(args, report, results))
    except Exception as error:  # 意外的错误也算一项失败，照样打印汇总
        report.check(False, f"测试中断：{type(error).__name__}: {error}")
    results["checks"] = report.checks
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print_summary(results, report)
    print(f"结果：{args.output}")
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
