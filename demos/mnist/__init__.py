"""MNIST: the course's single-layer network (three activations), then a small MLP.

``python -m demos.mnist --out DIR [--quick] [--param KEY=VALUE ...]``. Light on purpose:
the site build imports this module to read the constants below.
"""

from __future__ import annotations

TITLE = "Reconnaître des chiffres manuscrits (MNIST) avec un réseau de neurones"

#: The four IDX files (uncompressed content) and their SHA-256, verified before use.
DATA: dict[str, str] = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

TIMEOUT_S = 900

#: Default parameters. ``--quick`` caps the sizes (see ``demos.mnist.__main__``).
PARAMS: dict[str, object] = {
    "seed": 0,
    # The course's recipe: 784 → 10, MSE on one-hot labels, full-batch gradient descent.
    "epochs": 1000,
    "learning_rate": 0.01,
    "init_std": 0.01,
    # Beyond the course: 784 → hidden → 10, ReLU, softmax cross-entropy, Adam.
    "mlp_hidden": 128,
    "mlp_epochs": 12,
    "mlp_batch": 128,
    "mlp_learning_rate": 0.001,
    # 0: every image of the set.
    "train_limit": 0,
    "test_limit": 0,
    "backend": "auto",
    # A folder holding the four IDX files (raw or .gz); "" : the MNIST_DIR variable,
    # then the data cache, then a download.
    "data_dir": "",
}
