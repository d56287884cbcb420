# TensorFlow 深度学习训练营 — 常用命令（在仓库根目录运行）
#   make lab      安装依赖并在 JupyterLab 中打开课程
#   make slides   安装依赖并把第一课作为幻灯片放映（另一课：make slides NOTEBOOK=notebooks/03_....ipynb）
#   make test     安装依赖并运行全部测试（ruff + 单元测试 + 结构检查 + nbval）
#   make check-machines  在模拟的其他机器上检查输出与检查点（约一小时）
#   make execute  重新执行全部 notebook，刷新其中保存的输出
#                 （只刷新一个：make execute NOTEBOOKS=notebooks/04_mnist_digit_classification_using_mlp.ipynb）
#   make data     从原始文件重新生成 data/*.npz（需要 ../shared/datasets）
#   make images   重新绘制 images/ 下的示意图

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS ?= $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NOTEBOOK ?= notebooks/01_getting_started_with_neural_networks.ipynb

.PHONY: install lab slides test check-machines execute data images clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

install: $(VENV)/.installed

# 以仓库根目录为 JupyterLab 的根：notebook 中的 ../images/ 示意图才能显示
lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(NOTEBOOK)

# RISE 放映模式（离线）：空格 / 方向键翻页，Shift+Enter 运行单元
slides: install
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/rise/$(NOTEBOOK)

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest
	@# 再只用一个核执行一遍全部 notebook：保存的输出不能取决于线程数（没有 taskset 的系统跳过）
	@if command -v taskset >/dev/null 2>&1; then \
		echo "taskset -c 0: 只用一个 CPU 核再用 nbval 执行一遍全部 notebook"; \
		taskset -c 0 $(BIN)/python -m pytest notebooks; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI 上缺少 taskset（util-linux）：无法做单核的第二遍 nbval"; exit 1; \
	else \
		echo "没有 taskset（不是 Linux）：跳过单核的第二遍 nbval"; \
	fi

# 模拟别的机器（单核、关闭 oneDNN、限制指令集）比对保存的输出，并用其他种子检查全部检查点（约一小时）
check-machines: install
	$(BIN)/python tests/check_machines.py

execute: install
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False $(NOTEBOOKS)

data: install
	$(BIN)/python data/build_data.py

images: install
	$(BIN)/python images/draw_figures.py

clean:
	rm -rf $(VENV)
