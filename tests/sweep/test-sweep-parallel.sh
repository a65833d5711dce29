#!/bin/bash
# grokscope-cli sweep run through GNU parallel, for real: the tiny sweep (2 weight decays x 2
# training fractions x 2 seeds) trained uninterrupted, and again killed midway (SIGKILL to every
# process of the sweep) and run again; both end with every cell finished and the same metrics,
# row for row, and a summary that agrees with the cells' own metrics.csv.
set -euo pipefail
source "$(dirname "$0")/sweep-common.sh"

command -v parallel >/dev/null || fail "GNU parallel is not installed (Debian package parallel)"

# a planned cell is a run folder, and a second plan of the same file changes nothing
"$GROK_CLI" sweep plan "$SWEEP_FILE" --out "$WORK/a" --quiet
"$GROK_CLI" sweep plan "$SWEEP_FILE" --out "$WORK/a" --quiet
[ "$(tail -n +2 "$WORK/a/cells.csv" | wc -l)" -eq 8 ] || fail "cells.csv has not 8 cells"
head -1 "$WORK/a/cells.csv" | grep -qx 'cell,seed,optim.weight_decay,task.train_fraction,run' ||
  fail "cells.csv header: $(head -1 "$WORK/a/cells.csv")"
[ -f "$WORK/a/cells/007/config.json" ] || fail "no run folder for cell 7"

start=$SECONDS
"$GROK_CLI" sweep run "$WORK/a" --jobs 2 --quiet 2> "$WORK/a.err" || { cat "$WORK/a.err" >&2; fail "sweep run a"; }
echo "# uninterrupted: $((SECONDS - start)) s"
all_finished "$WORK/a"
# parallel's job log: the 8 cells, each once, each exiting 0 (column 7)
[ "$(awk -F'\t' '$7 == 0 && $9 ~ / sweep cell /' "$WORK/a/parallel.log" | wc -l)" -eq 8 ] ||
  fail "parallel.log does not hold 8 cells that exited 0: $(cat "$WORK/a/parallel.log")"

# the same sweep, killed once some cells have finished and others are under way
"$GROK_CLI" sweep plan "$SWEEP_FILE" --out "$WORK/b" --quiet
setsid "$GROK_CLI" sweep run "$WORK/b" --jobs 2 --quiet 2> "$WORK/b1.err" &
leader=$!
CLEANUPS+=("pkill -KILL -s $leader 2>/dev/null")
# a cell finished, and another part of the way (a checkpoint past step 0, not at its end)
some_finished() {
  local cell finished=0 partway=0
  for cell in "$WORK/b/cells/"*; do
    if [ -e "$cell/checkpoints/step-00002000.safetensors" ]; then
      finished=1
    elif ls "$cell/checkpoints/" 2>/dev/null | grep -q 'step-00000[1-9]00\|step-00001[0-9]00'; then
      partway=1
    fi
  done
  [ $finished = 1 ] && [ $partway = 1 ]
}
# the sweep is frozen (SIGSTOP to every process) while its folders are looked at, so that the
# cell seen part of the way is still there when it is killed; thawed again when not yet
frozen_partway() {
  pkill -STOP -s "$leader" || true
  some_finished && return 0
  pkill -CONT -s "$leader" || true
  return 1
}
wait_for 300 "a cell of the second sweep finished and another part of the way" frozen_partway
pkill -KILL -s "$leader" || true
wait "$leader" 2>/dev/null || true
statuses=$("$GROK_CLI" sweep summary "$WORK/b" --csv | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") s = i } NR > 1 { print $s }' | sort -u | tr '\n' ' ')
echo "# after the kill: $statuses"
case "$statuses" in
  *finished*stopped*) ;;
  *) fail "not a finished and a stopped cell after the kill: $statuses" ;;
esac

"$GROK_CLI" sweep run "$WORK/b" --jobs 2 --quiet 2> "$WORK/b2.err" || { cat "$WORK/b2.err" >&2; fail "sweep run b again"; }
all_finished "$WORK/b"
same_metrics "$WORK/a" "$WORK/b"
diff <(summary_without_wall "$WORK/a") <(summary_without_wall "$WORK/b") > "$WORK/sdiff" ||
  { head "$WORK/sdiff" >&2; fail "the summaries of a and b differ"; }
# running a finished sweep again starts nothing and says so
"$GROK_CLI" sweep run "$WORK/b" --jobs 2 2> "$WORK/b3.err"
grep -q "8 cells: 8 finished" "$WORK/b3.err" || fail "sweep run of a finished sweep: $(cat "$WORK/b3.err")"

# cell N of sweep d has the status given in its summary
d_status_is() {
  "$GROK_CLI" sweep summary "$WORK/d" --csv | grep -q "^$1,.*$2" ||
    fail "$3: $("$GROK_CLI" sweep summary "$WORK/d" --csv | grep "^$1,")"
}
# sweep cell d N trains, and that cell's metrics are a's, row for row
d_cell_trains_to_a() {
  local run
  run=$(awk -F, -v c="$1" '$1 == c { print $NF }' "$WORK/d/cells.csv")
  "$GROK_CLI" sweep cell "$WORK/d" "$1" --quiet 2> "$WORK/d.err" || { cat "$WORK/d.err" >&2; fail "sweep cell $1: $2"; }
  diff <(metrics_without_wall "$WORK/a/$run/metrics.csv") <(metrics_without_wall "$WORK/d/$run/metrics.csv") > "$WORK/diff" ||
    { head -5 "$WORK/diff" >&2; fail "cell $1 ($2) trained again differs from a's"; }
}

# a cell killed while its folder was made anew (the marker written, config.json not yet) is
# planned, and sweep cell trains it from the sweep's config to the same metrics
"$GROK_CLI" sweep plan "$SWEEP_FILE" --out "$WORK/d" --quiet
run1=$(awk -F, '$1 == 1 { print $NF }' "$WORK/d/cells.csv")
rm "$WORK/d/$run1/config.json" "$WORK/d/$run1/metrics.csv"
d_status_is 1 planned "a half-made cell is not planned"
d_cell_trains_to_a 1 "a half-made cell"
# a cell whose last checkpoint is on disk but not its last row (a writer killed between them)
# is stopped, not finished, and sweep cell writes the missing rows again
d_cell_trains_to_a 2 "first training"
run2=$(awk -F, '$1 == 2 { print $NF }' "$WORK/d/cells.csv")
head -n -1 "$WORK/d/$run2/metrics.csv" > "$WORK/shorter.csv"
mv "$WORK/shorter.csv" "$WORK/d/$run2/metrics.csv"
d_status_is 2 stopped "a cell without its last row is not stopped"
d_cell_trains_to_a 2 "a cell without its last row"

# the summary against each cell's own metrics.csv: milestones at 0.99 and final values
"$GROK_CLI" sweep summary "$WORK/a" --csv > "$WORK/summary.csv"
checked=0
while IFS=, read -r cell run; do
  want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                  mem == "" && $c["train_acc"] >= 0.99 { mem = $c["step"] }
                  gen == "" && $c["test_acc"] >= 0.99 { gen = $c["step"] }
                  { last = $c["step"]; tr = $c["train_acc"]; te = $c["test_acc"] }
                  END { print mem "," gen "," last "," tr "," te }' "$WORK/a/$run/metrics.csv")
  have=$(awk -F, -v cell="$cell" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                  $1 == cell { print $c["memorised_step"] "," $c["generalised_step"] "," $c["final_step"] "," $c["final_train_acc"] "," $c["final_test_acc"] }' "$WORK/summary.csv")
  [ "$want" = "$have" ] || fail "cell $cell: the summary says $have, its metrics.csv $want"
  checked=$((checked + 1))
done < <(tail -n +2 "$WORK/a/cells.csv" | awk -F, '{ print $1 "," $NF }')
[ $checked -eq 8 ] || fail "checked $checked cells, not 8"

# the seeds grouped: 4 points of 2 seeds each, and as many generalised as the cells say
[ "$("$GROK_CLI" sweep summary "$WORK/a" --groups --csv | tail -n +2 | awk -F, '$3 == 2 && $4 == 2' | wc -l)" -eq 4 ] ||
  fail "the groups are not 4 points of 2 finished seeds"
[ "$("$GROK_CLI" sweep summary "$WORK/a" --groups --csv | tail -n +2 | awk -F, '{ n += $5 } END { print n }')" = \
  "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "generalised_step") g = i } NR > 1 && $g != ""' "$WORK/summary.csv" | wc -l)" ] ||
  fail "the groups' generalised counts do not add up to the cells that generalised"

# the figures of a sweep folder in every format, with the CSV behind each: the phase diagram's
# 4 points hold the 8 cells, each point's phase the one its seeds share in the summary (when
# they do), and the comparison has one line per point
for f in png svg pdf csv; do
  "$GROK_CLI" figure "$WORK/a" --view phase --out "$WORK/phase.$f" --dpi 50
  "$GROK_CLI" figure "$WORK/a" --view compare --out "$WORK/compare.$f" --dpi 50
  [ -s "$WORK/phase.$f" ] && [ -s "$WORK/compare.$f" ] || fail "no $f figure"
done
[ "$(tail -n +2 "$WORK/phase.csv" | awk -F, '{ n += $3 } END { print NR, n }')" = "4 8" ] ||
  fail "the phase CSV has not 4 points of 8 cells: $(cat "$WORK/phase.csv")"
while IFS=, read -r wd fraction cells finished phase mean; do
  seeds=$(awk -F, -v wd="$wd" -v fr="$fraction" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
          $c["optim.weight_decay"] == wd && $c["task.train_fraction"] == fr { print $c["phase"] }' "$WORK/summary.csv" | sort -u)
  [ "$(echo "$seeds" | wc -l)" -gt 1 ] || [ "$seeds" = "$phase" ] ||
    fail "point $wd, $fraction: the figure says $phase, the cells $seeds"
done < <(tail -n +2 "$WORK/phase.csv")
[ "$(tail -n +2 "$WORK/compare.csv" | cut -d'"' -f2 | sort -u | wc -l)" -eq 4 ] ||
  fail "the comparison has not 4 lines"

# a failed cell is reported with its message and never lost: a cell whose run folder is not
# one (its config.json replaced by someone's file) fails, and sweep run names it
"$GROK_CLI" sweep plan "$SWEEP_FILE" --out "$WORK/c" --quiet
echo '{"task": {"p": 1}}' > "$WORK/c/cells/003/config.json"
status=0
"$GROK_CLI" sweep run "$WORK/c" --jobs 2 --quiet 2> "$WORK/c.err" || status=$?
[ $status -eq 1 ] || fail "sweep run with a failing cell exited $status, not 1"
grep -q "failed: cell 3 (optim.weight_decay=1 task.train_fraction=0.7 seed=1): .*task.p" "$WORK/c.err" ||
  fail "the failed cell is not named with its message: $(cat "$WORK/c.err")"
grep -q "8 cells: 7 finished, 1 failed" "$WORK/c.err" || fail "the report: $(cat "$WORK/c.err")"
"$GROK_CLI" sweep summary "$WORK/c" --csv | grep '^3,' | grep -q 'failed.*task.p' ||
  fail "the summary does not keep the failed cell's message"
echo "# ok"
