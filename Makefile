# TensorFlow 深度学习训练营 — 常用命令（在仓库根目录运行）
#   make lab      安装依赖并在 JupyterLab 中打开课程
#   make test     安装依赖并运行全部测试（ruff + 单元测试 + 结构检查 + nbval）
#   make execute  重新执行全部 notebook，刷新其中保存的输出
#                 （只刷新一个：make execute NOTEBOOKS=notebooks/04_mnist_digit_classification_using_mlp.ipynb）
#   make data     从原始文件重新生成 data/*.npz（需要 ../shared/datasets）
#   make images   重新绘制 images/ 下的示意图

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS ?= $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

.PHONY: install lab test execute data images clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

install: $(VENV)/.installed

lab: install
	$(BIN)/jupyter lab notebooks

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

execute: install
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False $(NOTEBOOKS)

data: install
	$(BIN)/python data/build_data.py

images: install
	$(BIN)/python images/draw_figures.py

clean:
	rm -rf $(VENV)
