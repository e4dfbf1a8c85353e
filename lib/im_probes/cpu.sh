#!/bin/sh
# MODELNAME: first "model name" of /proc/cpuinfo. Commas and quotes are
# removed because oned splits the reply on commas.
model=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | tr -d ',"' | sed 's/^ *//;s/ *$//')
[ -n "$model" ] && echo "MODELNAME=\"$model\""
exit 0
