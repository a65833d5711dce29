# Shared by the sweep suites (sourced): a scratch folder removed at the end, checks that name
# what failed, and the comparison of two sweeps' metrics, wall time aside.

: "${GROK_CLI:?GROK_CLI must name grokscope-cli}"
HERE=$(cd "$(dirname "$0")" && pwd)
SWEEP_FILE=$HERE/tiny-sweep.json
WORK=$(mktemp -d "${TMPDIR:-/tmp}/grok-sweep-test-XXXXXX")
CLEANUPS=()

cleanup() {
  local c
  for c in "${CLEANUPS[@]}"; do eval "$c" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# wait, polling, until a command succeeds; fail after deadline seconds
wait_for() {
  local deadline=$1 what=$2; shift 2
  local end=$((SECONDS + deadline))
  until "$@"; do
    [ $SECONDS -lt $end ] || fail "$what: not within $deadline s"
    sleep 0.2
  done
}

# a cell's metrics.csv without its wall_seconds column (the only one that may differ)
metrics_without_wall() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_seconds") w = i }
           { out = ""; sep = ""; for (i = 1; i <= NF; i++) if (i != w) { out = out sep $i; sep = "," }; print out }' "$1"
}

# the summary CSV without its wall_seconds columns
summary_without_wall() {
  "$GROK_CLI" sweep summary "$1" --csv |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^wall_seconds/) w[i] = 1 }
             { out = ""; for (i = 1; i <= NF; i++) if (!(i in w)) out = out "," $i; print out }'
}

# every cell of sweep folders a and b has the same metrics, row for row (wall time aside)
same_metrics() {
  local a=$1 b=$2 run n=0
  for run in $(tail -n +2 "$a/cells.csv" | awk -F, '{ print $NF }'); do
    [ -s "$a/$run/metrics.csv" ] || fail "$a/$run/metrics.csv is missing or empty"
    diff <(metrics_without_wall "$a/$run/metrics.csv") <(metrics_without_wall "$b/$run/metrics.csv") \
      > "$WORK/diff" || { head -5 "$WORK/diff" >&2; fail "$a/$run and $b/$run differ"; }
    n=$((n + 1))
  done
  [ $n -eq 8 ] || fail "$a/cells.csv lists $n cells, not 8"
}

# every cell finished, as the summary says
all_finished() {
  local statuses
  statuses=$("$GROK_CLI" sweep summary "$1" --csv | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") s = i } NR > 1 { print $s }' | sort | uniq -c | tr -s ' ')
  [ "$statuses" = " 8 finished" ] || fail "$1: the cells are not all finished: $statuses"
}
