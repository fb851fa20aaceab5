"""CUDA end-to-end check of every skgan estimator (run on a GPU machine).

For each estimator: fit with ``device="cuda"`` twice with the same seed
(determinism), compare with a CPU fit, then pickle the CUDA-fitted model and
use it in a subprocess that cannot see CUDA (it must fall back to the CPU
and give the same output). Short budgets: this checks the CUDA code path,
not quality or speed. Prints one line per check; exit status 1 if any fails.

Run ``python benchmarks/gpu_check.py`` on a machine with CUDA.
"""

import pickle
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import MinMaxScaler

from skgan import (
    GAINImputer,
    GAMOClassifier,
    GAMOResampler,
    HexaGANClassifier,
    HexaGANImputer,
    MisGANImputer,
)

CPU_ONLY_USE = """
import pickle, sys, torch
model, X, method = pickle.load(open(sys.argv[1], "rb"))
out = getattr(model, method)(X)
pickle.dump(out, open(sys.argv[2], "wb"))
print(torch.cuda.is_available(), model._inference_device())
"""


def data():
    X, y = load_breast_cancer(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    rng = np.random.RandomState(0)
    X_missing = np.where(rng.rand(*X.shape) < 0.2, np.nan, X)
    y_partial = np.where(rng.rand(len(y)) < 0.2, -1, y)
    wide = np.where(rng.rand(300, 80) < 0.2, np.nan, rng.rand(300, 80))
    return X, X_missing, y, y_partial, wide


def cases():
    X, X_missing, y, y_partial, wide = data()
    yield "MisGANImputer", lambda d: MisGANImputer(max_iter=20, device=d), (X_missing,), "transform"
    yield "GAINImputer", lambda d: GAINImputer(max_iter=20, device=d), (X_missing,), "transform"
    yield "HexaGANImputer", lambda d: HexaGANImputer(max_iter=20, device=d), (X_missing,), "transform"
    # 80 features: the projected (one-backward) element-wise penalty.
    yield "HexaGANImputer (80 features)", lambda d: HexaGANImputer(max_iter=10, device=d), (wide,), "transform"
    yield "HexaGANClassifier", lambda d: HexaGANClassifier(max_iter=20, device=d), (X_missing, y_partial), "predict_proba"
    yield "GAMOResampler", lambda d: GAMOResampler(max_iter=20, device=d), (X, y), None
    yield "GAMOClassifier", lambda d: GAMOClassifier(max_iter=20, device=d), (X, y), "predict_proba"
    try:
        frame = mixed_frame()
    except ImportError:
        print("pandas missing: the mixed-table cases are skipped")
        return
    complete = frame.dropna().reset_index(drop=True)
    y_mixed = (complete["a"] > complete["a"].quantile(0.8)).to_numpy().astype(int)
    y_frame = np.where(frame["a"].fillna(0) > 0, 1, 0)
    y_frame[::5] = -1
    for cls in (MisGANImputer, GAINImputer, HexaGANImputer):
        yield (
            f"{cls.__name__} (mixed table)",
            lambda d, cls=cls: cls(max_iter=10, device=d).set_output(transform="pandas"),
            (frame,),
            "transform",
        )
    yield "HexaGANClassifier (mixed table)", lambda d: HexaGANClassifier(max_iter=10, device=d), (frame, y_frame), "impute"
    yield "GAMOResampler (mixed table)", lambda d: GAMOResampler(max_iter=10, device=d), (complete, y_mixed), None
    yield "GAMOClassifier (mixed table)", lambda d: GAMOClassifier(max_iter=10, device=d), (complete, y_mixed), "predict_proba"


def mixed_frame(n=600):
    """Two numeric and two categorical columns, 20% missing."""
    import pandas as pd

    rng = np.random.RandomState(1)
    a = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], n)
    frame = pd.DataFrame(
        {
            "a": a,
            "colour": pd.Categorical(colour),
            "b": a + (colour == "red") + rng.normal(scale=0.1, size=n),
            "flag": pd.Categorical(np.where(a > 0.5, "high", "low")),
        }
    )
    return frame.mask(rng.rand(*frame.shape) < 0.2)


def as_numbers(out):
    """A float array of an output: categories as their sorted codes."""
    out = np.asarray(out, dtype=object) if hasattr(out, "columns") else np.asarray(out)
    if out.dtype != object:
        return out.astype(float)
    columns = []
    for column in out.T:
        try:
            columns.append(column.astype(float))
        except (TypeError, ValueError):
            _, codes = np.unique(column.astype(str), return_inverse=True)
            columns.append(codes.astype(float))
    return np.column_stack(columns)


def output(model, method, args):
    if method is None:  # a sampler: its resampled rows
        return model.fit_resample(*args)[0]
    return getattr(model, method)(args[0])


def check(name, make, args, method):
    ok = True
    runs = {}
    for device in ("cuda", "cuda", "cpu"):
        model = make(device).set_params(random_state=0)
        start = time.perf_counter()
        out = output(model.fit(*args) if method else model, method, args)
        runs.setdefault(device, []).append((model, out, time.perf_counter() - start))
    (m1, raw, t1), (_, o2, _) = runs["cuda"]
    o1, o2 = as_numbers(raw), as_numbers(o2)
    o_cpu, t_cpu = as_numbers(runs["cpu"][0][1]), runs["cpu"][0][2]
    same = np.array_equal(o1, o2)
    ok &= same and np.isfinite(o1).all()
    print(
        f"{name}: cuda twice identical {same}; cuda {t1:.1f} s, cpu {t_cpu:.1f} s; "
        f"max |cuda - cpu| {np.abs(o1 - o_cpu).max():.3g}"
    )
    if method is not None:
        with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as f:
            pickle.dump((m1, args[0], method), f)
        env = {"CUDA_VISIBLE_DEVICES": "", "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
        result = subprocess.run(
            [sys.executable, "-c", CPU_ONLY_USE, f.name, f.name + ".out"],
            env=env,
            capture_output=True,
            text=True,
        )
        fields = result.stdout.split()
        loaded = result.returncode == 0 and fields[:2] == ["False", "cpu"]
        if loaded:
            with open(f.name + ".out", "rb") as g:
                gap = np.abs(as_numbers(pickle.load(g)) - o1).max()
            loaded = gap < 1e-5
            fields.append(f"max |cpu use - cuda use| {gap:.3g}")
        ok &= loaded
        print(f"  pickled on cuda, used without CUDA: {' '.join(fields) or result.stderr[-300:]} -> {'ok' if loaded else 'FAILED'}")
    return ok


def main():
    print("torch", torch.__version__, torch.cuda.get_device_name(0))
    results = [check(*case) for case in cases()]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
