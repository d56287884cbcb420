"""helpers.checkpoint 与 make check-machines 用到的种子替换。"""

import json
import sys
from pathlib import Path

import pytest

import helpers

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_machines  # noqa: E402


def test_checkpoint_prints_a_stable_line(capsys):
    # 不返回值：放在单元最后一行时，notebook 不会再多显示一个 Out[n]: True
    assert helpers.checkpoint("test accuracy", 0.98123, ">=", 0.97) is None
    assert capsys.readouterr().out == "test accuracy >= 0.97: True\n"
    helpers.checkpoint("loss", 0.3, "<", 0.25)
    assert capsys.readouterr().out == "loss < 0.25: False\n"


def test_checkpoint_rejects_an_unknown_comparison():
    with pytest.raises(ValueError, match="op"):
        helpers.checkpoint("x", 1.0, "=>", 0.5)


def test_checkpoint_logs_the_value_when_asked(tmp_path, monkeypatch, capsys):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("COURSE_CHECKPOINT_LOG", str(log))
    helpers.checkpoint("gap", 0.0123, ">", 0)
    helpers.checkpoint("gap", -0.5, ">", 0)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["value"] for r in records] == [0.0123, -0.5]
    assert [r["ok"] for r in records] == [True, False]


def test_sweep_finds_the_seed_in_every_notebook():
    for path in check_machines.notebooks_matching(None):
        text = path.read_text(encoding="utf-8")
        assert check_machines.SETUP_CALL.search(text), f"{path.name}：找不到 helpers.setup(42)，种子扫描无法替换"
