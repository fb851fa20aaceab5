import time, numpy as np
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.tree import ExtraTreeRegressor
from sklearn import config_context
rng = np.random.default_rng(0)
X = rng.random((455, 29)).astype(np.float32); y = rng.random(455)
t = time.perf_counter()
for i in range(120):
    m = ExtraTreesRegressor(30, max_features="sqrt", min_samples_leaf=2, random_state=i).fit(X, y); m.predict(X)
print("ET", time.perf_counter() - t)
t = time.perf_counter()
for i in range(120):
    seeds = np.random.RandomState(i).randint(np.iinfo(np.int32).max, size=30)
    trees = [ExtraTreeRegressor(max_features="sqrt", min_samples_leaf=2, random_state=s).fit(X, y, check_input=False) for s in seeds]
    p = np.mean([tr.predict(X, check_input=False) for tr in trees], axis=0)
print("bag", time.perf_counter() - t)
t = time.perf_counter()
with config_context(skip_parameter_validation=True):
  for i in range(120):
    seeds = np.random.RandomState(i).randint(np.iinfo(np.int32).max, size=30)
    trees = [ExtraTreeRegressor(max_features="sqrt", min_samples_leaf=2, random_state=s).fit(X, y, check_input=False) for s in seeds]
    p = np.mean([tr.predict(X, check_input=False) for tr in trees], axis=0)
print("bag noval", time.perf_counter() - t)
