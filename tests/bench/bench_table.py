"""One table of every goal ratio the benchmarks printed, over several passes.

Usage: bench_table.py OUT.md NOTE LOG.json...
Each LOG.json is a `meson test --logbase` log of one pass of the benchmarks. Every stdout line
`RATIO<TAB>name<TAB>value<TAB>goal` is collected (goal `>= X`, `<= X` or `-`); the table gives
each name's min, median and max over the passes, its goal and whether the median meets it. The
table is printed and written to OUT.md; NOTE (the settings that shortened the benchmarks) is
printed under it. A benchmark that failed or timed out is named under the table and makes the
exit status 1; a missed goal never does.
"""
import json
import math
import os
import statistics
import sys


def read_pass(path):
    """(ratios {name: (value, goal)}, failed [benchmark names], seconds {benchmark: s}) of one log"""
    ratios, failed, seconds = {}, [], {}
    if not os.path.exists(path):
        return ratios, [f"{path} (no log: meson test did not run)"], seconds
    with open(path, encoding="utf-8") as log:
        for line in log:
            entry = json.loads(line)
            seconds[entry["name"]] = entry.get("duration", 0.0)
            if entry.get("result") not in ("OK", "EXPECTEDFAIL"):
                failed.append(f'{entry["name"]} ({entry.get("result")})')
            for out in (entry.get("stdout") or "").splitlines():
                fields = out.split("\t")
                if len(fields) != 4 or fields[0] != "RATIO":
                    continue
                try:
                    ratios[fields[1]] = (float(fields[2]), fields[3].strip())
                except ValueError:
                    failed.append(f'{entry["name"]} (RATIO value not a number: {out!r})')
    return ratios, failed, seconds


def met(goal, value):
    """'yes' or 'no' when the goal is `>= X` or `<= X`, '-' when it is only reported"""
    parts = goal.split()
    if len(parts) != 2 or parts[0] not in (">=", "<="):
        return "-"
    if math.isnan(value):
        return "no"
    bound = float(parts[1])
    return "yes" if (value >= bound if parts[0] == ">=" else value <= bound) else "no"


def number(x):
    return "nan" if math.isnan(x) else f"{x:.3g}"


def rows_of(passes):
    """one row per ratio name, in the order names first appear"""
    names = []
    for ratios, _, _ in passes:
        names += [n for n in ratios if n not in names]
    rows = []
    for name in names:
        values = [p[0][name][0] for p in passes if name in p[0]]
        goal = next(p[0][name][1] for p in passes if name in p[0])
        finite = sorted(v for v in values if not math.isnan(v)) or [math.nan]
        median = statistics.median(finite)
        runs = "" if len(values) == len(passes) else f" ({len(values)} of {len(passes)} passes)"
        rows.append([name + runs, number(finite[0]), number(median), number(finite[-1]), goal,
                     met(goal, median)])
    return rows


def table(rows):
    """a Markdown table with padded columns, readable as it is in a terminal"""
    head = ["ratio", "min", "median", "max", "goal", "met (median)"]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    right = {1, 2, 3}

    def line(cells):
        padded = [c.rjust(w) if i in right else c.ljust(w)
                  for i, (c, w) in enumerate(zip(cells, widths))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i in right else "-")
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([line(head), rule] + [line(r) for r in rows])


def main():
    out, note, logs = sys.argv[1], sys.argv[2], sys.argv[3:]
    passes = [read_pass(p) for p in logs]
    rows = rows_of(passes)
    failed = sorted({f for p in passes for f in p[1]})
    seconds = {}
    for p in passes:
        for name, s in p[2].items():
            seconds.setdefault(name, []).append(s)
    text = [f"# Benchmark ratios over {len(passes)} passes", "",
            table(rows) if rows else "(no RATIO lines were printed)", "",
            f"met: whether the median meets the goal. {note}", "",
            "Seconds per pass (median): " + ", ".join(
                f"{n} {statistics.median(s):.0f}" for n, s in seconds.items())]
    if failed:
        text += ["", "Failed: " + "; ".join(failed)]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(text) + "\n")
    print("\n".join(text))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
