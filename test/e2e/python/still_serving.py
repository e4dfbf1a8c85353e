"""Asks oned for its pools with Python's own xmlrpc.client, to show that it still serves.

Usage: python3 still_serving.py URL

Calls one.vmpool.info and one.hostpool.info as oneadmin (password "secret")
and prints one JSON object: {"seconds": time both calls took,
"vms": {id: [STATE, LCM_STATE]}, "hosts": {id: STATE}}. A call that fails
or times out (10 s) ends the script with its error, so the test sees it.
"""
import hashlib
import json
import socket
import sys
import time
import xmlrpc.client
import xml.etree.ElementTree as ET

socket.setdefaulttimeout(10)
proxy = xmlrpc.client.ServerProxy(sys.argv[1])
session = "oneadmin:" + hashlib.sha1(b"secret").hexdigest()


def pool(method, *args):
    ok, body, *_ = getattr(proxy, method)(session, *args)
    if not ok:
        sys.exit(f"{method} failed: {body}")
    return ET.fromstring(body)


started = time.monotonic()
vms = pool("one.vmpool.info", -2)
hosts = pool("one.hostpool.info")
print(json.dumps({
    "seconds": time.monotonic() - started,
    "vms": {vm.findtext("ID"): [int(vm.findtext("STATE")), int(vm.findtext("LCM_STATE"))] for vm in vms.iter("VM")},
    "hosts": {h.findtext("ID"): int(h.findtext("STATE")) for h in hosts.iter("HOST")},
}))
