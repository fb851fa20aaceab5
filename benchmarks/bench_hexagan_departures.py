"""HexaGAN's departures from the paper, measured on development data only.

Questions of the "Hardening" review, and the numbers HexaGAN's documents
quote for its other departures:

* **Learning rate.** The authors' code steps E, G_MI and D_MI with RMSProp
  at 2e-4 (``C`` at ten times it, ``G_CG`` and ``D_CG`` at a tenth of it);
  skgan's default ``learning_rate`` is 1e-3 with the same ratios. Both are
  fitted with the defaults' budget (``max_iter="auto"``, about 2000
  mini-batch updates).
* **D_MI's penalty.** Eq. 6 penalises the gradient in ``x^`` of the ``d``
  feature outputs of D_MI; skgan's default (``label_penalty=True``)
  penalises every output's gradient in the whole input ``[x^, y]``.
  ``label_penalty=False`` is eq. 6.
* **G_CG's alpha_2 term.** skgan now follows eq. 12 (``L_G_MI(x^_c)``, the
  mean of the ``d`` feature outputs); :class:`PreviousAlpha2` is the
  earlier code, which averaged over all ``d + 1`` outputs.
* **Schedule and width.** ``n_critic=5, n_cg=2`` against the default
  ``n_critic=2, n_cg=1``; the paper's hidden width ``d // 2`` against the
  default ``clip(2 d, 64, 256)``.
* **Weight averaging of HexaGANImputer.** :class:`LastIterate` keeps the
  last iterate of E and G_MI instead of their moving average.
* **E's input.** :class:`SummedEncoderInput` feeds E eq. 1's ``[x~, m]``
  instead of the three channels ``m * x``, ``(1 - m) * z``, ``m``.
* **Reconstruction of hidden entries.** ``hidden_weight=0`` is eq. 5's
  ``L_recon`` on the observed entries alone.

Data (development only, never the benchmark's test folds or seeds):

* ``classifier``: breast cancer and wine as in ``bench_hexagan.py`` (scaled
  to [0, 1], 20% MCAR, 20% unlabeled, ``dirty(seed=0)``); in each of the
  first three of its stratified 5-fold splits a stratified quarter of the
  *training* rows is held out (the ``--only selection`` split): the model is
  fitted on the rest and scored (macro-F1) on that quarter.
* ``imputer``: ``HexaGANImputer`` on breast cancer and wine with 20% MCAR
  masks of seeds 100, 101, 102 (the benchmark's imputation table uses seeds
  0-4); RMSE on the removed entries (transductive, as there).

Run ``OMP_NUM_THREADS=1 python benchmarks/bench_hexagan_departures.py PART
[VARIANT ...] [--datasets NAME ...]`` with PART ``classifier`` or
``imputer`` (all their variants by default), or ``report``; one fit at a
time on one thread. Rows are appended to
``results/hexagan_departures.csv`` (with the machine's load average, as the
development machine is shared) and the tables of everything in it are
written to ``results/hexagan_departures.md``.
"""

import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split

sys.path.insert(0, str(Path(__file__).parent))
from bench_hexagan import dirty, prepare  # noqa: E402
from _common import rmse, run_imputer  # noqa: E402

from skgan import HexaGANClassifier, HexaGANImputer  # noqa: E402
from skgan._nn import fill_missing, make_mlp  # noqa: E402

RESULTS = Path(__file__).parent / "results"
CSV = RESULTS / "hexagan_departures.csv"
DATASETS = ("breast", "wine")
N_SPLITS = 3
MASK_SEEDS = (100, 101, 102)


class PreviousAlpha2(HexaGANClassifier):
    """G_CG's ``alpha_2`` term as before the review: minus the mean of all
    ``d + 1`` outputs of D_MI, the label output included."""

    def _generator_cg_loss(self, rt, networks, h_c, y_c):
        y_onehot = self._one_hot(y_c)
        x_c = networks["generator_mi"](h_c)
        adversarial = -networks["discriminator_cg"](
            torch.cat([h_c, y_onehot], dim=1)
        ).mean()
        imputation = -networks["discriminator_mi"](
            self._critic_input(x_c, y_onehot)
        ).mean()
        classification = torch.nn.functional.cross_entropy(
            networks["classifier"](x_c), y_c
        )
        return (
            adversarial
            + self.cg_adversarial_weight * imputation
            + self.cg_classification_weight * classification
        )


CLASSIFIERS = {
    "default (lr=1e-3, label_penalty=True, eq. 12's alpha_2)": lambda s, d: (
        HexaGANClassifier(random_state=s, device="cpu")
    ),
    "learning_rate=2e-4 (authors')": lambda s, d: HexaGANClassifier(
        learning_rate=2e-4, random_state=s, device="cpu"
    ),
    "label_penalty=False (eq. 6)": lambda s, d: HexaGANClassifier(
        label_penalty=False, random_state=s, device="cpu"
    ),
    "previous alpha_2 term (mean of d + 1 outputs)": lambda s, d: PreviousAlpha2(
        random_state=s, device="cpu"
    ),
    "label_penalty=False, pseudo_label='gumbel'": lambda s, d: HexaGANClassifier(
        label_penalty=False, pseudo_label="gumbel", random_state=s, device="cpu"
    ),
    "n_critic=5, n_cg=2": lambda s, d: HexaGANClassifier(
        n_critic=5, n_cg=2, random_state=s, device="cpu"
    ),
    "hidden_size=d // 2 (paper)": lambda s, d: HexaGANClassifier(
        hidden_size=d // 2, random_state=s, device="cpu"
    ),
}


class LastIterate(HexaGANImputer):
    """HexaGANImputer keeping the last iterate of E and G_MI (no moving
    average of their weights)."""

    _averaged_networks = ()


class SummedEncoderInput(HexaGANImputer):
    """HexaGANImputer whose encoder reads eq. 1's ``[x~, m]``, ``x~ = m * x +
    (1 - m) * z`` (2 d inputs), instead of ``m * x``, ``(1 - m) * z`` and ``m``
    as three channels."""

    def _imputation_networks(self, generator, n_features, *args, **kwargs):
        networks = super()._imputation_networks(generator, n_features, *args, **kwargs)
        width = self.hidden_size_
        networks["encoder"] = make_mlp(
            [2 * n_features, width, width], output="relu", generator=generator
        )
        return networks

    @staticmethod
    def _encode(networks, x, m, noise):
        return networks["encoder"](torch.cat([fill_missing(x, m, noise), m], dim=1))


IMPUTERS = {
    "default (learning_rate=1e-3)": lambda s, d: HexaGANImputer(
        random_state=s, device="cpu"
    ),
    "learning_rate=2e-4 (authors')": lambda s, d: HexaGANImputer(
        learning_rate=2e-4, random_state=s, device="cpu"
    ),
    "last iterate (no weight averaging)": lambda s, d: LastIterate(
        random_state=s, device="cpu"
    ),
    "eq. 1's encoder input [x~, m]": lambda s, d: SummedEncoderInput(
        random_state=s, device="cpu"
    ),
    "hidden_weight=0 (paper's L_recon, observed entries only)": lambda s, d: (
        HexaGANImputer(hidden_weight=0.0, random_state=s, device="cpu")
    ),
}


def _record(row):
    row["load_avg_1min"] = os.getloadavg()[0]
    print(row, flush=True)
    frame = pd.DataFrame([row])
    if CSV.exists():  # rewritten whole: parts log different columns
        frame = pd.concat([pd.read_csv(CSV), frame], ignore_index=True)
    frame.to_csv(CSV, index=False)


def classifier(variants, datasets=DATASETS):
    for name in datasets:
        X, y = prepare(name, False)
        X_missing, y_partial = dirty(X, y, seed=0)
        folds = StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)
        for split, (train, _) in zip(range(N_SPLITS), folds):
            fit, val = train_test_split(
                train, test_size=0.25, stratify=y[train], random_state=100 + split
            )
            for variant in variants:
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model = CLASSIFIERS[variant](split, X.shape[1]).fit(
                        X_missing[fit], y_partial[fit]
                    )
                seconds = time.perf_counter() - start
                predicted = model.predict(X_missing[val])
                _record(dict(
                    part="classifier", dataset=name, variant=variant, split=split,
                    score=f1_score(y[val], predicted, average="macro"),
                    metric="macro-F1", fit_time_s=seconds,
                    # Last epoch's mean losses: a diverging critic shows here.
                    last_loss_d_mi=model.history_["discriminator_mi"][-1],
                    last_loss_c=model.history_["classifier"][-1],
                ))


def imputer(variants, datasets=DATASETS):
    for name in datasets:
        X, _ = prepare(name, False)
        for seed in MASK_SEEDS:
            X_missing, _ = dirty(X, np.zeros(len(X)), seed=seed)
            removed = np.isnan(X_missing) & ~np.isnan(X)
            for variant in variants:
                X_imputed, seconds = run_imputer(
                    IMPUTERS[variant](seed, X.shape[1]), X_missing
                )
                _record(dict(
                    part="imputer", dataset=name, variant=variant, split=seed,
                    score=rmse(X, X_imputed, removed), metric="RMSE",
                    fit_time_s=seconds,
                ))


def report():
    raw = pd.read_csv(CSV)
    # A variant run again replaces its earlier rows; variants keep the
    # order of their first run.
    first = {}
    for key in zip(raw.part, raw.variant):
        first.setdefault(key, len(first))
    frame = raw.drop_duplicates(
        ["part", "dataset", "variant", "split"], keep="last"
    )
    order = [first[key] for key in zip(frame.part, frame.variant)]
    frame = frame.iloc[np.argsort(order, kind="stable")]
    lines = [
        "# HexaGAN departures from the paper, on development data",
        "",
        "Written by `benchmarks/bench_hexagan_departures.py` (see its "
        "docstring for the protocol). Classifier: macro-F1 on a held-out "
        "quarter of the training rows of the first three folds (the "
        "`--only selection` split; test folds unused). Imputer: RMSE on the "
        "removed entries of development masks (seeds 100-102; the "
        "benchmark's are 0-4). Every fit on one thread, one fit at a time, "
        "on a 2-core machine shared with other jobs (1-minute load average "
        "per fit in the CSV: "
        f"{frame.load_avg_1min.min():.1f}-{frame.load_avg_1min.max():.1f}), "
        "so fit times are only indicative. Machine: "
        f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"Python {platform.python_version()}.",
        "",
    ]
    for part, rows in frame.groupby("part", sort=False):
        metric = rows.metric.iloc[0]
        lines += [f"## {part}: {metric}, mean (std) over splits/masks", ""]
        table = rows.pivot_table(
            index="variant", columns="dataset", values="score",
            aggfunc=["mean", "std", "count"],
        )
        times = rows.groupby("variant").fit_time_s.mean()
        header = ["variant"] + [f"{d} {metric}" for d in DATASETS] + [
            "mean", "n", "fit s"
        ]
        lines += ["| " + " | ".join(header) + " |",
                  "|" + "---|" * len(header)]
        table = table.reindex(
            columns=pd.MultiIndex.from_product(
                [["mean", "std", "count"], DATASETS]
            )
        )
        for variant in dict.fromkeys(rows.variant):
            cells = [
                "not run" if pd.isna(table[("mean", d)][variant])
                else f"{table[('mean', d)][variant]:.4f} "
                f"({table[('std', d)][variant]:.4f})"
                for d in DATASETS
            ]
            mean = np.mean([table[("mean", d)][variant] for d in DATASETS])
            mean = "n/a" if np.isnan(mean) else f"{mean:.4f}"
            n = int(table.loc[variant, "count"].fillna(0).sum())
            lines.append(
                f"| {variant} | " + " | ".join(cells)
                + f" | {mean} | {n} | {times[variant]:.0f} |"
            )
        lines.append("")
        lines += _paired_differences(rows) + _last_losses(rows)
    (RESULTS / "hexagan_departures.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def _last_losses(rows):
    """Mean losses of the last epoch, for the runs that logged them."""
    if "last_loss_d_mi" not in rows or rows.last_loss_d_mi.isna().all():
        return []
    logged = rows.dropna(subset=["last_loss_d_mi"])
    table = logged.groupby(["variant", "dataset"], sort=False)[
        ["last_loss_d_mi", "last_loss_c"]
    ].mean()
    lines = [
        "Last epoch's mean losses (runs that logged them): D_MI's (with its "
        "penalty) and C's (with its adversarial term), mean over splits:",
        "",
        "| variant | dataset | D_MI loss | C loss |",
        "|---|---|---|---|",
    ]
    for (variant, dataset), r in table.iterrows():
        lines.append(
            f"| {variant} | {dataset} | {r.last_loss_d_mi:.3f} | {r.last_loss_c:.3f} |"
        )
    return lines + [""]


def _paired_differences(rows):
    """Per-split differences of every variant to the default."""
    variants = list(dict.fromkeys(rows.variant))
    base = next((v for v in variants if v.startswith("default")), variants[0])
    wide = rows.pivot_table(
        index=["dataset", "split"], columns="variant", values="score"
    )
    lines = [f"Paired differences to `{base}` (per split or mask):", ""]
    for variant in (v for v in variants if v != base):
        diff = (wide[variant] - wide[base]).dropna()
        if diff.empty:
            continue
        per = ", ".join(f"{d}/{s}: {v:+.4f}" for (d, s), v in diff.items())
        lines.append(
            f"* `{variant}`: mean {diff.mean():+.4f} over {len(diff)} ({per})"
        )
    return lines + [""]


def main():
    torch.set_num_threads(1)
    part, variants, datasets = sys.argv[1], sys.argv[2:], DATASETS
    if "--datasets" in variants:
        at = variants.index("--datasets")
        variants, datasets = variants[:at], tuple(variants[at + 1:])
    if part == "report":
        report()
        return
    choices = CLASSIFIERS if part == "classifier" else IMPUTERS
    unknown = set(variants) - set(choices)
    if unknown:
        raise SystemExit(f"unknown variants {unknown}; choose from {list(choices)}")
    run = {"classifier": classifier, "imputer": imputer}[part]
    run(variants or list(choices), datasets)
    report()


if __name__ == "__main__":
    main()
