#!/bin/sh
# HOSTNAME of the host (spec §5.4)
echo "HOSTNAME=$(uname -n)"
