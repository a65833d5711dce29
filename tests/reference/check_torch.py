#!/usr/bin/python3
"""Redo one Grokscope training step in PyTorch and compare.

For the presets demoss-add-ours (the transformer), demoss-add-mlp (the MLP) and
liu-xor5-digits (the MLP on 0/1 inputs with one logistic output per digit) on 64 examples,
and demoss-add-mlp and quick on batches large enough to fold their first layer and to be cut
into row blocks (on one thread and on two), runs
tests/dump-train-step (path given as the first argument), which writes the checkpoint before
the step and the step's batch, logits, loss, penalty, gradients and updated parameters. This
script builds the same model in PyTorch (float64) from grok_torch.py, loads the checkpoint by
its tensor names (a missing or extra name fails), and recomputes everything with autograd and
torch.optim.AdamW, the spectral-entropy penalty on and the weight noise off.

Exit status: 0 when everything agrees, 1 when something does not or torch is missing (the
reference check is part of the suite: a machine without torch fails it).
"""

import json
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

# Grokscope computes in float32, PyTorch here in float64, so the differences are float32
# rounding: ~6e-8 per operation, growing with the depth of the computation and the length of
# sums (512-wide products, softmax, two LayerNorms, a float32 SVD for the penalty), a few 1e-6
# in practice. The limit is 1e-4. Elements far smaller than the largest of their tensor are
# measured against a floor of 1e-2 of that largest (for gradients, also 1e-4 of the model's
# largest gradient: the key bias's true gradient is zero, softmax ignores a shift shared by all
# keys, so both sides hold rounding noise there).
TOL = 1e-4
FLOOR_FRACTION = 1e-2
GLOBAL_FLOOR_FRACTION = 1e-4

failures = []
worst = {}


def compare(label, ours, ref, floor):
    err = ((ours - ref).abs() / (ref.abs() + floor)).max().item()
    kind = label.split()[1]
    worst[kind] = max(worst.get(kind, 0.0), err)
    if not err <= TOL:
        print(f"FAIL {label:48} max relative error {err:.2e}")
        failures.append(label)
    return err


def compare_after(label, ours, ref, ref_grad, grad_floor, lr):
    """The first AdamW update moves each parameter by lr * g / (|g| + eps) + decay: for
    entries whose gradient is rounding noise (below grad_floor) the sign is a coin toss on both
    sides, so there the two may differ by up to 2 lr; elsewhere the relative rule holds."""
    noise = ref_grad.abs() < grad_floor
    if noise.any():
        gap = (ours - ref)[noise].abs().max().item()
        if gap > 2 * lr * (1 + 1e-3):
            print(f"FAIL {label:48} differs by {gap:.2e} where the gradient is noise")
            failures.append(label)
    floor = FLOOR_FRACTION * ref.abs().max().item() + 1e-30
    keep = ~noise
    if keep.any():
        compare(label, ours[keep], ref[keep], floor)


def check(dump_exe, preset, batch=64, threads=0):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([dump_exe, preset, tmp, str(batch)] + ([str(threads)] if threads else []),
                       check=True)
        init, meta = grok_torch.read_safetensors(os.path.join(tmp, "init.safetensors"))
        step, _ = grok_torch.read_safetensors(os.path.join(tmp, "step.safetensors"))
    config = json.loads(meta["config"])
    model = grok_torch.build_model(config, torch.float64)
    state = model.state_dict()
    if set(state) != set(init):
        sys.exit(f"{preset}: tensor names differ: only in torch {sorted(set(state) - set(init))}, "
                 f"only in the checkpoint {sorted(set(init) - set(state))}")
    model.load_state_dict(init, strict=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{preset}: {config['model']['kind']}, {n_params} parameters")

    targets = step["batch.targets"].long()
    lam = config["reg"]["spectral_entropy"]
    if grok_torch.is_digits(config):
        logits = model(step["batch.x"])
        ce = grok_torch.digits_bce(logits, targets)
    else:
        logits = model(step["batch.tokens"].long())
        ce = grok_torch.clipped_cross_entropy(logits, targets, config["train"]["prob_clip"])
    penalty = lam * grok_torch.spectral_entropy_penalty(model)
    (ce + penalty).backward()

    compare(f"{preset} logits", step["logits"], logits.detach(),
            FLOOR_FRACTION * logits.abs().max().item())
    compare(f"{preset} loss", step["loss"], ce.detach().reshape(1), 0.0)
    # a floor of 1e-30: a preset without the penalty has 0 on both sides
    compare(f"{preset} penalty", step["penalty"], penalty.detach().reshape(1), 1e-30)
    grads = {name: p.grad.detach().clone() for name, p in model.named_parameters()}
    largest = max(g.abs().max().item() for g in grads.values())
    for name, g in grads.items():
        floor = FLOOR_FRACTION * g.abs().max().item() + GLOBAL_FLOOR_FRACTION * largest
        compare(f"{preset} grad {name}", step[f"grad.{name}"], g, floor)

    o = config["optim"]
    opt = torch.optim.AdamW(model.parameters(), lr=o["lr"], betas=(o["beta1"], o["beta2"]),
                            eps=o["eps"], weight_decay=o["weight_decay"])
    opt.step()
    for name, p in model.named_parameters():
        compare_after(f"{preset} after {name}", step[f"after.{name}"], p.detach(), grads[name],
                      GLOBAL_FLOOR_FRACTION * largest, o["lr"])


def main():
    if len(sys.argv) != 2:
        print("usage: check_torch.py PATH-TO-dump-train-step", file=sys.stderr)
        return 2
    for preset in ("demoss-add-ours", "demoss-add-mlp", "liu-xor5-digits"):
        check(sys.argv[1], preset)
    # batches of more rows than twice the vocabulary fold the first layer, and more than 128
    # rows make row blocks: taken in turn on one thread (demoss-add-mlp, 300 rows: three
    # blocks) and shared by two (quick, 512 rows: four), each block's per-token sums added in
    # block order before the first layer's gradient products
    check(sys.argv[1], "demoss-add-mlp", batch=300, threads=1)
    check(sys.argv[1], "quick", batch=512, threads=2)
    for kind, err in sorted(worst.items()):
        print(f"largest relative error, {kind}: {err:.2e}")
    if failures:
        print("disagreements:", ", ".join(failures))
        return 1
    print("all agree within", TOL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
