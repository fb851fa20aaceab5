import sys, time, warnings, cProfile, pstats, io
warnings.filterwarnings("ignore")
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from study_blended import make_task
from _common import one_thread
from skgan import MisGANImputer
X, Xm, miss = make_task("breast", 100)
with one_thread():
    MisGANImputer(random_state=0, max_iter=1).fit(Xm[:100])
    pr = cProfile.Profile(); pr.enable()
    t = time.perf_counter(); est = MisGANImputer(random_state=100).fit(Xm); print("fit", time.perf_counter() - t)
    pr.disable()
s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumtime").print_stats(45)
print("\n".join(l[:170] for l in s.getvalue().splitlines() if l.strip()))
print(est.n_iter_, getattr(est, "blend_weights_", None))
