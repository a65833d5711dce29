#!/bin/bash
# grokscope-cli sweep slurm, for real: a single-node Slurm cluster started by this test trains
# the tiny sweep as the job array of the script sweep slurm wrote; every cell finishes, and its
# metrics are those of the same sweep trained through GNU parallel, row for row (wall time
# aside). Skipped (77) only when Slurm, munge or GNU parallel are not installed.
set -euo pipefail
source "$(dirname "$0")/sweep-common.sh"
source "$(dirname "$0")/slurm-cluster.sh"

for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo scancel parallel python3; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null || {
    echo "SKIP: $tool is not installed (Debian packages slurm-wlm, munge, parallel)"
    exit 77
  }
done
PATH=$PATH:/usr/sbin
CLEANUPS+=(cluster_stop)

# the same sweep through GNU parallel, two at a time, for the metrics to compare with
"$GROK_CLI" sweep plan "$SWEEP_FILE" --out "$WORK/parallel" --quiet
start=$EPOCHREALTIME
"$GROK_CLI" sweep run "$WORK/parallel" --jobs 2 --quiet 2> "$WORK/parallel.err" ||
  { cat "$WORK/parallel.err" >&2; fail "sweep run"; }
parallel_seconds=$(python3 -c "print(f\"{$EPOCHREALTIME - $start:.1f}\")")
all_finished "$WORK/parallel"

cluster_start

# the script: the whole array (nothing finished yet), its limit, the person's options
"$GROK_CLI" sweep plan "$SWEEP_FILE" --out "$WORK/slurm-sweep" --quiet
line=$("$GROK_CLI" sweep slurm "$WORK/slurm-sweep" --limit 2 -- --cpus-per-task=1 --time 10)
script=$WORK/slurm-sweep/sweep.sbatch
[ "$line" = "sbatch $script" ] || fail "the printed line is '$line', not 'sbatch $script'"
grep -qx '#SBATCH --array=0-7%2' "$script" || fail "no --array=0-7%2 in $script"
grep -qx '#SBATCH --cpus-per-task=1' "$script" || fail "the option --cpus-per-task=1 is not passed through"
grep -qx '#SBATCH --time 10' "$script" || fail "the option --time 10 is not passed through"

start=$EPOCHREALTIME
# submitted as the printed line says, then squeue polled until no task of the array is left
# (sbatch --wait polls with waits that double up to half a minute, which would be timed too)
job=$(cd "$WORK" && ${line/sbatch /sbatch --parsable }) || fail "$line: $job"
job=${job%%;*}
# done when squeue answers and lists no task of the array (a failed squeue is not an answer)
array_done() {
  local out
  out=$(squeue -h -j "$job" 2>/dev/null) && [ -z "$out" ]
}
wait_for 900 "the array's tasks to end" array_done
slurm_seconds=$(python3 -c "print(f\"{$EPOCHREALTIME - $start:.1f}\")")
all_finished "$WORK/slurm-sweep"
[ "$(ls "$WORK/slurm-sweep/slurm/" | wc -l)" -eq 8 ] || fail "not one output file per task in slurm/"
grep -q "finished at step 2000" "$WORK/slurm-sweep/slurm/"*_7.out || fail "task 7's output: $(cat "$WORK/slurm-sweep/slurm/"*_7.out)"
same_metrics "$WORK/parallel" "$WORK/slurm-sweep"
diff <(summary_without_wall "$WORK/parallel") <(summary_without_wall "$WORK/slurm-sweep") > "$WORK/sdiff" ||
  { head "$WORK/sdiff" >&2; fail "the summaries differ"; }

# a finished sweep has no array left to write
"$GROK_CLI" sweep slurm "$WORK/slurm-sweep" > "$WORK/again.out" 2>&1
grep -q "8 cells: 8 finished" "$WORK/again.out" || fail "sweep slurm of a finished sweep: $(cat "$WORK/again.out")"

echo "# GNU parallel, 2 jobs: ${parallel_seconds} s; Slurm array, 2 tasks at a time: ${slurm_seconds} s"
echo "# ok"
