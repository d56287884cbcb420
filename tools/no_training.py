"""“不训练”检查用的 IPython 启动文件：内核里的每一次权重更新都什么也不做。

``tools/check_machines.py no-training`` 把它复制进一个临时 IPYTHONDIR 的 profile_default/startup/，
内核启动时（在 notebook 的第一个单元之前）执行它。之后：

- Keras 优化器的 ``apply``（``model.fit`` 和 ``optimizer.apply_gradients`` 都经过它）不改任何权重；
- ``Variable.assign_sub``（手写循环里的 ``w.assign_sub(lr * g)``）不改变量。

前向计算、损失、梯度都照常算，只是权重停在初始值。每种被拦下的更新在环境变量
COURSE_NO_TRAINING_LOG 指定的文件里记一行，证明训练确实被拦下了（而不是根本没有训练）。
"""

import os
import sys

sys.path.insert(0, os.getcwd())  # 内核在 notebook 所在的目录启动：先安静地导入 TensorFlow
import course_kernel  # noqa: E402

course_kernel.start()

import keras  # noqa: E402
from keras.src.optimizers.base_optimizer import BaseOptimizer  # noqa: E402

_blocked: set[str] = set()


def _note(what: str) -> None:
    if what not in _blocked:
        _blocked.add(what)
        with open(os.environ["COURSE_NO_TRAINING_LOG"], "a", encoding="utf-8") as f:
            f.write(what + "\n")


def _apply_nothing(self, grads, trainable_variables=None):
    _note("optimizer.apply")
    self.iterations.assign_add(1)  # 步数照常增加，权重不变


def _assign_sub_nothing(self, value):
    _note("Variable.assign_sub")
    return self


BaseOptimizer.apply = _apply_nothing
keras.Variable.assign_sub = _assign_sub_nothing
