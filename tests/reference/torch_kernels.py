#!/usr/bin/python3
"""Compare the C transformer kernels with PyTorch on the same inputs.

Runs tests/dump-transformer-kernels (path given as the first argument), which writes the
inputs, outputs and gradients of LayerNorm and multi-head self-attention, then recomputes
them in PyTorch (float64) and checks each tensor's max relative error against 1e-4.
Attention is computed twice: built from Linear layers and softmax as SPEC 2.2 describes it,
and with torch.nn.MultiheadAttention, which also pins down the head layout of q, k, v.

Exit status: 0 when everything agrees, 1 when a tensor does not or torch is missing (the
reference check is part of the suite: a machine without torch fails it).
"""

import os
import struct
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    sys.exit(f"torch is not importable by {sys.executable}: install Debian's python3-torch")

# The C kernels run in float32; PyTorch here in float64. Float32 rounding (2^-24 per operation,
# growing like the square root of the ~100-300 terms in each sum) gives a few 1e-6 relative;
# this comparison, which reads every element, measured at most 4.5e-5 (the gradient of
# q.weight), the finite-difference checks (on samples) 2.5e-5. Elements much smaller than the
# tensor's largest are compared against a floor of 1e-2 of that largest (for gradients, of the
# kernel's largest gradient: the key bias's gradient is zero, as softmax ignores a shift
# shared by all keys).
TOL = 1e-4
FLOOR_FRACTION = 1e-2


def read_dump(path):
    tensors = {}
    with open(path, "rb") as f:
        if f.read(8) != b"GROKKDMP":
            raise ValueError(f"{path}: not a kernel dump")
        while True:
            head = f.read(4)
            if not head:
                break
            (name_len,) = struct.unpack("<I", head)
            name = f.read(name_len).decode()
            (ndim,) = struct.unpack("<I", f.read(4))
            shape = struct.unpack(f"<{ndim}I", f.read(4 * ndim))
            count = 1
            for d in shape:
                count *= d
            values = struct.unpack(f"<{count}f", f.read(4 * count))
            tensors[name] = torch.tensor(values, dtype=torch.float64).reshape(shape)
    return tensors


failures = []


def compare(name, ours, ref, floor_scale=None):
    scale = ref.abs().max().item() if floor_scale is None else floor_scale
    floor = max(FLOOR_FRACTION * scale, 1e-30)
    err = ((ours - ref).abs() / ref.abs().clamp(min=floor)).max().item()
    verdict = "ok" if err <= TOL else "FAIL"
    print(f"{verdict:4} {name:28} max relative error {err:.2e}")
    if not err <= TOL:
        failures.append(name)


def check_layernorm(d, cfg):
    n_rows, channels, eps = int(cfg[0]), int(cfg[1]), cfg[5].item()
    ln = torch.nn.LayerNorm(channels, eps=eps, dtype=torch.float64)
    with torch.no_grad():
        ln.weight.copy_(d["ln.weight"])
        ln.bias.copy_(d["ln.bias"])
    x = d["ln.x"].clone().requires_grad_(True)
    out = ln(x)
    (out * d["ln.dout"]).sum().backward()
    _, mean, rstd = torch.native_layer_norm(d["ln.x"], [channels], d["ln.weight"],
                                            d["ln.bias"], eps)
    assert out.shape == (n_rows, channels)
    compare("layernorm out", d["ln.out"], out.detach())
    compare("layernorm mean", d["ln.mean"], mean.reshape(-1))
    compare("layernorm rstd", d["ln.rstd"], rstd.reshape(-1))
    grads = {"dx": x.grad, "dweight": ln.weight.grad, "dbias": ln.bias.grad}
    largest = max(g.abs().max().item() for g in grads.values())
    for key, g in grads.items():
        compare(f"layernorm {key}", d[f"ln.{key}"], g, largest)


def attention_from_linears(d, batch, seq, heads, channels):
    """Returns out, att and a dict of gradients; L = sum(out * dout)."""
    head_dim = channels // heads
    lin = {}
    for p in "qkvo":
        lin[p] = torch.nn.Linear(channels, channels, dtype=torch.float64)
        with torch.no_grad():
            lin[p].weight.copy_(d[f"attn.{p}.weight"])
            lin[p].bias.copy_(d[f"attn.{p}.bias"])
    x = d["attn.x"].clone().requires_grad_(True)

    def split(t):
        return t.view(batch, seq, heads, head_dim).transpose(1, 2)

    q, k, v = split(lin["q"](x)), split(lin["k"](x)), split(lin["v"](x))
    att = torch.softmax(q @ k.transpose(-1, -2) / head_dim ** 0.5, dim=-1)
    mixed = (att @ v).transpose(1, 2).reshape(batch * seq, channels)
    out = lin["o"](mixed)
    (out * d["attn.dout"]).sum().backward()
    grads = {"dx": x.grad}
    for p in "qkvo":
        grads[f"d{p}.weight"] = lin[p].weight.grad
        grads[f"d{p}.bias"] = lin[p].bias.grad
    return out.detach(), att.detach(), grads


def attention_from_mha(d, batch, seq, heads, channels):
    mha = torch.nn.MultiheadAttention(channels, heads, bias=True, batch_first=True,
                                      dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([d[f"attn.{p}.weight"] for p in "qkv"]))
        mha.in_proj_bias.copy_(torch.cat([d[f"attn.{p}.bias"] for p in "qkv"]))
        mha.out_proj.weight.copy_(d["attn.o.weight"])
        mha.out_proj.bias.copy_(d["attn.o.bias"])
    x = d["attn.x"].clone().view(batch, seq, channels).requires_grad_(True)
    out, att = mha(x, x, x, need_weights=True, average_attn_weights=False)
    (out.reshape(batch * seq, channels) * d["attn.dout"]).sum().backward()
    w_grads = mha.in_proj_weight.grad.split(channels)
    b_grads = mha.in_proj_bias.grad.split(channels)
    grads = {"dx": x.grad.reshape(batch * seq, channels)}
    for i, p in enumerate("qkv"):
        grads[f"d{p}.weight"] = w_grads[i]
        grads[f"d{p}.bias"] = b_grads[i]
    grads["do.weight"] = mha.out_proj.weight.grad
    grads["do.bias"] = mha.out_proj.bias.grad
    return out.detach().reshape(batch * seq, channels), att.detach(), grads


def check_attention(d, cfg, build, label):
    batch, seq, heads, channels = int(cfg[2]), int(cfg[3]), int(cfg[4]), int(cfg[1])
    out, att, grads = build(d, batch, seq, heads, channels)
    compare(f"{label} out", d["attn.out"], out)
    compare(f"{label} att", d["attn.att"], att)
    largest = max(g.abs().max().item() for g in grads.values())
    for key, g in grads.items():
        compare(f"{label} {key}", d[f"attn.{key}"], g, largest)


def main():
    if len(sys.argv) != 2:
        print("usage: torch_kernels.py PATH-TO-dump-transformer-kernels", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "kernels.bin")
        subprocess.run([sys.argv[1], path], check=True)
        d = read_dump(path)
    cfg = d["config"]
    check_layernorm(d, cfg)
    check_attention(d, cfg, attention_from_linears, "attention")
    check_attention(d, cfg, attention_from_mha, "mha")
    if failures:
        print("disagreements:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
