"""The two model families of SPEC 2.1 and 2.2 as PyTorch modules, written from the SPEC alone,
with parameter names that match Grokscope's checkpoints (SPEC 2.3), and the training loss of
SPEC 3 (clipped cross-entropy plus the spectral-entropy penalty). Used by check_torch.py and
bench_torch.py."""

import json
import struct

import torch


class Attention(torch.nn.Module):
    def __init__(self, d_model, n_heads, dtype):
        super().__init__()
        self.n_heads = n_heads
        for p in "qkvo":
            setattr(self, p, torch.nn.Linear(d_model, d_model, dtype=dtype))

    def forward(self, x):
        b, t, c = x.shape
        d = c // self.n_heads

        def split(y):
            return y.view(b, t, self.n_heads, d).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / d ** 0.5, dim=-1)  # no causal mask
        return self.o((att @ v).transpose(1, 2).reshape(b, t, c))


class Mlp2(torch.nn.Module):
    def __init__(self, d_model, d_mlp, dtype):
        super().__init__()
        self.fc1 = torch.nn.Linear(d_model, d_mlp, dtype=dtype)
        self.fc2 = torch.nn.Linear(d_mlp, d_model, dtype=dtype)

    def forward(self, x):
        return self.fc2(torch.nn.functional.gelu(self.fc1(x), approximate="tanh"))


class Block(torch.nn.Module):
    def __init__(self, d_model, n_heads, d_mlp, eps, dtype):
        super().__init__()
        self.attn = Attention(d_model, n_heads, dtype)
        self.ln1 = torch.nn.LayerNorm(d_model, eps=eps, dtype=dtype)
        self.mlp = Mlp2(d_model, d_mlp, dtype)
        self.ln2 = torch.nn.LayerNorm(d_model, eps=eps, dtype=dtype)

    def forward(self, x):
        x = self.ln1(x + self.attn(x))  # post-LayerNorm
        return self.ln2(x + self.mlp(x))


class Transformer(torch.nn.Module):
    def __init__(self, vocab, d_model, n_heads, d_mlp, n_blocks, eps, dtype=torch.float32):
        super().__init__()
        self.tok_embed = torch.nn.Embedding(vocab, d_model, dtype=dtype)
        self.pos_embed = torch.nn.Embedding(vocab, d_model, dtype=dtype)
        self.blocks = torch.nn.ModuleList(
            Block(d_model, n_heads, d_mlp, eps, dtype) for _ in range(n_blocks))
        self.unembed = torch.nn.Linear(d_model, vocab, dtype=dtype)

    def forward(self, tokens):
        x = self.tok_embed(tokens) + self.pos_embed.weight[: tokens.shape[1]]
        for block in self.blocks:
            x = block(x)
        return self.unembed(x[:, -1])


ACTIVATIONS = {
    "relu": torch.nn.functional.relu,
    "leaky_relu": lambda x: torch.nn.functional.leaky_relu(x, 0.01),
    "gelu": lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
    "silu": torch.nn.functional.silu,
    "tanh": torch.tanh,
    "linear": lambda x: x,
}


class Mlp(torch.nn.Module):
    """With vocab = None the inputs are numbers, n_positions of them, fed to the first layer
    as they are (no embedding), as for xor_bits in the digits format."""

    def __init__(self, vocab, n_positions, d_embed, width, depth, activation, n_classes,
                 dtype=torch.float32):
        super().__init__()
        self.embed = None if vocab is None else torch.nn.Embedding(vocab, d_embed, dtype=dtype)
        widths = [n_positions * (1 if vocab is None else d_embed)] + [width] * depth + [n_classes]
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(widths[i], widths[i + 1], dtype=dtype) for i in range(depth + 1))
        self.act = ACTIVATIONS[activation]

    def forward(self, inputs):
        h = inputs if self.embed is None else self.embed(inputs).flatten(1)
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i + 1 < len(self.layers):
                h = self.act(h)
        return h


def vocab_size(config):
    """Vocabulary of a modular task in Grokscope's token formats (SPEC 1)."""
    p = config["task"]["p"]
    return p + 2 if config["task"]["format"] == "sequence" else p


def is_digits(config):
    """xor_bits in the digits format: 2n inputs 0/1, one logistic output per digit (SPEC 1)."""
    return config["task"]["format"] == "digits"


def build_model(config, dtype=torch.float32):
    m = config["model"]
    if is_digits(config):
        n = config["task"]["n_bits"]
        return Mlp(None, 2 * n, None, m["width"], m["depth"], m["activation"], n, dtype)
    vocab = vocab_size(config)
    n_pos = 4 if config["task"]["format"] == "sequence" else 2
    if m["kind"] == "transformer":
        return Transformer(vocab, m["d_model"], m["n_heads"], m["d_mlp"], m["n_blocks"],
                           m["ln_eps"], dtype)
    return Mlp(vocab, n_pos, m["d_embed"], m["width"], m["depth"], m["activation"], vocab,
               dtype)


def clipped_cross_entropy(logits, targets, clip):
    p = torch.softmax(logits, dim=-1).gather(1, targets[:, None])[:, 0]
    if clip > 0:
        p = p.clamp(clip, 1 - clip)
    return -torch.log(p).mean()


def digits_bce(logits, targets):
    """Mean over examples and digits of the binary cross-entropy; digit k of the integer
    target is what logit k predicts."""
    k = torch.arange(logits.shape[1])
    digits = ((targets[:, None] >> k) & 1).to(logits.dtype)
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, digits)


def spectral_entropy_penalty(model):
    """Mean over 2-D parameters of H = -sum p ln(p + 1e-10), p = s / sum(s) (SPEC 3)."""
    entropies = []
    for param in model.parameters():
        if param.dim() == 2:
            s = torch.linalg.svdvals(param)
            p = s / s.sum()
            entropies.append(-(p * torch.log(p + 1e-10)).sum())
    return torch.stack(entropies).mean()


def read_safetensors(path, dtype=torch.float64):
    """name -> tensor, and the metadata dict, of a safetensors file of F32 tensors."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", name
        start, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(data[start:end]), dtype=torch.float32)
        tensors[name] = values.reshape(info["shape"]).to(dtype)
    return tensors, meta
