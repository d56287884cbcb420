"""课程网站（make book）的 Sphinx 配置：tools/build_book.py 把它和 notebook 一起复制到构建目录再运行 Sphinx。

只用本机的东西：notebook 不重新执行（显示保存的、经过测试的输出），MathJax 随 sphinx-mathjax-offline 附带，
主题的字体和图标随 sphinx-book-theme 附带，中文搜索用 jieba 分词（book/search_dict.txt 补充课程里的术语）。
"""

from pathlib import Path

project = "TensorFlow 深度学习训练营"
author = "TensorFlow 深度学习训练营的作者们"
copyright = "课程的作者们；许可见仓库中的 LICENSE"
language = "zh_CN"

extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

nb_execution_mode = "off"  # 不重新执行：网站显示 notebook 中保存的输出
nb_merge_streams = True
nb_code_prompt_show = "••• 点击展开代码"  # 折叠起来的代码（hide-input），和 JupyterLab 中的“•••”一致
nb_code_prompt_hide = "点击收起代码"
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
# MathJax 3：用 sphinx-mathjax-offline 包里附带的文件（tools/build_book.py 只复制用得到的那几部分到 _mathjax）
html_static_path = ["_static", "_mathjax"]
mathjax_path = "mathjax/tex-chtml.js"
html_css_files = ["book.css"]
html_js_files = [("book-toggles.js", {"defer": "defer"})]
html_show_copyright = False
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
html_theme_options = {
    "show_toc_level": 2,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": True,
}
html_search_language = "zh"
html_search_options = {"dict": str(Path(__file__).with_name("search_dict.txt"))}
