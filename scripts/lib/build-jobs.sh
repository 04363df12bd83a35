#!/usr/bin/env bash
# Prints how many compile jobs this machine can afford: a C++ file of ours
# takes up to ~700 MB of compiler memory (a Pi with 1 GB and 4 cores must not
# swap), so min(nproc, MemAvailable / 700 MB), at least 1.
set -euo pipefail
per_job_kb=$((700 * 1024))
avail_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null || true)
cpus=$(nproc)
jobs=$cpus
if [[ -n $avail_kb ]]; then
  by_mem=$((avail_kb / per_job_kb))
  ((by_mem < jobs)) && jobs=$by_mem
fi
((jobs < 1)) && jobs=1
echo "$jobs"
