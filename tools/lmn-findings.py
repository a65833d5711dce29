#!/usr/bin/python3
"""Where a run's linear mapping number (LMN) goes while it groks.

usage: tools/lmn-findings.py [--group KEY] RUN_DIR...

For each run folder, from its metrics.csv (columns found by their header names):
the LMN at initialisation, at the first row of 100% training accuracy and at the
first row of 99% test accuracy (or the end, when the run never gets there), each
from the nearest row where LMN was measured, with its step; then Pearson's r of
LMN with test loss and of the L2 norm with test loss over two windows: from
training-accuracy saturation to 99% test accuracy, and from the test-loss peak
(its highest value from saturation on) to 99% test accuracy. Both r are taken
over the same rows (those where LMN was measured), so they compare like with like.

Then one line per value of the config key KEY (default model.init_scale): the
mean and range over its runs. Python 3 standard library only.
"""

import csv
import json
import math
import sys

COLUMNS = ("step", "train_acc", "test_acc", "test_loss", "l2_norm", "lmn")
TRAIN_FULL = 1.0
TEST_GENERALISED = 0.99


class RunError(Exception):
    """A run folder that cannot be read; the message names the file."""


def pearson(xs, ys):
    """Pearson's r of two equal-length sequences; None below 3 points or for a constant one."""
    n = len(xs)
    if n < 3:
        return None
    mx = sum(xs) / n
    my = sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def parse_row(fields, index, path, line):
    """One metrics row as a dict of floats (lmn None where empty); RunError names the line."""
    row = {}
    for name in COLUMNS:
        text = fields[index[name]].strip()
        if name == "lmn" and text == "":
            row[name] = None
            continue
        try:
            row[name] = float(text)
        except ValueError:
            raise RunError(f"{path}:{line}: column {name}: '{text}' is not a number")
        if not math.isfinite(row[name]):
            raise RunError(f"{path}:{line}: column {name}: '{text}' is not finite")
    return row


def read_metrics(path, warn):
    """The rows of one metrics.csv. A damaged line is reported through warn and left out;
    a missing file, header or column raises RunError."""
    try:
        with open(path, newline="") as f:
            lines = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise RunError(f"{path}: cannot be read: {e}")
    if not lines:
        raise RunError(f"{path}: empty, no header line")
    header = [h.strip() for h in lines[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RunError(f"{path}:1: no column {', '.join(missing)} in the header")
    index = {name: header.index(name) for name in COLUMNS}
    rows = []
    for number, fields in enumerate(lines[1:], start=2):
        if len(fields) != len(header):
            warn(f"{path}:{number}: {len(fields)} fields, the header has {len(header)}; line left out")
            continue
        try:
            rows.append(parse_row(fields, index, path, number))
        except RunError as e:
            warn(f"{e}; line left out")
    if not rows:
        raise RunError(f"{path}: no readable rows")
    return rows


def first_index(rows, test):
    """Index of the first row passing test, or None."""
    return next((i for i, row in enumerate(rows) if test(row)), None)


def lmn_nearest(rows, index):
    """(step, lmn) of the row with an LMN nearest in step to rows[index] (the later one on a
    tie); None when no row has one."""
    measured = [row for row in rows if row["lmn"] is not None]
    if not measured:
        return None
    step = rows[index]["step"]
    best = min(measured, key=lambda row: (abs(row["step"] - step), -row["step"]))
    return best["step"], best["lmn"]


def window_correlations(rows, begin, end):
    """(r of LMN with test loss, r of L2 with test loss, rows used) over rows[begin..end]
    where LMN was measured; begin None (the event never happened) gives no window."""
    if begin is None or begin > end:
        return None, None, 0
    used = [row for row in rows[begin:end + 1] if row["lmn"] is not None]
    loss = [row["test_loss"] for row in used]
    return (pearson([row["lmn"] for row in used], loss),
            pearson([row["l2_norm"] for row in used], loss), len(used))


def analyse(rows):
    """The findings of one run's rows, as a dict (see the module's description)."""
    full = first_index(rows, lambda r: r["train_acc"] >= TRAIN_FULL)
    general = first_index(rows, lambda r: r["test_acc"] >= TEST_GENERALISED)
    end = general if general is not None else len(rows) - 1
    # the peak of the memorised phase: a large initialisation starts with its highest test loss
    after = full if full is not None else 0
    peak = max(range(after, len(rows)), key=lambda i: (rows[i]["test_loss"], -i))
    result = {
        "init": lmn_nearest(rows, 0),
        "full_step": rows[full]["step"] if full is not None else None,
        "full": lmn_nearest(rows, full) if full is not None else None,
        "general_step": rows[general]["step"] if general is not None else None,
        "general": lmn_nearest(rows, end),
        "peak_step": rows[peak]["step"],
    }
    result["r_sat"] = window_correlations(rows, full, end)
    result["r_peak"] = window_correlations(rows, peak, end)
    return result


def config_value(run_dir, key):
    """The value of a dotted key in the run's config.json, as text; RunError names the file."""
    path = f"{run_dir}/config.json"
    try:
        with open(path) as f:
            node = json.load(f)
    except (OSError, ValueError) as e:
        raise RunError(f"{path}: cannot be read: {e}")
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise RunError(f"{path}: no key {key}")
        node = node[part]
    return str(node)


def fmt(value, spec=".3f"):
    """A number for the table, or '-' for none."""
    return "-" if value is None else format(value, spec)


def fmt_lmn(pair):
    """'LMN@step', or '-'."""
    return "-" if pair is None else f"{pair[1]:.1f}@{pair[0]:g}"


def run_line(name, f):
    """One run's findings as a table line."""
    gen = fmt(f["general_step"], "g") if f["general_step"] is not None else "end"
    r_sat, r_peak = f["r_sat"], f["r_peak"]
    return (f"{name:<28} {fmt_lmn(f['init']):>10} {fmt(f['full_step'], 'g'):>7} "
            f"{fmt_lmn(f['full']):>12} {gen:>7} {fmt_lmn(f['general']):>12}  "
            f"{fmt(r_sat[0]):>6} {fmt(r_sat[1]):>6} {r_sat[2]:>4}  {fmt(f['peak_step'], 'g'):>7} "
            f"{fmt(r_peak[0]):>6} {fmt(r_peak[1]):>6} {r_peak[2]:>4}")


RUN_HEADER = (
    f"{'':<28} {'':>10} {'train acc 1':>20} {'test acc 0.99':>20}  {'saturation..0.99':>18}  "
    f"{'test-loss peak..0.99':>27}\n"
    f"{'run':<28} {'LMN@init':>10} {'step':>7} {'LMN@step':>12} {'step':>7} "
    f"{'LMN@step':>12}  {'rLMN':>6} {'rL2':>6} {'rows':>4}  {'peak':>7} "
    f"{'rLMN':>6} {'rL2':>6} {'rows':>4}")


def number(value):
    """Steps whole, LMN to one decimal, correlations to three."""
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.1f}" if abs(value) >= 2 else f"{value:.3f}"


def spread(values):
    """'mean [min, max]' of the values that exist, with how many are missing."""
    have = [v for v in values if v is not None]
    if not have:
        return "-"
    mean = sum(have) / len(have)
    text = f"{number(mean)} [{number(min(have))}, {number(max(have))}]"
    return text if len(have) == len(values) else f"{text} ({len(values) - len(have)} n/a)"


def group_lines(key, groups):
    """One block per value of key: mean and range over its runs."""
    lines = []
    for value, runs in sorted(groups.items(), key=lambda kv: float(kv[0])):
        gen = [f["general_step"] for f in runs if f["general_step"] is not None]
        lines.append(f"{key} = {value}: {len(runs)} runs, {len(gen)} reach 99% test accuracy"
                     + (f" (steps {spread(gen)})" if gen else ""))
        pick = {
            "LMN at init": [f["init"][1] if f["init"] else None for f in runs],
            "LMN at 100% train": [f["full"][1] if f["full"] else None for f in runs],
            "LMN at 99% test (or end)": [f["general"][1] if f["general"] else None for f in runs],
            "r(LMN, test loss), saturation..99%": [f["r_sat"][0] for f in runs],
            "r(L2, test loss),  saturation..99%": [f["r_sat"][1] for f in runs],
            "r(LMN, test loss), loss peak..99%": [f["r_peak"][0] for f in runs],
            "r(L2, test loss),  loss peak..99%": [f["r_peak"][1] for f in runs],
            "rows, saturation..99%": [f["r_sat"][2] for f in runs],
            "rows, loss peak..99%": [f["r_peak"][2] for f in runs],
        }
        lines += [f"  {label:<36} {spread(values)}" for label, values in pick.items()]
    return lines


def main(argv):
    args = argv[1:]
    key = "model.init_scale"
    if args[:1] == ["--group"]:
        if len(args) < 2:
            sys.exit("lmn-findings: --group needs a config key (e.g. model.init_scale)")
        key, args = args[1], args[2:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__.split("\n\n")[1])

    def warn(message):
        print(f"lmn-findings: {message}", file=sys.stderr)

    failed = 0
    groups = {}
    print(RUN_HEADER)
    for run_dir in args:
        try:
            findings = analyse(read_metrics(f"{run_dir}/metrics.csv", warn))
            groups.setdefault(config_value(run_dir, key), []).append(findings)
        except RunError as e:
            warn(f"{e}; run {run_dir} left out")
            failed += 1
            continue
        print(run_line(run_dir.rstrip("/").split("/")[-1], findings))
    print()
    print("\n".join(group_lines(key, groups)))
    if failed:
        warn(f"{failed} of {len(args)} runs could not be read (named above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
