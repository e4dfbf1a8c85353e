#!/bin/sh
# ARCH of the host (spec §5.4)
echo "ARCH=$(uname -m)"
