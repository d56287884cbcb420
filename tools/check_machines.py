"""检查保存的输出在“别的机器”上是否仍然成立（make check-machines）。

学习者的电脑与执行 notebook 的机器 CPU 不同、线程数不同，浮点数求和的顺序就不同，
训练出来的数字会在最后几位上不一样。这个脚本在一台机器上模拟这些差别：

  nbval  在几种“机器变体”下用 nbval 重新执行每个 notebook，并与保存的输出比对，必须全部通过：
         one-core（taskset -c N，只用一个核）、onednn-off（TF_ENABLE_ONEDNN_OPTS=0）、
         isa-avx（ONEDNN_MAX_CPU_ISA=AVX，限制指令集）。
  sweep  用其他随机种子（环境变量 COURSE_SEED，helpers.setup() 用它代替 42，
         之后不带参数的 helpers.set_seed() 也用它）在 default 与 one-core 两种变体下执行每个 notebook，
         不比对输出；每一行 helpers.checkpoint 都必须打印 ✓，且不能出错。
         notebook 的源码不做任何改动：第一个单元必须打印出它收到的种子，否则算失败。
  no-training  让训练什么也不做（tools/no_training.py：优化器的更新和 assign_sub 都不改权重），
         原样执行每个训练模型的 notebook。关于训练结果的检查行这时都必须打印 ✗，
         声明为恒等式（helpers.checkpoint(..., identity=True)，不管训练与否都成立）的必须仍然打印 ✓；
         每一个检查行都必须执行到（没有单元出错）。
  最后按检查点列出：sweep 中实测值的最小值 / 中位数 / 最大值和阈值，以及不训练时的实测值。

用法（在仓库根目录）::

    make check-machines                                        # no-training、nbval 和 sweep 三部分（2 核上约 28 分钟）
    .venv/bin/python tools/check_machines.py nbval --notebooks 04 05
    .venv/bin/python tools/check_machines.py sweep --notebooks 04 --seeds 1 2 3 4 5
    .venv/bin/python tools/check_machines.py no-training

只用一个核的任务会在每个核上各跑一个，同时进行；其余任务依次独占整台机器。
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from course_notebooks import ROOT, checkpoint_calls, code_cells, load, matching, output_texts, seed_line, trains  # noqa: E402

# 变体名 -> (是否只用一个核, 额外的环境变量)
VARIANTS: dict[str, tuple[bool, dict[str, str]]] = {
    "default": (False, {}),
    "one-core": (True, {}),
    "onednn-off": (False, {"TF_ENABLE_ONEDNN_OPTS": "0"}),
    "isa-avx": (False, {"ONEDNN_MAX_CPU_ISA": "AVX"}),
}


NO_TRAINING_ERROR = "no-training error: "


@dataclass
class Job:
    kind: str  # "nbval"、"sweep" 或 "no-training"
    notebook: Path
    variant: str
    seed: int | None = None
    ok: bool = False
    seconds: float = 0.0
    detail: str = ""
    checkpoints: list[dict] = field(default_factory=list)


def command_for(job: Job, out_dir: Path) -> list[str]:
    if job.kind == "nbval":
        return [sys.executable, "-m", "pytest", "-q", str(job.notebook.relative_to(ROOT))]
    out = out_dir / f"{job.notebook.stem}-{job.kind}-{job.variant}-seed{job.seed}.ipynb"
    return [sys.executable, __file__, "_execute", str(job.notebook), str(out)]


def run(job: Job, core: int | None, out_dir: Path) -> Job:
    single_core, extra_env = VARIANTS[job.variant]
    log = out_dir / f"{job.notebook.stem}-{job.kind}-{job.variant}-seed{job.seed}.jsonl"
    log.unlink(missing_ok=True)
    env = {**os.environ, **extra_env, "COURSE_CHECKPOINT_LOG": str(log), "PYTHONHASHSEED": "0"}
    if job.seed is not None:
        env["COURSE_SEED"] = str(job.seed)
    if job.kind == "no-training":
        ipython_dir = out_dir / "ipython-no-training"
        startup = ipython_dir / "profile_default" / "startup"
        startup.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(__file__).with_name("no_training.py"), startup / "00-no-training.py")
        blocked = out_dir / f"{job.notebook.stem}-blocked-updates.txt"
        blocked.unlink(missing_ok=True)
        env.update(IPYTHONDIR=str(ipython_dir), COURSE_NO_TRAINING_LOG=str(blocked))
    cmd = command_for(job, out_dir)
    if single_core:
        cmd = ["taskset", "-c", str(core), *cmd]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    job.seconds = time.perf_counter() - start
    job.checkpoints = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    false_lines = [c for c in job.checkpoints if not c["ok"]]
    job.ok = proc.returncode == 0 and not (job.kind == "sweep" and (false_lines or not job.checkpoints))
    if job.kind == "no-training":
        still_true = [c for c in job.checkpoints if c["ok"] and not c.get("identity")]
        broken = [c for c in job.checkpoints if not c["ok"] and c.get("identity")]
        updates = blocked.read_text().split() if blocked.exists() else []
        errors = [ln[len(NO_TRAINING_ERROR):] for ln in proc.stderr.splitlines() if ln.startswith(NO_TRAINING_ERROR)]
        calls = sum(len(checkpoint_calls(c)) for c in code_cells(load(job.notebook)))
        job.ok = bool(updates) and not still_true and not broken and not errors and len(job.checkpoints) == calls
        job.detail = f"blocked updates: {', '.join(updates) or 'none (training was not intercepted)'}"
        job.detail += f"\n{len(job.checkpoints)} of {calls} checks printed"
        if errors:
            job.detail += "\ncells that raised (their checks printed nothing): " + "; ".join(errors)
        if still_true:
            job.detail += "\nTrue without training: " + "; ".join(c["label"] for c in still_true)
        if broken:
            job.detail += "\ndeclared identities that failed: " + "; ".join(c["label"] for c in broken)
    elif not job.ok:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
        job.detail = "\n".join(tail)
        if false_lines:
            job.detail += "\nFalse: " + "; ".join(f"{c['label']} = {c['value']:.4g}" for c in false_lines)
    status = "ok" if job.ok else "FAILED"
    seed = "" if job.seed is None else f" seed {job.seed}"
    print(f"  {job.kind} {job.notebook.name[:2]} {job.variant}{seed}: {status} ({job.seconds:.0f} s)", flush=True)
    return job


def run_all(jobs: list[Job], out_dir: Path) -> None:
    """先把只用一个核的任务分到各个核上并行跑，再依次跑占满整台机器的任务。"""
    cores: queue.Queue[int] = queue.Queue()
    for core in sorted(os.sched_getaffinity(0)):
        cores.put(core)

    def pinned(job: Job) -> Job:
        core = cores.get()
        try:
            return run(job, core, out_dir)
        finally:
            cores.put(core)

    single = [j for j in jobs if VARIANTS[j.variant][0]]
    with ThreadPoolExecutor(max_workers=cores.qsize()) as pool:
        list(pool.map(pinned, single))
    for job in jobs:
        if not VARIANTS[job.variant][0]:
            run(job, None, out_dir)


def print_nbval_table(jobs: list[Job]) -> None:
    variants = list(dict.fromkeys(j.variant for j in jobs))
    print("\nnbval: stored outputs compared under each variant")
    print("| notebook | " + " | ".join(variants) + " |")
    print("|---|" + "---|" * len(variants))
    for nb in dict.fromkeys(j.notebook for j in jobs):
        cells = []
        for v in variants:
            j = next(j for j in jobs if j.notebook == nb and j.variant == v)
            cells.append(f"{'pass' if j.ok else 'FAIL'} {j.seconds:.0f} s")
        print(f"| {nb.name[:2]} | " + " | ".join(cells) + " |")


def print_sweep_table(jobs: list[Job]) -> None:
    print("\nsweep: runs (outputs not compared; every check must print ✓)")
    for nb in dict.fromkeys(j.notebook for j in jobs):
        runs = [j for j in jobs if j.notebook == nb]
        times = [j.seconds for j in runs]
        failed = [f"{j.variant}/seed {j.seed}" for j in runs if not j.ok]
        print(f"  {nb.name[:2]}: {len(runs)} runs, {len(runs) - len(failed)} ok, "
              f"{min(times):.0f}-{max(times):.0f} s each" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    print("\n| notebook | checkpoint | threshold | min | median | max | runs | False |")
    print("|---|---|---|---|---|---|---|---|")
    for nb in dict.fromkeys(j.notebook for j in jobs):
        records: dict[str, list[dict]] = {}
        for j in jobs:
            if j.notebook == nb:
                for c in j.checkpoints:
                    records.setdefault(c["label"], []).append(c)
        for label, cs in records.items():
            false = sum(not c["ok"] for c in cs)
            if cs[0]["op"] == "between":
                # 上下限随种子而变：报告实测值离两个界限各有多远（比值，大于 1 才通过）
                above_low = [c["value"] / c["threshold"][0] for c in cs]
                below_high = [c["threshold"][1] / c["value"] for c in cs]
                print(f"| {nb.name[:2]} | {label} | between low and high (vary by seed) | "
                      f"value/low {min(above_low):.3g}, high/value {min(below_high):.3g} (worst run) | "
                      f"value/low {statistics.median(above_low):.3g}, high/value {statistics.median(below_high):.3g} | "
                      f"value/low {max(above_low):.3g}, high/value {max(below_high):.3g} | {len(cs)} | {false} |")
                continue
            vals = [c["value"] for c in cs]
            print(f"| {nb.name[:2]} | {label} | {cs[0]['op']} {cs[0]['threshold']:g} | {min(vals):.4g} | "
                  f"{statistics.median(vals):.4g} | {max(vals):.4g} | {len(vals)} | {false} |")


def print_no_training_table(jobs: list[Job]) -> None:
    print("\nno-training: every check about what training did must print False when nothing is trained")
    for j in jobs:
        print(f"  {j.notebook.name[:2]}: {j.detail.splitlines()[0]}")
    print("\n| notebook | check | value without training | threshold | without training | declared identity |")
    print("|---|---|---|---|---|---|")
    for j in jobs:
        for c in j.checkpoints:
            t = c["threshold"]
            shown = f"between {t[0]:.4g} and {t[1]:.4g}" if c["op"] == "between" else f"{c['op']} {t:g}"
            print(f"| {j.notebook.name[:2]} | {c['label']} | {c['value']:.4g} | {shown} | "
                  f"{'✓' if c['ok'] else '✗'} | {'yes' if c.get('identity') else ''} |")
    counted = [c for j in jobs for c in j.checkpoints if not c.get("identity")]
    print(f"\n{sum(c['ok'] for c in counted)} of {len(counted)} undeclared checks still print True without training")


def execute_with_seed(notebook: Path, out: Path) -> int:
    """子进程：原样执行整个 notebook（内核从环境变量 COURSE_SEED 得到种子），检查错误与 stderr。

    “不训练”的运行（设置了 COURSE_NO_TRAINING_LOG）不换种子，出错也继续执行后面的单元，不检查输出。
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    no_training = "COURSE_NO_TRAINING_LOG" in os.environ
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=1200, kernel_name="python3", allow_errors=no_training,
                            resources={"metadata": {"path": str(notebook.parent)}})
    try:
        client.execute()
        code = 0
    except CellExecutionError as err:
        print(str(err)[-3000:], file=sys.stderr)
        code = 1
    nbformat.write(nb, out)
    if no_training:  # 出错的单元照样报告：它后面的检查行没有打印出来
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    print(f"{NO_TRAINING_ERROR}{output['ename']} in {cell.source[:60]!r}", file=sys.stderr)
        return 0
    seed = os.environ["COURSE_SEED"]
    printed = "".join(text for cell in nb.cells for text in output_texts(cell))
    if seed_line(seed) not in printed:
        print(f"{notebook.name}: 没有打印出种子 {seed}：helpers.setup() 没有用 COURSE_SEED", file=sys.stderr)
        code = code or 1
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" or output.get("name") == "stderr":
                print(f"{notebook.name}: 单元输出了错误或 stderr：{cell.source[:60]!r}", file=sys.stderr)
                code = code or 1
    return code


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "_execute":
        return execute_with_seed(Path(sys.argv[2]), Path(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["all", "nbval", "sweep", "no-training"], nargs="?", default="all")
    parser.add_argument("--notebooks", nargs="*", help="notebook 编号前缀，例如 04 05（默认全部）")
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3, 4, 5])
    parser.add_argument("--nbval-variants", nargs="*", default=["one-core", "onednn-off", "isa-avx"],
                        choices=list(VARIANTS))
    parser.add_argument("--sweep-variants", nargs="*", default=["default", "one-core"], choices=list(VARIANTS))
    args = parser.parse_args()

    notebooks = matching(args.notebooks)
    if not notebooks:
        sys.exit(f"没有找到 notebook：{args.notebooks}")
    out_dir = Path(tempfile.mkdtemp(prefix="check-machines-"))
    print(f"executed notebooks and checkpoint logs: {out_dir}", flush=True)
    start = time.perf_counter()
    nbval_jobs = [Job("nbval", nb, v) for nb in notebooks for v in args.nbval_variants]
    # 不训练模型的 notebook 换种子没有意义，不进入 sweep
    trained = [nb for nb in notebooks if trains(load(nb))]
    sweep_jobs = [Job("sweep", nb, v, s) for nb in trained for v in args.sweep_variants for s in args.seeds]
    no_training_jobs = [Job("no-training", nb, "default") for nb in trained]
    if args.part in ("all", "no-training"):
        print("no-training runs:", flush=True)
        run_all(no_training_jobs, out_dir)
    if args.part in ("all", "nbval"):
        print("nbval under machine variants:", flush=True)
        run_all(nbval_jobs, out_dir)
    if args.part in ("all", "sweep"):
        print("sweep over seeds:", flush=True)
        run_all(sweep_jobs, out_dir)
    if args.part in ("all", "nbval"):
        print_nbval_table(nbval_jobs)
    if args.part in ("all", "sweep"):
        print_sweep_table(sweep_jobs)
    if args.part in ("all", "no-training"):
        print_no_training_table(no_training_jobs)
    ran = {"all": no_training_jobs + nbval_jobs + sweep_jobs, "nbval": nbval_jobs, "sweep": sweep_jobs,
           "no-training": no_training_jobs}[args.part]
    failed = [j for j in ran if not j.ok]
    for j in failed:
        print(f"\n--- {j.kind} {j.notebook.name} {j.variant} seed {j.seed}:\n{j.detail}")
    print(f"\n{len(ran) - len(failed)} passed, {len(failed)} failed in {time.perf_counter() - start:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
