# A throwaway single-node Slurm cluster owned by the test (sourced): munged with a key made by
# mungekey, slurmctld and slurmd in the foreground as the test's own processes, a configuration
# written here with ports that were free, all in $WORK/slurm. No service manager: processes
# are tracked through /proc (proctrack/linuxproc) and tasks are not bound (task/none).
# cluster_start exports SLURM_CONF for sbatch, squeue and sinfo; cluster_stop ends everything
# it started, by process id.

CLUSTER_PIDS=()

# a TCP port nothing listens on now
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'
}

cluster_start() {
  local d=$WORK/slurm host ctl_port node_port
  mkdir -p "$d/state" "$d/spool" "$d/munge"
  chmod 700 "$d" "$d/munge"
  mungekey --create --keyfile="$d/munge/munge.key" >/dev/null
  munged --foreground --key-file="$d/munge/munge.key" --socket="$d/munge/munge.sock" \
    --pid-file="$d/munge/munged.pid" --log-file="$d/munge/munged.log" \
    --seed-file="$d/munge/munged.seed" --force 2>"$d/munge/munged.err" &
  CLUSTER_PIDS+=($!)
  wait_for 30 "munged's socket" test -S "$d/munge/munge.sock"
  host=$(hostname -s)
  ctl_port=$(free_port)
  node_port=$(free_port)
  while [ "$node_port" = "$ctl_port" ]; do node_port=$(free_port); done
  cat > "$d/slurm.conf" <<CONF
ClusterName=grokscope-test
SlurmctldHost=$host
AuthType=auth/munge
AuthInfo=socket=$d/munge/munge.sock
CredType=cred/munge
SlurmUser=$(id -un)
SlurmdUser=root
SlurmctldPort=$ctl_port
SlurmdPort=$node_port
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$d/slurm.conf
  slurmctld -D -f "$SLURM_CONF" 2>"$d/slurmctld.err" &
  CLUSTER_PIDS+=($!)
  slurmd -D -f "$SLURM_CONF" 2>"$d/slurmd.err" &
  CLUSTER_PIDS+=($!)
  node_idle() { sinfo -h -o %T 2>/dev/null | grep -qx idle; }
  wait_for 120 "the node to come up idle (see $d/slurmctld.log, $d/slurmd.log)" node_idle
}

cluster_stop() {
  local pid
  if [ -n "${SLURM_CONF:-}" ]; then
    scancel --user="$(id -un)" 2>/dev/null || true
    local end=$((SECONDS + 30))
    while [ $SECONDS -lt $end ] && [ -n "$(squeue -h 2>/dev/null)" ]; do sleep 0.5; done
  fi
  for ((i = ${#CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${CLUSTER_PIDS[$i]}
    kill -TERM "$pid" 2>/dev/null || continue
    local end=$((SECONDS + 10))
    while [ $SECONDS -lt $end ] && kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  CLUSTER_PIDS=()
}
