#!/bin/sh
# Xen host figures from `xm info` and `xentop`. Fails (exit 1)
# when xm is missing, so the monitoring of a non-Xen host reports an error.
XM=${XM_PATH:-xm}
info=$(sudo -n "$XM" info 2>/dev/null || "$XM" info 2>/dev/null) || { echo "xm info failed" >&2; exit 1; }
echo "HYPERVISOR=xen"
echo "$info" | awk -F: '
    {gsub(/ /, "", $1); gsub(/ /, "", $2)}
    $1 == "nr_cpus" {cpus = $2}
    $1 == "cpu_mhz" {mhz = $2}
    $1 == "total_memory" {total = $2 * 1024}
    $1 == "free_memory" {free = $2 * 1024}
    $1 == "max_free_memory" {maxfree = $2 * 1024}
    END {
        if (maxfree) free = maxfree
        print "TOTALCPU=" cpus * 100
        print "CPUSPEED=" mhz
        print "TOTALMEMORY=" total
        print "FREEMEMORY=" free
        print "USEDMEMORY=" total - free
    }'
