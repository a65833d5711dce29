#!/usr/bin/python3
"""The linear mapping number of SPEC 4.3, recomputed in float64 with PyTorch from a checkpoint.

Written from the SPEC alone: the training set of SPEC 1 (every pair once, shuffled with the split
seed by Grokscope's seeded generator, re-implemented here), the points of SPEC 4.3 (the first
hidden pre-activations of at most N training inputs, a seeded subset when there are more), and
f, the rest of the MLP, evaluated at all 21 points of every segment (no per-point shortcut), the
textbook r2 of each output against lambda, the mean over outputs, and 2^entropy of the
normalised absolute eigenvalues.

Two uses:
  lmn_reference.py GROKSCOPE-CLI
      the `reference` suite's test: trains a small add-mod-17 run of the liu-add31 preset and
      a 4-bit XOR run of liu-xor5-digits (0/1 inputs, one logistic output per digit), and
      compares, at two checkpoints, (a) `grokscope-cli measure --measure lmn --lmn-points 1024`
      (all training inputs), (b) the run's own metrics.csv column (a seeded subset of
      measures.lmn_points) and (c) `measure` without options, which must equal (b), each with
      this computation. Exit status 0 when all agree.
  lmn_reference.py --run RUN_DIR --step N [--points M] [--seed S] [--rtol R]
      prints this computation's LMN for one checkpoint of an existing run.
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    sys.exit(f"torch is not importable by {sys.executable}: install Debian's python3-torch")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grok_torch  # noqa: E402

MASK = (1 << 64) - 1
STEPS = 21
# SPEC 4.3: "a constant output scores 1". How constant is our choice (GROK_LMN_CONSTANT_RTOL):
# a range along the segment of at most 1e-5 of the largest |output| on it.
CONSTANT_RTOL = 1e-5
# Grokscope computes in float32: each pair score moves by ~1e-5 at most (the r2 tests of
# test-lmn) and in practice far less; 2^S then agrees to about 1e-7 relative (measured on the
# self-test's run). The limit is 1e-4; a wrong set of points or a wrong f moves LMN by tens of
# percent.
TOL = 1e-4


class Rng:
    """xoshiro256** seeded through splitmix64, as Grokscope's grok-rng."""

    def __init__(self, seed, stream=None):
        if stream is not None:
            x = [(stream * 0xD1B54A32D192ED03) & MASK]
            seed ^= self._splitmix(x)
        x = [seed & MASK]
        self.s = [self._splitmix(x) for _ in range(4)]

    @staticmethod
    def _splitmix(x):
        x[0] = (x[0] + 0x9E3779B97F4A7C15) & MASK
        z = x[0]
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self._rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def below(self, n):
        limit = MASK - MASK % n
        while True:
            r = self.next()
            if r < limit:
                return r % n

    def shuffle(self, a):
        for i in range(len(a), 1, -1):
            j = self.below(i)
            a[i - 1], a[j] = a[j], a[i - 1]


def training_pairs(config):
    """(a, b) of the training set of a modular-addition task in pair format, or of xor_bits
    (SPEC 1)."""
    task = config["task"]
    if task["name"] == "xor_bits":
        p = 1 << task["n_bits"]
    else:
        assert task["name"] == "modular" and task["op"] == "add" and task["format"] == "pair", task
        p = task["p"]
    pairs = [(a, b) for a in range(p) for b in range(p)]
    order = list(range(len(pairs)))
    Rng(task["split_seed"], stream=1).shuffle(order)
    n_train = math.floor(task["train_fraction"] * len(pairs))
    return [pairs[k] for k in order[:n_train]]


def point_indices(n_total, max_points, seed):
    """All inputs when they fit, else the first max_points of a seeded shuffle, ascending."""
    if n_total <= max_points:
        return list(range(n_total))
    order = list(range(n_total))
    Rng(seed).shuffle(order)
    return sorted(order[:max_points])


def pair_scores(z, rest, act, rtol=CONSTANT_RTOL, batch=2048):
    """L (n, n) of SPEC 4.3 for first pre-activations z (n, H) and f = act then rest; an output
    whose range on a segment is at most rtol of the largest |output| there scores 1."""
    n = z.shape[0]
    lam = torch.linspace(0, 1, STEPS, dtype=torch.float64)
    t = lam - lam.mean()
    stt = (t * t).sum()
    i_all, j_all = torch.triu_indices(n, n, 1)
    L = torch.eye(n, dtype=torch.float64)
    for start in range(0, i_all.numel(), batch):
        i, j = i_all[start:start + batch], j_all[start:start + batch]
        h = (1 - lam)[None, :, None] * z[i][:, None, :] + lam[None, :, None] * z[j][:, None, :]
        h = act(h)
        for k, layer in enumerate(rest):
            h = h @ layer[0].T + layer[1]
            if k + 1 < len(rest):
                h = act(h)
        yc = h - h.mean(dim=1, keepdim=True)                      # (P, 21, K)
        sty = (t[None, :, None] * yc).sum(dim=1)
        syy = (yc * yc).sum(dim=1)
        r2 = (sty * sty / (stt * syy)).clamp(0, 1)
        spread = h.max(dim=1).values - h.min(dim=1).values
        scale = h.abs().amax(dim=(1, 2))
        r2 = torch.where(spread <= rtol * scale[:, None], torch.ones_like(r2), r2)
        s = r2.mean(dim=1)
        L[i, j] = s
        L[j, i] = s
    return L


def lmn_of_matrix(L):
    w = torch.linalg.eigvalsh(L).abs()
    q = w / w.sum()
    q = q[q > 0]
    return float(2 ** (-(q * torch.log2(q)).sum()))


def first_layer_inputs(config, params, pairs):
    """The embeddings of a and b concatenated, or in the digits format the binary digits of a
    then of b as numbers 0/1, least significant first."""
    if config["task"]["format"] == "digits":
        n = config["task"]["n_bits"]
        return torch.tensor([[(a >> i) & 1 for i in range(n)] + [(b >> i) & 1 for i in range(n)]
                             for a, b in pairs], dtype=torch.float64)
    embed = params["embed.weight"]
    return torch.stack([torch.cat([embed[a], embed[b]]) for a, b in pairs])


def lmn_of_checkpoint(path, max_points, seed, rtol=CONSTANT_RTOL):
    params, meta = grok_torch.read_safetensors(path, torch.float64)
    config = json.loads(meta["config"])
    model = config["model"]
    assert model["kind"] == "mlp" and model["activation"] == "silu", model
    pairs = training_pairs(config)
    idx = point_indices(len(pairs), max_points, seed)
    x = first_layer_inputs(config, params, [pairs[k] for k in idx])
    layers = [(params[f"layers.{i}.weight"], params[f"layers.{i}.bias"])
              for i in range(model["depth"] + 1)]
    z = x @ layers[0][0].T + layers[0][1]
    L = pair_scores(z, layers[1:], torch.nn.functional.silu, rtol)
    return lmn_of_matrix(L), len(idx), config


def checkpoint_path(run, step):
    return os.path.join(run, "checkpoints", f"step-{step:08d}.safetensors")


def cli_lmn(cli, run, step, *extra):
    out = subprocess.run([cli, "measure", run, "--step", str(step), "--measure", "lmn", *extra],
                         check=True, capture_output=True, text=True).stdout
    record = json.loads(out)["measures"][0]
    return record["value"], record["parameters"]["points"]


# the self-test's runs: a small add mod 17, and XOR of 4-bit numbers in the digits format
SELF_TEST_RUNS = (("liu-add31", ["task.p=17"]), ("liu-xor5-digits", ["task.n_bits=4"]))


def self_test(cli):
    failures = []
    torch.set_num_threads(2)
    for preset, sets in SELF_TEST_RUNS:
        print(f"{preset} with {' '.join(sets)}:")
        with tempfile.TemporaryDirectory() as tmp:
            self_test_run(cli, os.path.join(tmp, "run"), preset, sets, failures)
    if failures:
        print("disagreements:", ", ".join(failures))
        return 1
    print("all agree within", TOL)
    return 0


def self_test_run(cli, run, preset, sets, failures):
    extra = [arg for s in sets for arg in ("--set", s)]
    subprocess.run([cli, "train", preset, "--out", run, "--steps", "400", "--quiet", *extra,
                    "--set", "measures.lmn_every=50",
                    "--set", "measures.lmn_per_decade=0", "--set", "measures.lmn_points=100",
                    "--set", "measures.spectrum_per_decade=0",
                    "--set", "measures.complexity_per_decade=0",
                    "--set", "measures.local_complexity_per_decade=0"], check=True)
    with open(os.path.join(run, "metrics.csv")) as f:
        column = {int(r["step"]): float(r["lmn"]) for r in csv.DictReader(f) if r["lmn"]}
    with open(os.path.join(run, "config.json")) as f:
        config = json.load(f)
    for step in (100, 400):
        ours, n_ours = cli_lmn(cli, run, step, "--lmn-points", "1024")
        ref, n_ref, _ = lmn_of_checkpoint(checkpoint_path(run, step), 1024, config["seed"])
        err = abs(ours - ref) / ref
        print(f"step {step}: measure {ours:.6f} on {n_ours} points, reference {ref:.6f} "
              f"on {n_ref}: relative difference {err:.2e}")
        if n_ours != n_ref or not err <= TOL:
            failures.append(f"{preset}: measure at step {step}")
        ref, n_ref, _ = lmn_of_checkpoint(checkpoint_path(run, step),
                                          config["measures"]["lmn_points"], config["seed"])
        err = abs(column[step] - ref) / ref
        print(f"step {step}: metrics.csv {column[step]:.6f}, reference {ref:.6f} on {n_ref} "
              f"points: relative difference {err:.2e}")
        if not err <= TOL:
            failures.append(f"{preset}: metrics.csv at step {step}")
        # measure without options uses the run's own settings: the column's value
        ours, n_ours = cli_lmn(cli, run, step)
        err = abs(ours - ref) / ref
        print(f"step {step}: measure with the run's settings {ours:.6f} on {n_ours} points")
        if n_ours != n_ref or not err <= TOL:
            failures.append(f"{preset}: measure with the run's settings at step {step}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cli", nargs="?", help="grokscope-cli, for the self-test")
    parser.add_argument("--run")
    parser.add_argument("--step", type=int)
    parser.add_argument("--points", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rtol", type=float, default=CONSTANT_RTOL,
                        help="the constant-output threshold (0: every output by its r2)")
    args = parser.parse_args()
    if args.run is not None:
        value, n, _ = lmn_of_checkpoint(checkpoint_path(args.run, args.step), args.points,
                                        args.seed, args.rtol)
        print(json.dumps({"step": args.step, "points": n, "lmn": value}))
        return 0
    if args.cli is None:
        parser.print_usage(sys.stderr)
        return 2
    return self_test(args.cli)


if __name__ == "__main__":
    sys.exit(main())
