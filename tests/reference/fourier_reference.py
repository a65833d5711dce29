#!/usr/bin/python3
"""The Fourier measures and view of SPEC 4.5, recomputed in float64 from Grokscope's checkpoints.

Written from the SPEC and the README's definitions: norm_k from numpy's FFT of the embedding
rows of the p number tokens (and of the output layer's rows of the p number classes), the Gini
coefficient by its pairwise definition, the top-5 share, the five key frequencies, and the
restricted and excluded losses from the logits of a PyTorch float64 forward pass over every
pair, projected by a least-squares fit on the whole (a, b, c) grid (numpy's lstsq on the full
design matrix, not the per-residue sums Grokscope uses).

  fourier_reference.py GROKSCOPE-CLI
      trains a small `quick` (MLP, add mod 31) and a small `demoss-add-ours` (transformer, add
      mod 23) run, and compares (a) every row of `grokscope-cli figure RUN --view fourier --out
      F.csv` with the norms of every stored checkpoint, (b) its restricted and excluded loss
      with the final checkpoint's key frequencies at three checkpoints, and (c) `grokscope-cli
      measure --measure fourier` at two checkpoints with this computation. Exit status 0 when
      all agree.
"""

import csv
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError:
    sys.exit(f"numpy and torch are not importable by {sys.executable}: install Debian's "
             "python3-numpy and python3-torch")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grok_torch  # noqa: E402
from lmn_reference import Rng  # noqa: E402

# the checkpoint's float32 weights are read exactly by both; Grokscope sums in double with
# cblas and prints 9 significant digits in the CSV
NORM_RTOL = 1e-7
# Grokscope's logits come from a float32 forward pass: the losses differ by up to ~1e-7
# relative (measured on the runs below); a wrong basis, pair set or sign moves them by tenths
LOSS_RTOL = 1e-4
KEYS = 5


def pairs_and_split(config):
    """Every (a, b) of add mod p in the task's order, and which are training pairs (SPEC 1)."""
    task = config["task"]
    assert task["name"] == "modular" and task["op"] == "add", task
    p = task["p"]
    pairs = [(a, b) for a in range(p) for b in range(p)]
    order = list(range(len(pairs)))
    Rng(task["split_seed"], stream=1).shuffle(order)
    n_train = math.floor(task["train_fraction"] * len(pairs))
    train = np.zeros(len(pairs), dtype=bool)
    train[order[:n_train]] = True
    return np.array(pairs), train


def matrices(config, tensors):
    m = config["model"]
    if m["kind"] == "transformer":
        return tensors["tok_embed.weight"], tensors["unembed.weight"]
    return tensors["embed.weight"], tensors[f"layers.{m['depth']}.weight"]


def norms_of(rows, p):
    f = np.fft.fft(rows[:p].numpy(), axis=0)   # f[k] = c_k - i s_k, one column per dimension
    return np.sqrt((np.abs(f[: p // 2 + 1]) ** 2).sum(axis=1))


def gini(x):
    n = len(x)
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean())


def top_share(x, top):
    sq = np.sort(x ** 2)
    return sq[-top:].sum() / sq.sum()


def key_frequencies(norms):
    ks = sorted(range(1, len(norms)), key=lambda k: (-norms[k], k))
    return sorted(ks[:KEYS])


def losses(config, tensors, keys):
    p = config["task"]["p"]
    pairs, train = pairs_and_split(config)
    model = grok_torch.build_model(config, torch.float64)
    model.load_state_dict(tensors, strict=False)
    if config["task"]["format"] == "sequence":
        tokens = np.stack([pairs[:, 0], np.full(len(pairs), p), pairs[:, 1],
                           np.full(len(pairs), p + 1)], axis=1)
    else:
        tokens = pairs
    with torch.no_grad():
        logits = model(torch.from_numpy(tokens)).numpy()
    a, b = pairs[:, 0], pairs[:, 1]
    c = np.arange(p)
    r = (a[:, None] + b[:, None] - c[None, :]) % p   # (n, p)
    columns = [np.ones(r.size)]
    for k in keys:
        w = 2 * np.pi * k * r.ravel() / p
        columns += [np.cos(w), np.sin(w)]
    design = np.stack(columns, axis=1)
    beta, *_ = np.linalg.lstsq(design, logits[:, :p].ravel(), rcond=None)
    fit = (design @ beta).reshape(r.shape)
    clip = config["train"]["prob_clip"]
    y = torch.from_numpy((a + b) % p)
    restricted = logits.copy()
    restricted[:, :p] = fit
    excluded = logits.copy()
    excluded[:, :p] -= fit - beta[0]
    r_loss = grok_torch.clipped_cross_entropy(torch.from_numpy(restricted), y, clip).item()
    e_loss = grok_torch.clipped_cross_entropy(torch.from_numpy(excluded[train]), y[train],
                                              clip).item()
    return r_loss, e_loss


def close(ours, ref, rtol, what, failures):
    err = abs(ours - ref) / max(abs(ref), 1e-12)
    print(f"  {what}: grokscope {ours:.9g}, reference {ref:.9g} (relative {err:.1e})")
    if not err <= rtol:
        failures.append(what)


def check_run(cli, run, preset, sets, failures):
    extra = [arg for s in sets for arg in ("--set", s)]
    subprocess.run([cli, "train", preset, "--out", run, "--quiet", *extra,
                    "--set", "measures.spectrum_per_decade=0",
                    "--set", "measures.complexity_per_decade=0",
                    "--set", "measures.lmn_per_decade=0",
                    "--set", "measures.local_complexity_per_decade=0",
                    "--set", "checkpoints.views=0"], check=True)
    with open(os.path.join(run, "config.json")) as f:
        config = json.load(f)
    p = config["task"]["p"]
    csv_path = os.path.join(run, "fourier.csv")
    subprocess.run([cli, "figure", run, "--view", "fourier", "--out", csv_path], check=True)
    with open(csv_path) as f:
        norms_block, progress_block = f.read().split("\n\n", 1)
    rows = [r for r in csv.DictReader(line for line in norms_block.splitlines()
                                      if not line.startswith("#"))]
    progress = {int(r["step"]): r for r in
                csv.DictReader(line for line in progress_block.splitlines()
                               if not line.startswith("#"))}
    stated = dict(line[2:].split("=", 1) for line in progress_block.splitlines()
                  if line.startswith("# ") and "=" in line)
    steps = sorted({int(r["step"]) for r in rows})
    on_disk = sorted(int(name[5:13]) for name in os.listdir(os.path.join(run, "checkpoints"))
                     if name.endswith(".safetensors"))
    if steps != on_disk:
        failures.append(f"{preset}: CSV steps {steps} are not the checkpoints {on_disk}")
    worst = 0.0
    for step in on_disk:
        tensors, _ = grok_torch.read_safetensors(grok_path(run, step))
        for name, rows_of in zip(("embedding", "unembedding"), matrices(config, tensors)):
            ref = norms_of(rows_of, p)
            ours = np.array([float(r["norm"]) for r in rows
                             if int(r["step"]) == step and r["matrix"] == name])
            if ours.shape != ref.shape:
                failures.append(f"{preset}: step {step} {name} has {ours.shape[0]} frequencies")
                continue
            worst = max(worst, np.abs(ours - ref).max() / ref.max())
    print(f"  figure CSV: {len(on_disk)} checkpoints x 2 matrices x {p // 2 + 1} frequencies, "
          f"largest difference {worst:.1e} of the largest norm")
    if not worst <= NORM_RTOL:
        failures.append(f"{preset}: figure CSV norms")
    # the view's progress measures: one key set, the final checkpoint's, at every step
    tensors, _ = grok_torch.read_safetensors(grok_path(run, on_disk[-1]))
    final_keys = key_frequencies(norms_of(matrices(config, tensors)[0], p))
    print(f"  figure CSV progress measures: keys {stated.get('progress_keys')}, "
          f"from {stated.get('progress_keys_from')}")
    if stated.get("progress_keys") != " ".join(map(str, final_keys)):
        failures.append(f"{preset}: progress_keys {stated.get('progress_keys')} are not the "
                        f"final checkpoint's {final_keys}")
    if stated.get("progress_keys_from") != f"final, step={on_disk[-1]}":
        failures.append(f"{preset}: progress_keys_from {stated.get('progress_keys_from')}")
    if sorted(progress) != on_disk:
        failures.append(f"{preset}: progress rows {sorted(progress)} are not the checkpoints")
    for step in (on_disk[1], on_disk[len(on_disk) // 2], on_disk[-1]):
        tensors, _ = grok_torch.read_safetensors(grok_path(run, step))
        r_loss, e_loss = losses(config, tensors, final_keys)
        close(float(progress[step]["restricted_loss"]), r_loss, LOSS_RTOL,
              f"step {step} restricted loss, final keys", failures)
        close(float(progress[step]["excluded_loss"]), e_loss, LOSS_RTOL,
              f"step {step} excluded loss, final keys", failures)
    for step in (on_disk[len(on_disk) // 2], on_disk[-1]):
        out = subprocess.run([cli, "measure", run, "--step", str(step), "--measure", "fourier"],
                             check=True, capture_output=True, text=True).stdout
        record = json.loads(out)["measures"][0]
        tensors, _ = grok_torch.read_safetensors(grok_path(run, step))
        embedding = norms_of(matrices(config, tensors)[0], p)
        keys = key_frequencies(embedding)
        print(f" step {step}: key frequencies {keys}")
        if record["parameters"]["key_frequencies"] != keys:
            failures.append(f"{preset}: key frequencies at step {step}: "
                            f"{record['parameters']['key_frequencies']}")
        r_loss, e_loss = losses(config, tensors, keys)
        cols = record["columns"]
        close(cols["fourier_gini"], gini(embedding[1:]), NORM_RTOL, "fourier_gini", failures)
        close(cols["fourier_top5"], top_share(embedding[1:], KEYS), NORM_RTOL, "fourier_top5",
              failures)
        close(cols["restricted_loss"], r_loss, LOSS_RTOL, "restricted_loss", failures)
        close(cols["excluded_loss"], e_loss, LOSS_RTOL, "excluded_loss", failures)


def grok_path(run, step):
    return os.path.join(run, "checkpoints", f"step-{step:08d}.safetensors")


RUNS = (("quick", ["task.p=31", "train.steps=300"]),
        ("demoss-add-ours", ["task.p=23", "train.steps=20", "model.d_model=32", "model.d_mlp=64"]))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    torch.set_num_threads(2)
    failures = []
    for preset, sets in RUNS:
        print(f"{preset} with {' '.join(sets)}:")
        with tempfile.TemporaryDirectory() as tmp:
            check_run(sys.argv[1], os.path.join(tmp, "run"), preset, sets, failures)
    if failures:
        print("disagreements:", "; ".join(failures))
        return 1
    print("all agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
