#!/bin/sh
# KVM host figures, POSIX sh, no ruby needed. Uses virsh nodeinfo
# when it works, /proc otherwise. Memory in KB, CPU in percent (100 per core).
echo "HYPERVISOR=kvm"

cpus=""
mhz=""
if command -v virsh >/dev/null 2>&1; then
    info=$(virsh -c "${LIBVIRT_DEFAULT_URI:-qemu:///system}" nodeinfo 2>/dev/null)
    cpus=$(echo "$info" | awk -F: '/^CPU\(s\)/ {gsub(/ /, "", $2); print $2}')
    mhz=$(echo "$info" | awk -F: '/^CPU frequency/ {gsub(/[^0-9]/, "", $2); print $2}')
fi
[ -z "$cpus" ] && cpus=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)
[ -z "$cpus" ] || [ "$cpus" -eq 0 ] && cpus=$(nproc 2>/dev/null || echo 1)
[ -z "$mhz" ] && mhz=$(awk -F: '/^cpu MHz/ {printf "%d", $2; exit}' /proc/cpuinfo 2>/dev/null)
total_cpu=$((cpus * 100))
echo "TOTALCPU=$total_cpu"
echo "CPUSPEED=${mhz:-0}"

awk '
    /^MemTotal:/ {total = $2}
    /^MemFree:/ {free = $2}
    /^Buffers:/ {buffers = $2}
    /^Cached:/ {cached = $2}
    /^MemAvailable:/ {avail = $2; has_avail = 1}
    END {
        if (!has_avail) avail = free + buffers + cached
        print "TOTALMEMORY=" total
        print "FREEMEMORY=" avail
        print "USEDMEMORY=" total - avail
    }' /proc/meminfo

# CPU use over a short interval from /proc/stat: 100 - idle share, scaled to TOTALCPU.
sample() { awk '/^cpu / {idle = $5 + $6; t = 0; for (i = 2; i <= NF; i++) t += $i; print idle, t; exit}' /proc/stat; }
first=$(sample)
sleep 0.5 2>/dev/null || sleep 1
second=$(sample)
echo "$first $second" | awk -v total="$total_cpu" '{
    didle = $3 - $1; dtotal = $4 - $2
    used = (dtotal > 0) ? int(total * (1 - didle / dtotal) + 0.5) : 0
    if (used < 0) used = 0
    if (used > total) used = total
    print "USEDCPU=" used
    print "FREECPU=" total - used
}'

# Traffic summed over every interface but lo.
awk -F'[: ]+' 'NR > 2 {
    sub(/^ +/, "", $0); split($0, f, /[: ]+/)
    if (f[1] != "lo") {rx += f[2]; tx += f[10]}
} END {print "NETTX=" tx + 0; print "NETRX=" rx + 0}' /proc/net/dev
