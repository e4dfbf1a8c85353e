"""Parses a Prometheus exposition (read from stdin) with prometheus_client's own parser.

Usage: /usr/bin/python3 parse_metrics.py < metrics.txt

Needs Debian's python3-prometheus-client (scripts/ensure-deps.sh installs it).
Prints one JSON object {"families": {name: type}, "samples": [[name, labels, value], ...]};
a value that is not finite (NaN, +Inf) is printed as its text, since JSON has no such numbers.
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

families = {}
samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families[family.name] = family.type
    for s in family.samples:
        value = s.value if math.isfinite(s.value) else str(s.value)
        samples.append([s.name, s.labels, value])
print(json.dumps({"families": families, "samples": samples}))
