# TensorFlow 深度学习训练营 — 常用命令（在仓库根目录运行）
#   make lab      安装依赖并在 JupyterLab 中打开课程
#   make slides   安装依赖并把第一课作为幻灯片放映（另一课：make slides NOTEBOOK=notebooks/03_....ipynb）
#   make test     安装依赖并运行全部测试（ruff + 单元测试 + 结构检查 + 浏览器 + nbval，再单核 nbval 一遍）
#   make test-fast  改代码时的快速循环：除了执行 notebook 和浏览器测试以外的全部测试（不到一分钟）
#   make check-machines  检查行在不训练时都失败；在模拟的其他机器上检查输出与检查点（2 核上约 28 分钟）
#   make execute  重新执行全部 notebook，刷新其中保存的输出
#                 （只刷新一个：make execute NOTEBOOKS=notebooks/04_mnist_digit_classification_using_mlp.ipynb）
#   make data RAW=目录  从原始文件重新生成 data/*.npz（原始文件怎样取得见 data/README.md）
#   make images   重新绘制 images/ 下的示意图
#   make book     把课程做成离线可读的静态网站 _build/book/html，并打成 _build/tf-bootcamp-book.zip（不重新执行 notebook）
#   sudo make classroom       在这台服务器上为一个班启动 JupyterHub：每个学员自己的系统用户和一份课程（classroom/README.md）
#   sudo make classroom-publish  提交了改动之后，把课程的更新发布给学员（不用重启 hub）
#   sudo make classroom-test  课堂的负载测试：LEARNERS=4 个学员同时在各自的服务器上运行第 04 课，检查隔离（2 核上约 4 分钟）

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS ?= $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NOTEBOOK ?= notebooks/01_getting_started_with_neural_networks.ipynb

.PHONY: install lab slides test test-fast check-machines execute data images book book-zip clean
.PHONY: classroom classroom-system classroom-install classroom-publish classroom-test

# 创建 .venv、安装依赖之前，先检查所用的 Python：TensorFlow 2.21 只为 Python 3.10～3.13 提供安装包。
# 换一个 Python：make lab PYTHON=python3.12；单独检查：make check-python
define PYTHON_HELP
请安装 Python 3.10～3.13 中的一个（推荐 3.12），再用 PYTHON=... 告诉 make 用它：
  Windows：从 python.org 下载 Python 3.12 安装程序，然后按 README“不用 make”一节，
           用 py -3.12 -m venv .venv 创建环境
  macOS：  brew install python@3.12，然后 make lab PYTHON=python3.12
  Linux：  sudo apt install python3.12 python3.12-venv，然后 make lab PYTHON=python3.12
           （发行版没有这个包时用 uv：uv python install 3.12，
           然后 make lab PYTHON="$$(uv python find 3.12)"）
如果 .venv 是之前用别的 Python 建的，先运行 make clean 删除它，再重新运行。
endef
export PYTHON_HELP
check_python = v=$$($(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
	case "$$v" in \
	3.10|3.11|3.12|3.13) echo "Python 版本检查通过：$(1) 是 Python $$v";; \
	"") echo "找不到可以运行的 Python：$(1)" >&2; printf '%s\n' "$$PYTHON_HELP" >&2; exit 1;; \
	*) echo "$(1) 是 Python $$v，但课程需要 Python 3.10～3.13（TensorFlow 2.21 只支持这些版本）。" >&2; \
	   printf '%s\n' "$$PYTHON_HELP" >&2; exit 1;; \
	esac

.PHONY: check-python
check-python:
	@$(call check_python,$(PYTHON))

$(BIN)/python:
	@$(call check_python,$(PYTHON))
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	@$(call check_python,$(BIN)/python)
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

# 课程网站的依赖（Sphinx、MyST-NB、主题、离线的 MathJax、中文分词）单独列在 book/requirements.txt：学习者用不到
$(VENV)/.book-installed: book/requirements.txt $(VENV)/.installed
	$(BIN)/python -m pip install -r book/requirements.txt
	touch $@

# 从 notebook 中保存的输出构建静态网站（2 核上约 10 秒），同时写出给老师拷贝的 zip
book: $(VENV)/.book-installed
	$(BIN)/python tools/build_book.py

book-zip: book

test: install $(VENV)/.book-installed
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

# 快速循环：ruff 和除了 nbval（执行 notebook）、浏览器以外的全部测试
test-fast: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not notebook and not browser"

# 不训练时每行检查都必须失败（恒等式除外）；模拟别的机器（单核、关闭 oneDNN、限制指令集）比对保存的输出；
# 用其他种子检查全部检查点（2 核上约 28 分钟）
check-machines: install
	$(BIN)/python tools/check_machines.py

execute: install
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False $(NOTEBOOKS)

data: install
	@if [ -z "$(RAW)" ]; then \
		echo "请用 RAW=目录 给出原始文件所在的目录，例如 make data RAW=~/raw-datasets；" >&2; \
		echo "原始文件不在仓库里，怎样取得见 data/README.md“如何重新生成”一节。" >&2; exit 2; \
	fi
	$(BIN)/python data/build_data.py --source "$(RAW)"

images: install
	$(BIN)/python images/draw_figures.py

clean:
	rm -rf $(VENV) _build

# 课堂服务器（classroom/，需要 root）：hub 的环境、学员共用的环境（课程的依赖 + jupyterhub-singleuser + nbgitpuller）
# 和代理 configurable-http-proxy 都装在 CLASSROOM_PREFIX 下，与 .venv 分开：学员只读共用，make clean 也碰不到上课中的 hub
CLASSROOM_PREFIX ?= /opt/tf-bootcamp
# 学员的系统用户要能运行这个 Python：用系统自带的（root 家目录里的 pyenv、conda 之类别人读不到）
CLASSROOM_PYTHON ?= /usr/bin/python3
LEARNERS ?= 4
LOAD_NOTEBOOK ?= notebooks/04_mnist_digit_classification_using_mlp.ipynb
CLASSROOM_RUN = CLASSROOM_PREFIX=$(CLASSROOM_PREFIX)
need_root = if [ "$$(id -u)" != 0 ]; then echo "课堂服务器需要 root（要为每个学员建系统用户）：sudo make $(1)" >&2; exit 1; fi

# 系统的包：Node 和 npm（代理）、git（nbgitpuller）、中文字体、venv；缺了就用 apt-get 装
classroom-system:
	@$(call need_root,classroom)
	@missing=""; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v git >/dev/null 2>&1 || missing="$$missing git"; \
	fc-list 2>/dev/null | grep -qi "noto.*cjk" || missing="$$missing fonts-noto-cjk"; \
	$(CLASSROOM_PYTHON) -m ensurepip --version >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		command -v apt-get >/dev/null 2>&1 || { echo "请先安装：$$missing" >&2; exit 1; }; \
		echo "安装系统的包：$$missing"; apt-get update && apt-get install -y $$missing; \
	fi

$(CLASSROOM_PREFIX)/hub/.installed: classroom/requirements-hub.txt | classroom-system
	@$(call check_python,$(CLASSROOM_PYTHON))
	$(CLASSROOM_PYTHON) -m venv $(CLASSROOM_PREFIX)/hub
	$(CLASSROOM_PREFIX)/hub/bin/python -m pip install --upgrade pip
	$(CLASSROOM_PREFIX)/hub/bin/python -m pip install -r classroom/requirements-hub.txt
	touch $@

$(CLASSROOM_PREFIX)/user/.installed: classroom/requirements-user.txt requirements.txt | classroom-system
	@$(call check_python,$(CLASSROOM_PYTHON))
	$(CLASSROOM_PYTHON) -m venv $(CLASSROOM_PREFIX)/user
	$(CLASSROOM_PREFIX)/user/bin/python -m pip install --upgrade pip
	$(CLASSROOM_PREFIX)/user/bin/python -m pip install -r classroom/requirements-user.txt
	touch $@

# configurable-http-proxy 5 要 Node 22 以上；Ubuntu 22.04/24.04、Debian 12 自带的 Node 较旧，用 4.6（支持 Node 10 以上）
$(CLASSROOM_PREFIX)/proxy/.installed: | classroom-system
	@if node -e 'process.exit(parseInt(process.versions.node) >= 22 ? 0 : 1)'; then v=5; else v=4.6; fi; \
	echo "npm install configurable-http-proxy@$$v（Node $$(node --version)）"; \
	npm install --prefix $(CLASSROOM_PREFIX)/proxy --no-audit --no-fund configurable-http-proxy@$$v
	touch $@

classroom-install: $(CLASSROOM_PREFIX)/hub/.installed $(CLASSROOM_PREFIX)/user/.installed \
		$(CLASSROOM_PREFIX)/proxy/.installed
	install -D -m 755 classroom/start-singleuser $(CLASSROOM_PREFIX)/bin/start-singleuser
	@runuser -u nobody -- $(CLASSROOM_PREFIX)/user/bin/python -c "import jupyterhub, nbgitpuller" || { \
		echo "学员的系统用户运行不了 $(CLASSROOM_PREFIX)/user/bin/python（它的 Python 在别人读不到的地方？）。" >&2; \
		echo "用系统的 Python 重新安装：rm -rf $(CLASSROOM_PREFIX)/hub $(CLASSROOM_PREFIX)/user，" >&2; \
		echo "再 sudo make classroom CLASSROOM_PYTHON=/usr/bin/python3" >&2; exit 1; }

# 发布课程、打印网址和密码，然后在前台运行 hub（Ctrl+C 停止）；长期运行见 classroom/README.md 的 systemd 服务
classroom: classroom-install
	$(CLASSROOM_RUN) $(CLASSROOM_PREFIX)/hub/bin/python classroom/prepare.py
	cd $(CLASSROOM_PREFIX) && $(CLASSROOM_RUN) $(CLASSROOM_PREFIX)/hub/bin/jupyterhub -f $(CURDIR)/classroom/jupyterhub_config.py

classroom-publish: classroom-install
	$(CLASSROOM_RUN) $(CLASSROOM_PREFIX)/hub/bin/python classroom/prepare.py --publish

# 在回环地址上启动一个测试用的 hub（不影响正在上课的 hub），LEARNERS 个学员同时运行 LOAD_NOTEBOOK；
# 快速试一下：sudo make classroom-test LEARNERS=2 LOAD_NOTEBOOK=notebooks/01_getting_started_with_neural_networks.ipynb
classroom-test: classroom-install
	$(CLASSROOM_RUN) $(CLASSROOM_PREFIX)/user/bin/python classroom/load_test.py \
		--learners $(LEARNERS) --notebook $(LOAD_NOTEBOOK)
