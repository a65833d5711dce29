"""Cross-check of the engine's safetensors files against an independent reader and writer.

Parses a file written by the C engine with struct + json (strict) and torch, checking the
layout rules and the values; then writes a file the Python way (keys in another order, no
padding) and checks that the engine reads back the same tensors.
Usage: check_safetensors.py SAMPLE_HELPER
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch


def parse(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    text = raw[8:8 + n].decode("utf-8")
    pairs = json.loads(text, object_pairs_hook=lambda p: p)  # keeps order, strict JSON
    return raw, n, text, pairs


def check_engine_file(helper, path):
    subprocess.run([helper, "write", path], check=True)
    raw, n, text, pairs = parse(path)
    assert (8 + n) % 8 == 0, "header not padded to a multiple of 8"
    tail = text[len(text.rstrip()):]
    assert tail == " " * len(tail), "padding is not spaces"
    keys = [k for k, _ in pairs]
    assert keys[0] == "__metadata__", keys
    meta = dict(pairs[0][1])
    # the data section's SHA-256, computed here independently of GLib's
    assert meta.pop("data_sha256") == hashlib.sha256(raw[8 + n:]).hexdigest(), "data_sha256"
    assert meta == {"step": "100", "config": '{"lr": 0.001,\n"name": "a\\\\b"}'}, meta
    names = keys[1:]
    assert names == sorted(names, key=lambda s: s.encode()), names
    expected_shapes = {"blocks.0.attn.q.weight": [4, 3], "embed.weight": [5, 2],
                       "layers.0.bias": [3], "z.w": [2, 1, 2, 2]}
    assert set(names) == set(expected_shapes), names
    data = raw[8 + n:]
    pos = 0
    for c, (name, info) in enumerate(pairs[1:]):
        info = dict(info)
        assert info["dtype"] == "F32"
        assert info["shape"] == expected_shapes[name], (name, info["shape"])
        begin, end = info["data_offsets"]
        assert begin == pos, "gap or overlap before " + name
        pos = end
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(info["shape"])
        numel = t.numel()
        want = (c + (torch.arange(numel, dtype=torch.float32) - 3) / 8).reshape(info["shape"])
        assert torch.equal(t, want), (name, t, want)
    assert pos == len(data), "data section not fully covered"


def check_python_file(helper, path):
    gen = torch.Generator().manual_seed(0)
    tensors = {"w": torch.randn(3, 5, generator=gen), "a.b": torch.randn(7, generator=gen),
               "m": torch.randn(2, 3, 1, 2, generator=gen)}
    header, blobs, pos = {}, [], 0
    for name in ["w", "m", "a.b"]:  # not canonical: the reader must sort
        b = tensors[name].numpy().astype("<f4").tobytes()
        header[name] = {"shape": list(tensors[name].shape), "dtype": "F32",
                        "data_offsets": [pos, pos + len(b)]}
        blobs.append(b)
        pos += len(b)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    out = subprocess.run([helper, "dump", path], check=True, capture_output=True, text=True).stdout
    lines = out.strip().split("\n")
    assert [l.split("|")[0] for l in lines] == ["a.b", "m", "w"], lines
    for line in lines:
        name, shape, values = line.split("|")
        assert [int(s) for s in shape.split(",")] == list(tensors[name].shape), line
        got = torch.tensor([float(v) for v in values.split(",")], dtype=torch.float32)
        assert torch.equal(got, tensors[name].flatten()), name


def main():
    helper = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        check_engine_file(helper, os.path.join(tmp, "engine.safetensors"))
        check_python_file(helper, os.path.join(tmp, "python.safetensors"))
    print("safetensors cross-check passed")


if __name__ == "__main__":
    main()
