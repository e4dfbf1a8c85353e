"""Reads XML-RPC responses with Python's own parser (expat), strictly.

Usage: python3 expat_check.py RESPONSES.json
RESPONSES.json is a JSON list of response bodies. Each must be read by
xmlrpc.client.loads (an answer or a fault), and every string inside it that
is an XML document (one.*.info) must parse with expat as well. Prints a JSON
list of [index, problem] for the ones that do not; empty when all parse.
"""
import json
import sys
import xmlrpc.client
from xml.parsers import expat


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)


with open(sys.argv[1], encoding="utf-8") as f:
    responses = json.load(f)
problems = []
for i, text in enumerate(responses):
    try:
        try:
            params, _ = xmlrpc.client.loads(text)
        except xmlrpc.client.Fault as fault:
            params = (fault.faultString,)
        for s in strings(params):
            if s.startswith("<"):
                expat.ParserCreate().Parse(s, True)
    except Exception as e:  # ExpatError, or anything else xmlrpc.client cannot read
        problems.append([i, "%s: %s" % (type(e).__name__, e)])
print(json.dumps(problems))
