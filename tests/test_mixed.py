"""Mixed tables: numeric and categorical columns in every estimator."""

import numpy as np
import pytest
import torch
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skgan import (
    GAINImputer,
    GAMOClassifier,
    GAMOResampler,
    HexaGANClassifier,
    HexaGANImputer,
    MisGANImputer,
)
from skgan._nn import masked_mse
from skgan._schema import ColumnSchema, EncodedLayout, resolve_categorical

pd = pytest.importorskip("pandas")

IMPUTERS = [
    GAINImputer(max_iter=2, random_state=0),
    MisGANImputer(max_iter=2, random_state=0),
    MisGANImputer(max_iter=2, adversarial=True, blend_with=None, random_state=0),
    HexaGANImputer(max_iter=2, random_state=0),
    HexaGANImputer(max_iter=2, adversarial=True, blend_with=None, random_state=0),
]
IMPUTER_IDS = ["gain", "misgan", "misgan-paper", "hexagan", "hexagan-paper"]
CATEGORICAL = ["colour", "flag", "grade"]


def mixed_frame(n=80, seed=0, missing=0.2):
    """Numeric and categorical columns (category, object bool, string) with
    NaN, None and pd.NA as missing entries."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], n)
    frame = pd.DataFrame(
        {
            "a": a,
            "colour": pd.Categorical(colour, categories=["blue", "green", "red", "unused"]),
            "b": 2 * a + (colour == "red") + rng.normal(scale=0.1, size=n),
            "flag": pd.Series(rng.random(n) < 0.3, dtype=object),
            "grade": pd.array(rng.choice(["lo", "hi"], n), dtype="string"),
        }
    )
    for column in frame:
        holes = rng.random(n) < missing
        frame.loc[holes, column] = None
    frame.loc[0, "grade"] = pd.NA
    return frame


def labels(frame, seed=0, unlabeled=0.0):
    rng = np.random.default_rng(seed)
    y = np.where(frame["a"].fillna(0) + (frame["colour"] == "red") > 0.5, 1, 0)
    y[rng.random(len(y)) < unlabeled] = -1
    return y


def seen_categories(frame):
    return {c: set(frame[c].dropna()) for c in CATEGORICAL}


def assert_valid_categories(table, frame):
    for column, seen in seen_categories(frame).items():
        assert set(pd.Series(table[column]).dropna()) <= seen, column


def assert_observed_kept(out, frame):
    observed = frame.notna().to_numpy()
    for j, column in enumerate(frame):
        got = pd.Series(out[column] if hasattr(out, "columns") else out[:, j])
        given = frame[column]
        assert (got[observed[:, j]].to_numpy() == given[observed[:, j]].to_numpy()).all()


# -- the schema -----------------------------------------------------------------
def test_resolve_categorical_forms():
    frame = mixed_frame()
    expected = np.array([False, True, False, True, True])
    assert (resolve_categorical(frame, "from_dtype") == expected).all()
    assert (resolve_categorical(frame, [1, 3, 4]) == expected).all()
    assert (resolve_categorical(frame, expected) == expected).all()
    assert (resolve_categorical(frame, CATEGORICAL) == expected).all()
    assert resolve_categorical(frame, None) is None
    assert resolve_categorical(frame, []) is None
    assert resolve_categorical(frame.to_numpy(), "from_dtype") is None
    with pytest.raises(ValueError, match="not columns of X"):
        resolve_categorical(frame, ["nope"])
    with pytest.raises(ValueError, match="integer indices"):
        resolve_categorical(frame, [7])
    with pytest.raises(ValueError, match="boolean mask"):
        resolve_categorical(frame, [True, False])
    with pytest.raises(ValueError, match="feature names"):
        resolve_categorical(frame.to_numpy(), ["colour"])


def test_schema_encodes_one_hot_and_marks_missing_blocks():
    frame = mixed_frame()
    schema = ColumnSchema(frame, resolve_categorical(frame, "from_dtype"))
    encoded, _, missing = schema.encode(frame)
    # a, colour (3 seen categories; "unused" is never observed), b, flag, grade.
    assert list(schema.widths) == [1, 3, 1, 2, 2]
    colour = encoded[:, 1:4]
    assert np.isnan(colour[missing[:, 1]]).all()
    assert (colour[~missing[:, 1]].sum(axis=1) == 1).all()
    decoded = schema.decode(np.nan_to_num(encoded))
    observed = ~missing[:, 1]
    assert (decoded[1][observed] == frame["colour"].to_numpy()[observed]).all()


def test_numeric_layout_is_the_numeric_code_path():
    """A layout without categorical blocks gives the numeric heads, loss and
    random draws exactly: numeric tables are unchanged by mixed support."""
    layout = EncodedLayout.numeric(4)
    assert not layout.mixed and layout.output_head() == "sigmoid"
    g = torch.Generator().manual_seed(0)
    pred, target = torch.rand(5, 4, generator=g), torch.rand(5, 4, generator=g)
    mask = (torch.rand(5, 4, generator=g) < 0.5).float()
    assert torch.equal(layout.reconstruction_loss(pred, target, mask), masked_mse(pred, target, mask))
    values = torch.rand(5, 4, generator=g)
    assert layout.expand(values) is values
    assert layout.per_column(values) is values


@pytest.mark.parametrize("imputer", IMPUTERS[::2], ids=IMPUTER_IDS[::2])
def test_numeric_frame_is_the_numeric_array_bit_for_bit(imputer):
    """A numeric table takes the numeric code path whatever its form: the
    array, its DataFrame with categorical_features="from_dtype" (the
    default) and with None give the same bits."""
    X = mixed_frame().drop(columns=CATEGORICAL)
    array = X.to_numpy(dtype=float)
    outputs = [clone(imputer).fit_transform(array)]
    for categorical in ("from_dtype", None):
        est = clone(imputer).set_params(categorical_features=categorical)
        outputs.append(est.fit_transform(X))
    for out in outputs[1:]:
        np.testing.assert_array_equal(out, outputs[0])
    y = (array[:, 0] > 0).astype(int)
    y[::9] = -1
    predictions = [
        HexaGANClassifier(max_iter=2, random_state=0, categorical_features=c)
        .fit(data, y).predict_proba(data)
        for c, data in (("from_dtype", array), ("from_dtype", X), (None, X))
    ]
    for proba in predictions[1:]:
        np.testing.assert_array_equal(proba, predictions[0])
    labels = np.where(np.arange(len(X)) < 15, 1, 0)
    complete = np.nan_to_num(array)
    frame = pd.DataFrame(complete)
    resampled = [
        GAMOResampler(max_iter=2, random_state=0, categorical_features=c)
        .fit_resample(data, labels)[0]
        for c, data in (("from_dtype", complete), ("from_dtype", frame), (None, frame))
    ]
    for rows in resampled[1:]:
        np.testing.assert_array_equal(np.asarray(rows, dtype=float), resampled[0])


def test_grouped_layout_heads_losses_and_masks():
    # Columns: numeric, a 3-category block, numeric.
    layout = EncodedLayout([0, 1, 1, 1, 2], [False, True, True, True, False])
    assert layout.groups == [(1, 4)] and layout.n_columns == 3
    out = layout.output_head()(torch.randn(6, 5))
    assert torch.allclose(out[:, 1:4].sum(dim=1), torch.ones(6))
    assert ((out[:, [0, 4]] > 0) & (out[:, [0, 4]] < 1)).all()
    per_column = torch.rand(6, 3)
    spread = layout.expand(per_column)
    assert (spread[:, 1] == spread[:, 2]).all() and (spread[:, 2] == spread[:, 3]).all()
    assert torch.equal(layout.per_column(spread), per_column)
    target = torch.tensor([[0.5, 0.0, 1.0, 0.0, 0.5]])
    pred = torch.tensor([[0.5, 0.25, 0.5, 0.25, 0.5]])
    loss = layout.reconstruction_loss(pred, target, torch.ones(1, 5))
    # Numeric errors 0, categorical -log 0.5, over 3 entries.
    assert loss.item() == pytest.approx(np.log(2) / 3)


# -- imputers -------------------------------------------------------------------
@pytest.mark.parametrize("imputer", IMPUTERS, ids=IMPUTER_IDS)
def test_imputer_mixed_pandas_output_keeps_dtypes(imputer):
    frame = mixed_frame()
    out = clone(imputer).set_output(transform="pandas").fit(frame).transform(frame)
    assert list(out.columns) == list(frame.columns)
    assert (out.index == frame.index).all()
    for column in frame:
        assert out[column].dtype == frame[column].dtype, column
    assert out["colour"].cat.categories.tolist() == ["blue", "green", "red", "unused"]
    assert not out.isna().any().any()
    assert_valid_categories(out, frame)
    assert_observed_kept(out, frame)


@pytest.mark.parametrize("imputer", IMPUTERS, ids=IMPUTER_IDS)
def test_imputer_mixed_numpy_output_and_determinism(imputer):
    frame = mixed_frame()
    fitted = clone(imputer).fit(frame)
    out = fitted.transform(frame)
    assert out.dtype == object and out.shape == frame.shape
    assert (pd.DataFrame(out).isna().sum().sum()) == 0
    assert_valid_categories(pd.DataFrame(out, columns=frame.columns), frame)
    assert_observed_kept(out, frame)
    again = fitted.transform(frame)
    assert all((pd.Series(a) == pd.Series(b)).all() for a, b in zip(out.T, again.T))


@pytest.mark.parametrize("imputer", IMPUTERS[:2], ids=IMPUTER_IDS[:2])
def test_multiple_imputations_draw_valid_categories(imputer):
    frame = mixed_frame(n=120)
    fitted = clone(imputer).set_output(transform="pandas").fit(frame)
    draws = fitted.multiple_imputations(frame, 4, random_state=0)
    for draw in draws:
        assert_valid_categories(draw, frame)
        assert_observed_kept(draw, frame)
        assert draw["colour"].dtype == frame["colour"].dtype
    again = fitted.multiple_imputations(frame, 4, random_state=0)
    assert all(a.equals(b) for a, b in zip(draws, again))
    missing = frame["colour"].isna()
    drawn = pd.concat([d.loc[missing, "colour"].astype(str) for d in draws], axis=1)
    assert (drawn.nunique(axis=1) > 1).any()  # draws, not the argmax every time


def test_imputer_object_array_with_categorical_indices():
    frame = mixed_frame()
    X = frame.astype(object).where(frame.notna(), np.nan).to_numpy()
    out = HexaGANImputer(max_iter=2, random_state=0, categorical_features=[1, 3, 4]).fit_transform(X)
    assert out.dtype == object
    assert set(out[:, 1]) <= {"red", "green", "blue"}


def test_unseen_category_is_a_clear_error():
    frame = mixed_frame()
    other = frame.copy()
    other["grade"] = other["grade"].astype(object)
    other.loc[1, "grade"] = "never seen"
    for estimator in [
        MisGANImputer(max_iter=2, random_state=0).fit(frame),
        HexaGANClassifier(max_iter=2, random_state=0).fit(frame, labels(frame)),
    ]:
        method = getattr(estimator, "transform", getattr(estimator, "predict", None))
        with pytest.raises(ValueError, match="unknown categories 'never seen' in column 4"):
            method(other)
    complete = frame.dropna()
    gamo = GAMOClassifier(max_iter=2, random_state=0).fit(complete, labels(complete))
    bad = complete.astype({"grade": object})
    bad.iloc[0, 4] = "never seen"
    with pytest.raises(ValueError, match="unknown categories"):
        gamo.predict(bad)


def test_categorical_column_missing_everywhere():
    frame = mixed_frame()
    frame["empty"] = pd.Series([None] * len(frame), dtype=object)
    with pytest.warns(UserWarning, match=r"Skipping features.*\[5\]"):
        out = GAINImputer(max_iter=2, random_state=0).set_output(
            transform="pandas"
        ).fit_transform(frame)
    assert "empty" not in out.columns and not out.isna().any().any()
    kept = GAINImputer(max_iter=2, keep_empty_features=True, random_state=0)
    out = kept.set_output(transform="pandas").fit_transform(frame)
    assert out["empty"].isna().all() and not out.drop(columns="empty").isna().any().any()


def test_auto_blend_leaves_knn_out_on_mixed_tables_only():
    frame = mixed_frame()
    imputer = MisGANImputer(max_iter=1, random_state=0).fit(frame)
    weighed = {"network", "iterative", "forest", "most_frequent"}
    assert set(imputer.blend_weights_["numeric"]) == weighed
    assert "knn" not in imputer.blend_.members_
    numeric = frame.drop(columns=CATEGORICAL)
    imputer = MisGANImputer(max_iter=1, random_state=0).fit(numeric)
    assert set(imputer.blend_weights_) == {"network", "iterative", "knn", "forest"}
    # Named explicitly, KNN blends on a mixed table too.
    members = ("iterative", "knn", "forest")
    imputer = MisGANImputer(max_iter=1, blend_with=members, random_state=0).fit(frame)
    assert set(imputer.blend_weights_["numeric"]) == weighed | {"knn"}


def test_single_category_column():
    frame = mixed_frame()
    frame["one"] = pd.Categorical(np.where(np.arange(len(frame)) % 3, "only", None))
    out = MisGANImputer(max_iter=2, random_state=0).set_output(
        transform="pandas"
    ).fit_transform(frame)
    assert (out["one"] == "only").all()


def test_add_indicator_on_mixed_table():
    frame = mixed_frame()
    imputer = HexaGANImputer(max_iter=2, add_indicator=True, random_state=0)
    out = imputer.set_output(transform="pandas").fit_transform(frame)
    names = imputer.get_feature_names_out()
    assert list(out.columns) == list(names) and len(names) == 2 * frame.shape[1]
    flags = out[[f"missingindicator_{c}" for c in frame]].to_numpy()
    assert (flags == frame.isna().to_numpy()).all()


def test_mixed_table_needs_nan_missing_values():
    with pytest.raises(ValueError, match="missing_values=-1"):
        GAINImputer(missing_values=-1, max_iter=2).fit(mixed_frame())


def test_string_column_declared_numeric_is_a_clear_error():
    frame = mixed_frame()
    with pytest.raises(ValueError, match="Column 4 is numeric"):
        GAINImputer(max_iter=2, categorical_features=[1, 3]).fit(frame)


# -- HexaGANClassifier ------------------------------------------------------------
def test_hexagan_classifier_mixed_table():
    frame = mixed_frame(n=100)
    y = labels(frame, unlabeled=0.2)
    clf = HexaGANClassifier(max_iter=2, random_state=0).fit(frame, y)
    assert set(clf.predict(frame)) <= {0, 1}
    assert clf.predict_proba(frame).shape == (100, 2)
    imputed = clf.impute(frame)
    assert isinstance(imputed, pd.DataFrame)
    assert list(imputed.dtypes) == list(frame.dtypes)
    assert not imputed.isna().any().any()
    assert_valid_categories(imputed, frame)
    assert_observed_kept(imputed, frame)
    rows, classes = clf.sample(7, y=1, random_state=0)
    assert rows.shape == (7, 5) and (classes == 1).all()
    assert_valid_categories(rows, frame)
    assert rows["colour"].dtype == frame["colour"].dtype


@pytest.mark.parametrize(
    "estimator, name, extra",
    [
        (GAINImputer(max_iter=1, random_state=0), "discriminator", 0),
        (HexaGANImputer(max_iter=1, blend_with=None, random_state=0), "discriminator_mi", 0),
        (HexaGANClassifier(max_iter=1, random_state=0), "discriminator_mi", 1),
    ],
    ids=["gain", "hexagan", "hexagan-classifier"],
)
def test_elementwise_discriminators_score_each_table_column_once(estimator, name, extra):
    # An element is an entry of the table: a categorical entry, however many
    # one-hot columns encode it, gets one score (and one penalised gradient).
    frame = mixed_frame()
    estimator = clone(estimator)
    if isinstance(estimator, HexaGANClassifier):
        estimator.fit(frame, labels(frame, unlabeled=0.2))
    else:
        estimator.fit(frame)
    first = estimator.networks_[name][0]
    assert first.in_features > frame.shape[1]  # the one-hot encoded rows
    assert estimator.networks_[name][-1].out_features == frame.shape[1] + extra


# -- GAMO -------------------------------------------------------------------------
def gamo_frame(n=120):
    frame = mixed_frame(n=n, missing=0.0)
    frame["flag"] = frame["flag"].astype(bool)
    frame.loc[0, "grade"] = "lo"
    y = np.zeros(n, dtype=int)
    y[: n // 6] = 1
    # Class 1 never shows "blue": its generated rows must not either.
    frame.loc[: n // 6 - 1, "colour"] = np.where(np.arange(n // 6) % 2, "red", "green")
    return frame, y


def test_gamo_resampler_mixed_rows():
    frame, y = gamo_frame()
    X_res, y_res = GAMOResampler(max_iter=2, random_state=0).fit_resample(frame, y)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.dtypes) == list(frame.dtypes)
    assert X_res.iloc[: len(frame)].equals(frame)
    generated = X_res.iloc[len(frame) :]
    assert len(generated) == (y == 0).sum() - (y == 1).sum() and (y_res[len(frame) :] == 1).all()
    minority = frame[y == 1]
    assert set(generated["colour"]) <= {"red", "green"}
    assert_valid_categories(generated, minority)
    low, high = minority["a"].min(), minority["a"].max()
    assert generated["a"].between(low, high).all()


def test_gamo_resampler_numpy_mixed_rows():
    frame, y = gamo_frame()
    X = frame.astype(object).to_numpy()
    X_res, _ = GAMOResampler(max_iter=2, random_state=0, categorical_features=[1, 3, 4]).fit_resample(X, y)
    assert X_res.dtype == object
    assert all((X_res[: len(X), j] == X[:, j]).all() for j in range(X.shape[1]))
    assert set(X_res[len(X) :, 1]) <= {"red", "green"}


def test_gamo_rejects_missing_categorical_entries():
    frame, y = gamo_frame()
    frame.loc[3, "colour"] = None
    with pytest.raises(ValueError, match="contains NaN"):
        GAMOResampler(max_iter=2).fit_resample(frame, y)


def test_gamo_classifier_mixed():
    frame, y = gamo_frame()
    clf = GAMOClassifier(max_iter=2, random_state=0).fit(frame, y)
    assert clf.predict_proba(frame).shape == (len(frame), 2)


# -- in pipelines and searches ------------------------------------------------------
def test_imputer_in_pipeline_grid_search_on_mixed_frame():
    # HistGradientBoosting's "from_dtype" takes category columns only.
    frame = mixed_frame(n=90).astype({"flag": "category", "grade": "category"})
    y = labels(frame)
    pipe = make_pipeline(
        MisGANImputer(max_iter=2, random_state=0),
        HistGradientBoostingClassifier(max_iter=5, categorical_features="from_dtype"),
    ).set_output(transform="pandas")
    search = GridSearchCV(
        pipe, {"misganimputer__transform_draws": [1, 2]}, cv=2, n_jobs=2, error_score="raise"
    ).fit(frame, y)
    assert search.best_estimator_.predict(frame).shape == (90,)


def test_classifier_and_sampler_in_grid_search_on_mixed_frame():
    frame = mixed_frame(n=90)
    y = labels(frame, unlabeled=0.2)
    search = GridSearchCV(
        HexaGANClassifier(max_iter=2, random_state=0),
        {"alpha": [1.0, 10.0]},
        cv=2,
        n_jobs=2,
        error_score="raise",
        scoring=lambda est, X, t: float(np.mean(est.predict(X)[t >= 0] == t[t >= 0])),
    ).fit(frame, y)
    assert hasattr(search, "best_params_")
    complete, y_gamo = gamo_frame(90)
    complete = complete.astype({"flag": "category", "grade": "category"})
    pipe = make_imb_pipeline(
        GAMOResampler(max_iter=2, random_state=0),
        HistGradientBoostingClassifier(max_iter=5, categorical_features="from_dtype"),
    )
    search = GridSearchCV(
        pipe, {"gamoresampler__k_neighbors": [3, 5]}, cv=2, n_jobs=2, error_score="raise"
    ).fit(complete, y_gamo)
    assert search.best_estimator_.predict(complete).shape == (90,)


# -- the blend on mixed tables --------------------------------------------------------
def test_fit_blend_weighs_kinds_apart_and_chooses_per_categorical_column():
    from skgan.impute._blend import MOST_FREQUENT, fit_blend

    rng = np.random.default_rng(0)
    n = 200
    # Columns: numeric, a 2-category block (1, 2), a 2-category block (3, 4).
    truth = np.column_stack(
        [rng.uniform(size=n), *np.eye(2)[rng.integers(0, 2, n)].T, *np.eye(2)[np.zeros(n, int)].T]
    )
    held = np.ones_like(truth, dtype=bool)
    network = truth.copy()
    network[:, 1:3] = 0.5 + 0.1 * rng.normal(size=(n, 1)) * np.array([1, -1])  # noise
    network[:, 3:5] = np.eye(2)[rng.integers(0, 2, n)]  # wrong half the time
    member = np.where(np.arange(5) == 0, truth[:, :1] + 0.3, truth)  # right categories, biased numbers
    frequencies = np.array([0.0, 0.5, 0.5, 1.0, 0.0])

    class Fixed:
        def transform(self, X01):
            return member

    blend = fit_blend(
        network[held],
        {"m": member[held]},
        truth[held],
        (held, [(1, 3), (3, 5)], frequencies),
        members={"m": Fixed()},
    )
    keys = blend.keys_
    weights = dict(zip(keys, blend.weights_.T))
    assert weights["network"][0] > 0.9  # numeric: the unbiased networks
    # Block 1: the member, which alone restores every category.
    assert weights["m"][1] == weights["m"][2] == pytest.approx(1.0, abs=1e-6)
    # Block 2 is constant: the member and the most frequent category tie; ties
    # go to the most frequent category.
    assert weights[MOST_FREQUENT][3] == weights[MOST_FREQUENT][4] == 1.0
    combined = blend.combine(network, np.full_like(truth, np.nan))
    assert (combined[:, 3] == 1.0).all()


def test_mixed_member_models_numbers_and_classifies_categories():
    from sklearn.linear_model import LogisticRegression

    from skgan.impute._blend import MixedMember, make_member

    rng = np.random.default_rng(0)
    a = rng.uniform(size=300)
    codes = (a > 0.5).astype(int)
    X = np.column_stack([a, a + 0.01 * rng.normal(size=300), np.eye(2)[codes]])
    X_missing = X.copy()
    X_missing[:50, 1] = np.nan
    X_missing[50:100, 2:4] = np.nan
    member = MixedMember(
        make_member("iterative", X.shape, 0, skip_complete=True), [(2, 4)], LogisticRegression()
    ).fit(X_missing)
    out = member.transform(X_missing)
    assert np.abs(out[:50, 1] - X[:50, 1]).max() < 0.1
    assert (np.argmax(out[50:100, 2:4], axis=1) == codes[50:100]).mean() > 0.9
    np.testing.assert_allclose(out[50:100, 2:4].sum(axis=1), 1.0)


def test_forest_member_sees_categorical_columns_as_codes():
    # MissForest on a table with factors: the trees see one column per table
    # column (a categorical one as its ordinal code), so a split draws
    # sqrt(table columns - 1) predictors; a numeric table keeps the forest
    # it had before mixed tables (leaves of 2 rows).
    from skgan.impute import _blend

    frame = pd.DataFrame(
        {f"x{j}": np.random.default_rng(j).normal(size=60) for j in range(3)}
    ).assign(c=pd.Categorical(np.random.default_rng(9).choice(list("abcdefghij"), 60)))
    frame.loc[::7, "x0"] = np.nan
    frame.loc[::5, "c"] = np.nan
    imputer = MisGANImputer(max_iter=1, blend_with=("forest",), random_state=0).fit(frame)
    forest = imputer.blend_.members_["forest"]
    assert forest.ordinal and forest.member.n_features_in_ == 4  # 13 encoded columns
    assert forest.member.estimator.min_samples_leaf == _blend.ORDINAL_FOREST_LEAF
    assert forest.member.max_iter == _blend.ORDINAL_FOREST_ROUNDS != _blend.FOREST_ROUNDS
    assert forest.member.estimator.n_estimators == _blend.ORDINAL_FOREST_TREES
    (classifier,) = forest.classifiers_
    assert classifier.n_features_in_ == 3
    numeric = frame.drop(columns="c")
    imputer = MisGANImputer(max_iter=1, blend_with=("forest",), random_state=0).fit(numeric)
    trees = imputer.blend_.members_["forest"].estimator
    assert trees.max_features == "sqrt" and trees.min_samples_leaf == _blend.FOREST_LEAF == 2
    assert imputer.blend_.members_["forest"].max_iter == _blend.FOREST_ROUNDS


def test_ordinal_member_restores_numbers_and_categories():
    from sklearn.ensemble import ExtraTreesClassifier

    from skgan.impute._blend import MixedMember, make_member

    rng = np.random.default_rng(0)
    a = rng.uniform(size=300)
    codes = np.digitize(a, [0.3, 0.6])
    X = np.column_stack([a, np.eye(3)[codes], a + 0.01 * rng.normal(size=300)])
    X_missing = X.copy()
    X_missing[:50, 4] = np.nan
    X_missing[50:100, 1:4] = np.nan
    def ordinal_member():
        return MixedMember(
            make_member("forest", (300, 3), 0, skip_complete=True),
            [(1, 4)],
            ExtraTreesClassifier(n_estimators=20, random_state=0),
            ordinal=True,
        )

    member = ordinal_member().fit(X_missing)
    assert member.member.n_features_in_ == 3
    out = member.transform(X_missing)
    assert np.abs(out[:50, 4] - X[:50, 4]).max() < 0.1
    assert (np.argmax(out[50:100, 1:4], axis=1) == codes[50:100]).mean() > 0.9
    np.testing.assert_allclose(out[50:100, 1:4].sum(axis=1), 1.0)
    observed = ~np.isnan(X_missing)
    np.testing.assert_array_equal(out[observed], X[observed])
    # fit_transform (the held-out entries' imputation) imputes as transform.
    again = ordinal_member().fit_transform(X_missing)
    np.testing.assert_allclose(again, out, rtol=1e-12, atol=1e-12)


def test_misgan_sample_decodes_mixed_rows():
    frame = mixed_frame()
    imputer = MisGANImputer(max_iter=2, adversarial=True, blend_with=None, random_state=0)
    rows, missing = imputer.set_output(transform="pandas").fit(frame).sample(6, random_state=0)
    assert list(rows.columns) == list(frame.columns) and missing.shape == (6, 5)
    assert list(rows.dtypes) == list(frame.dtypes)
    assert_valid_categories(rows, frame)
    assert not rows.isna().any().any()
