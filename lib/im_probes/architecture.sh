#!/bin/sh
# ARCH of the host
echo "ARCH=$(uname -m)"
