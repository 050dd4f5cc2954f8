#!/usr/bin/env python3
"""Monte Carlo VaR in numpy, the yardstick for bench/risk-core.ts.

The same computation as core/risk/var.ts's monteCarloVarFromCov: Cholesky of the covariance,
standard normal draws Z (paths x assets), P&L per path, VaR and ES as the k worst outcomes,
k = ceil(paths * (1 - confidence)). Timed two ways so the comparison is honest:

  full      L = cholesky(cov); X = Z @ L.T; pnl = X @ w     (the correlating matrix product)
  shortcut  L = cholesky(cov); v = L.T @ w; pnl = Z @ v     (the exact linear-portfolio shortcut
                                                             that var.ts uses by default)

Each timing includes the Cholesky factorisation, the draws (numpy's default_rng: PCG64 and its
ziggurat) and the tail (np.partition), as the TypeScript call does. BLAS runs on one thread
(OPENBLAS_NUM_THREADS=1 etc. are set before numpy is imported), like a Worker's single thread.

  python3 bench/risk-numpy.py [--input cov.json] [--paths 10000] [--runs 21]

--input is a JSON file {"assets": n, "cov": [n*n row-major], "w": [n], "confidence": 0.99} (the
TypeScript bench writes its own so both sides work on the same book); without it a synthetic
100-asset one-factor book is made here. Prints one JSON object on stdout.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def synthetic(n: int, bars: int, seed: int):
    """A one-factor market of n assets over `bars` hourly returns, and a mixed long/short book."""
    rng = np.random.default_rng(seed)
    beta = 0.5 + rng.random(n)
    factor = 0.006 * rng.standard_normal(bars)
    returns = factor[:, None] * beta[None, :] + 0.004 * rng.standard_normal((bars, n))
    cov = np.cov(returns, rowvar=False)
    w = np.where(np.arange(n) % 3 == 0, -1.0, 1.0) * 1000.0 * (1.0 + rng.random(n))
    return cov, w


def tail(pnl: np.ndarray, confidence: float):
    k = max(1, math.ceil(round(len(pnl) * (1 - confidence), 9)))
    worst = np.partition(pnl, k - 1)[:k]
    return -float(worst.max()), -float(worst.mean())


def mc_full(cov, w, paths, confidence, rng):
    chol = np.linalg.cholesky(cov)
    z = rng.standard_normal((paths, cov.shape[0]))
    x = z @ chol.T
    return tail(x @ w, confidence)


def mc_shortcut(cov, w, paths, confidence, rng):
    chol = np.linalg.cholesky(cov)
    v = chol.T @ w
    z = rng.standard_normal((paths, cov.shape[0]))
    return tail(z @ v, confidence)


def timed(fn, runs: int, warmup: int = 3):
    for _ in range(warmup):
        fn()
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"medianMs": round(statistics.median(times), 3), "minMs": round(min(times), 3), "runs": runs}, result


def blas_info() -> str:
    try:
        cfg = np.show_config(mode="dicts")  # numpy >= 1.25
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001 - older numpy: the name is informative only
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input")
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    if args.input:
        with open(args.input, encoding="utf8") as f:
            spec = json.load(f)
        n = int(spec["assets"])
        cov = np.array(spec["cov"], dtype=np.float64).reshape(n, n)
        w = np.array(spec["w"], dtype=np.float64)
        confidence = float(spec.get("confidence", 0.99))
        source = args.input
    else:
        cov, w = synthetic(100, 8_760, 1)
        n = 100
        confidence = 0.99
        source = "synthetic one-factor, 100 assets, 8760 bars"

    paths = args.paths
    rng = np.random.default_rng(20261125)
    full, full_result = timed(lambda: mc_full(cov, w, paths, confidence, rng), args.runs)
    shortcut, shortcut_result = timed(lambda: mc_shortcut(cov, w, paths, confidence, rng), args.runs)

    # Where the time goes, step by step, on fixed inputs.
    chol = np.linalg.cholesky(cov)
    z = rng.standard_normal((paths, n))
    parts = {
        "cholesky": timed(lambda: np.linalg.cholesky(cov), args.runs)[0],
        "draws": timed(lambda: rng.standard_normal((paths, n)), args.runs)[0],
        "correlate Z @ L.T": timed(lambda: z @ chol.T, args.runs)[0],
        "Z @ v": timed(lambda: z @ (chol.T @ w), args.runs)[0],
        "tail (partition)": timed(lambda: tail(z[:, 0] * 1.0, confidence), args.runs)[0],
    }

    sigma = math.sqrt(float(w @ cov @ w))
    print(
        json.dumps(
            {
                "numpy": np.__version__,
                "python": platform.python_version(),
                "blas": blas_info(),
                "threads": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
                "source": source,
                "assets": n,
                "paths": paths,
                "confidence": confidence,
                "full": {**full, "var": full_result[0], "es": full_result[1]},
                "shortcut": {**shortcut, "var": shortcut_result[0], "es": shortcut_result[1]},
                "parts": parts,
                "parametricVar": sigma * statistics.NormalDist().inv_cdf(confidence),
            }
        )
    )


if __name__ == "__main__":
    main()
