#!/bin/sh
# HOSTNAME of the host
echo "HOSTNAME=$(uname -n)"
