"""CUDA end-to-end check of skgan's estimators (run on a GPU machine)."""
import pickle, subprocess, sys, time
import numpy as np, torch
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.preprocessing import MinMaxScaler
from skgan import MisGANImputer

print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0))
X = MinMaxScaler().fit_transform(load_breast_cancer().data)
rng = np.random.default_rng(0); miss = rng.random(X.shape) < 0.2; Xm = X.copy(); Xm[miss] = np.nan
res = {}
for dev in ["cuda", "cpu"]:
    t = time.time(); imp = MisGANImputer(device=dev, random_state=0).fit(Xm); ft = time.time() - t
    Xi = imp.transform(Xm)
    res[dev] = Xi
    print(f"MisGAN breast {dev}: fit {ft:.1f}s, rmse {np.sqrt(np.mean((Xi[miss]-X[miss])**2)):.4f}, epochs {imp.n_iter_}, observed identical {np.array_equal(Xi[~miss], Xm[~miss])}")
    if dev == "cuda":
        imp2 = MisGANImputer(device=dev, random_state=0).fit(Xm)
        print("cuda deterministic:", np.array_equal(imp2.transform(Xm), Xi), "max diff", np.abs(imp2.transform(Xm)-Xi).max())
        pickle.dump((imp, Xm, Xi), open("/tmp/m.pkl", "wb"))
code = "import pickle,numpy as np,torch; imp,Xm,Xi=pickle.load(open('/tmp/m.pkl','rb')); print('cpu-only load: cuda avail', torch.cuda.is_available(), 'device', imp._inference_device(), 'maxdiff', np.abs(imp.transform(Xm)-Xi).max())"
print(subprocess.run([sys.executable, "-c", code], env={"CUDA_VISIBLE_DEVICES": "", "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}, capture_output=True, text=True))
Xb, _ = make_classification(20000, 16, n_informative=8, random_state=0)
mb = rng.random(Xb.shape) < 0.2; Xbm = Xb.copy(); Xbm[mb] = np.nan
for dev in ["cuda", "cpu"]:
    t = time.time(); imp = MisGANImputer(device=dev, random_state=0).fit(Xbm); ft = time.time() - t
    Xi = imp.transform(Xbm)
    print(f"MisGAN 20000x16 {dev}: fit {ft:.1f}s epochs {imp.n_iter_} rmse {np.sqrt(np.mean((Xi[mb]-Xb[mb])**2)):.4f}", flush=True)
