"""The neurons view against an independent float64 recomputation with numpy.

Trains a small run of the quick preset (SiLU, so that every unit varies), writes the neurons
view's CSV with grokscope-cli, and recomputes from the checkpoint alone (read here with struct
and json): each unit's activation at every pair (a, b) from embed.weight and layers.0, the units
of largest variance, and each unit's 2-D power with numpy's FFT, centred with fftshift.
Usage: check_neurons.py GROKSCOPE_CLI
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np


def read_checkpoint(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").astype(np.float64).reshape(
            info["shape"])
    return tensors


def parse_csv(path):
    comments, blocks, current = {}, [], None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                key, _, value = line[2:].partition("=")
                comments[key] = value
            elif line == "":
                current = None
            elif current is None:
                current = {"header": line.split(","), "rows": []}
                blocks.append(current)
            else:
                current["rows"].append([float(x) for x in line.split(",")])
    return comments, blocks


def main():
    cli = sys.argv[1]
    p = 23
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run")
        subprocess.run([cli, "train", "quick", "--out", run, "--quiet", "--steps", "60",
                        "--set", "task.p=%d" % p, "--set", "model.activation=silu"], check=True)
        csv = os.path.join(tmp, "neurons.csv")
        subprocess.run([cli, "figure", run, "--view", "neurons", "--out", csv], check=True)
        comments, blocks = parse_csv(csv)
        step = int(comments["step"])
        t = read_checkpoint(os.path.join(run, "checkpoints", "step-%08d.safetensors" % step))

    assert comments["layer"] == "layers.0", comments["layer"]
    assert [b["header"] for b in blocks] == [["unit", "a", "b", "activation"],
                                             ["unit", "k_a", "k_b", "power"]], blocks
    kind, _, listed = comments["units"].partition(":")
    assert kind == "largest variance", kind
    units = [int(u) for u in listed.split(",")]

    # every unit's activation at every pair, float64: silu (W [E[a]; E[b]] + bias)
    E, W, bias = t["embed.weight"], t["layers.0.weight"], t["layers.0.bias"]
    a, b = np.meshgrid(np.arange(p), np.arange(p), indexing="ij")
    inputs = np.concatenate([E[a.ravel()], E[b.ravel()]], axis=1)      # (p*p, 2 d)
    z = inputs @ W.T + bias
    act = z / (1 + np.exp(-z))                                            # (p*p, width)
    variance = act.var(axis=0)
    want_units = list(np.argsort(-variance, kind="stable")[:len(units)])
    assert units == want_units, (units, want_units)

    rows = np.array(blocks[0]["rows"])
    assert len(rows) == len(units) * p * p
    worst_act = 0.0
    for r in rows:
        u, ra, rb, v = int(r[0]), int(r[1]), int(r[2]), r[3]
        want = act[ra * p + rb, u]
        worst_act = max(worst_act, abs(v - want) / max(1.0, abs(want)))
    assert worst_act < 1e-5, worst_act

    power = np.array(blocks[1]["rows"])
    worst_power = 0.0
    for u in units:
        f = act[:, u].reshape(p, p)
        F = np.fft.fftshift(np.fft.fft2(f - f.mean())) / (p * p)
        want = np.abs(F) ** 2
        got = np.zeros((p, p))
        for r in power[power[:, 0] == u]:
            got[int(r[1]) + p // 2, int(r[2]) + p // 2] = r[3]
        # Parseval: the cells add up to the unit's variance
        assert abs(want.sum() - variance[u]) < 1e-9 * max(variance[u], 1e-30)
        worst_power = max(worst_power, np.abs(got - want).max() / want.max())
    assert worst_power < 1e-5, worst_power
    print("units %s; activation within %.2g, power within %.2g of its largest cell"
          % (units, worst_act, worst_power))


if __name__ == "__main__":
    main()
