"""Steps per second of a Grokscope preset's model trained the same way in PyTorch.

Usage: bench_torch.py mlp VOCAB N_POSITIONS D_EMBED WIDTH DEPTH ACTIVATION N_CLASSES BATCH STEPS
       bench_torch.py transformer VOCAB D_MODEL N_HEADS D_MLP N_BLOCKS BATCH STEPS
       bench_torch.py transformer-recipe VOCAB D_MODEL N_HEADS D_MLP N_BLOCKS BATCH STEPS
                      SIGMA LAMBDA PROB_CLIP
Prints one line per thread count: "threads T steps_per_second S", the best of ROUNDS rounds of
STEPS steps each (3), since the machine may be shared.
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grok_torch  # noqa: E402


ACTIVATIONS = {
    "relu": torch.nn.ReLU,
    "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
    "gelu": lambda: torch.nn.GELU(approximate="tanh"),
    "silu": torch.nn.SiLU,
    "tanh": torch.nn.Tanh,
    "linear": torch.nn.Identity,
}


class Mlp(torch.nn.Module):
    def __init__(self, vocab, n_positions, d_embed, width, depth, activation, n_classes):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, d_embed)
        layers = []
        width_in = n_positions * d_embed
        for _ in range(depth):
            layers += [torch.nn.Linear(width_in, width), ACTIVATIONS[activation]()]
            width_in = width
        layers.append(torch.nn.Linear(width_in, n_classes))
        self.layers = torch.nn.Sequential(*layers)

    def forward(self, tokens):
        return self.layers(self.embed(tokens).flatten(1))


ROUNDS = 3


def report(threads, step, steps):
    """Times ROUNDS rounds of steps calls of step after a warm-up and prints the best rate."""
    for _ in range(max(3, steps // 10)):
        step()
    best = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        best = max(best, steps / (time.perf_counter() - start))
    print(f"threads {threads} steps_per_second {best:.3f}", flush=True)


def plain_step(model, opt, tokens, targets):
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(tokens), targets)
        loss.backward()
        opt.step()

    return step


def bench_mlp(args):
    vocab, n_pos, d_embed, width, depth = (int(a) for a in args[:5])
    activation = args[5]
    n_classes, batch, steps = (int(a) for a in args[6:9])
    torch.manual_seed(0)
    tokens = torch.randint(0, vocab, (batch, n_pos))
    targets = torch.randint(0, n_classes, (batch,))
    for threads in (1, 2):
        torch.set_num_threads(threads)
        model = Mlp(vocab, n_pos, d_embed, width, depth, activation, n_classes)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1.0)
        report(threads, plain_step(model, opt, tokens, targets), steps)


def recipe_step(model, opt, tokens, targets, sigma, lam, clip):
    """DeMoss et al.'s whole recipe (SPEC 3): the gradient of the clipped cross-entropy plus
    lambda times the spectral-entropy penalty (differentiable singular values,
    torch.linalg.svdvals) at theta + N(0, sigma^2), then the AdamW update of theta."""
    params = list(model.parameters())

    def step():
        opt.zero_grad(set_to_none=True)
        clean = [p.detach().clone() for p in params]
        with torch.no_grad():
            for p in params:
                p.add_(torch.randn_like(p), alpha=sigma)
        loss = grok_torch.clipped_cross_entropy(model(tokens), targets, clip)
        (loss + lam * grok_torch.spectral_entropy_penalty(model)).backward()
        with torch.no_grad():
            for p, c in zip(params, clean):
                p.copy_(c)
        opt.step()

    return step


def bench_transformer(args, recipe):
    """The transformer of SPEC 2.2 on sequences [a, OP, b, EQ], AdamW betas (0.9, 0.98), weight
    decay 1: with plain cross-entropy (the model and optimiser alone), or with the recipe."""
    vocab, d_model, n_heads, d_mlp, n_blocks, batch, steps = (int(a) for a in args[:7])
    torch.manual_seed(0)
    tokens = torch.randint(0, vocab, (batch, 4))
    targets = torch.randint(0, vocab, (batch,))
    for threads in (1, 2):
        torch.set_num_threads(threads)
        model = grok_torch.Transformer(vocab, d_model, n_heads, d_mlp, n_blocks, 1e-6)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-8,
                                weight_decay=1.0)
        if recipe:
            step = recipe_step(model, opt, tokens, targets, *(float(a) for a in args[7:10]))
        else:
            step = plain_step(model, opt, tokens, targets)
        report(threads, step, steps)


if __name__ == "__main__":
    if sys.argv[1] == "mlp":
        bench_mlp(sys.argv[2:])
    elif sys.argv[1] in ("transformer", "transformer-recipe"):
        bench_transformer(sys.argv[2:], sys.argv[1] == "transformer-recipe")
    else:
        sys.exit(f"unknown model kind {sys.argv[1]}")
