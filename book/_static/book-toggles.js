// sphinx-book-theme 1.4 与 pydata-sphinx-theme 0.20 一起用时，页眉里多出一组隐藏的侧栏按钮（#pst-header 中），
// 两个主题的脚本都绑到了这组看不见的按钮上，页面上能点的“☰”和“目录”按钮就没有反应（手机上打不开课程列表）。
// 在主题的脚本运行之前把这组隐藏的按钮去掉（本文件以 defer 方式加载，排在主题脚本之前）。
document.querySelectorAll("#pst-header .primary-toggle, #pst-header .secondary-toggle").forEach((b) => b.remove());
