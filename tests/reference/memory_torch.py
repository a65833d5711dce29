"""A Grokscope run's training redone in PyTorch for its peak memory: the same model (from
grok_torch.py), data set sizes, optimiser, batch size, steps and evaluation of the whole training
and test sets every eval_every steps, on inputs drawn at random (memory does not depend on the
values). The measures are not redone. The caller reads the peak resident size of this process.

Usage: memory_torch.py RUN_DIR/config.json STEPS
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grok_torch  # noqa: E402


def task_sizes(task):
    """(vocabulary, input positions, examples in all) of a discrete task, as SPEC 1 builds it"""
    name = task["name"]
    if name == "modular":
        p = task["p"]
        n = p * (p - 1) if task["op"] == "div" else p * p
        vocab = p
    elif name == "xor_bits":
        vocab = 2 ** task["n_bits"]
        n = vocab * vocab
    elif name == "permutation":
        vocab = math.factorial(task["perm_n"])
        n = vocab * vocab
    else:
        sys.exit(f"memory_torch.py: task.name {name!r} is not a discrete task")
    if task.get("format") == "sequence":
        return vocab + 2, 4, n
    return vocab, 2, n


def xor2d_mlp(width, depth, activation):
    """grok_torch's MLP on the raw 2-D input of the xor2d task (no embedding), 2 classes"""
    model = grok_torch.Mlp(1, 1, 2, width, depth, activation, 2)
    model.embed = torch.nn.Identity()
    return model


def model_and_data(config):
    """the model and (train inputs, train targets, test inputs, test targets)"""
    task, m = config["task"], config["model"]
    if task["name"] == "xor2d":
        n_train, n_test = task["n_train"], task["n_test"]
        return (xor2d_mlp(m["width"], m["depth"], m["activation"]), torch.randn(n_train, 2),
                torch.randint(0, 2, (n_train,)), torch.randn(n_test, 2),
                torch.randint(0, 2, (n_test,)))
    vocab, n_pos, n = task_sizes(task)
    n_classes = vocab - 2 if n_pos == 4 else vocab
    if m["kind"] == "transformer":
        model = grok_torch.Transformer(vocab, m["d_model"], m["n_heads"], m["d_mlp"],
                                       m["n_blocks"], m["ln_eps"])
    else:
        model = grok_torch.Mlp(vocab, n_pos, m["d_embed"], m["width"], m["depth"],
                               m["activation"], n_classes)
    n_train = int(round(task["train_fraction"] * n))
    return (model, torch.randint(0, n_classes, (n_train, n_pos)),
            torch.randint(0, n_classes, (n_train,)),
            torch.randint(0, n_classes, (n - n_train, n_pos)),
            torch.randint(0, n_classes, (n - n_train,)))


def batch_size(train, n_train):
    b = train.get("batch_size", 0)
    if b == 0:
        return n_train
    if b == -1:
        return min(512, n_train // 2)
    return min(b, n_train)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        config = json.load(f)
    steps = int(sys.argv[2])
    threads = config["train"].get("threads", 0)
    torch.set_num_threads(threads if threads > 0 else os.cpu_count())
    torch.manual_seed(config.get("seed", 0))
    model, x_train, y_train, x_test, y_test = model_and_data(config)
    o = config["optim"]
    opt = torch.optim.AdamW(model.parameters(), lr=o["lr"],
                            betas=(o.get("beta1", 0.9), o.get("beta2", 0.999)),
                            eps=o.get("eps", 1e-8), weight_decay=o["weight_decay"])
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = batch_size(config["train"], len(y_train))
    eval_every = config["train"].get("eval_every", 10)
    order = torch.randperm(len(y_train))
    for step in range(steps):
        start = (step * batch) % len(y_train)
        idx = order[start:start + batch]
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x_train[idx]), y_train[idx]).backward()
        opt.step()
        if (step + 1) % eval_every == 0 or step == 0:
            with torch.no_grad():
                for x, y in ((x_train, y_train), (x_test, y_test)):
                    loss_fn(model(x), y).item()


if __name__ == "__main__":
    main()
