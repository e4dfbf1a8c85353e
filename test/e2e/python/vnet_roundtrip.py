#!/usr/bin/env python3
"""A create + lease + show round against oned with Python's own xmlrpc.client.

Reads ONE_XMLRPC and ONE_AUTH like the CLI (spec 3.2: the session is
user:sha1hex(password)). Prints one JSON object with what it saw; exits
non-zero with a message on stderr when oned answers anything unexpected.
"""
import hashlib
import json
import os
import sys
import xml.etree.ElementTree as ET
import xmlrpc.client


def session() -> str:
    with open(os.environ["ONE_AUTH"], encoding="utf-8") as f:
        user, password = f.readline().strip().split(":", 1)
    return f"{user}:{hashlib.sha1(password.encode()).hexdigest()}"


def call(server, method, *params):
    """Calls a one.* method and returns its value, or exits on [False, message, code]."""
    answer = getattr(server, method)(SESSION, *params)
    if not answer[0]:
        sys.exit(f"{method} failed: {answer[1]} (code {answer[2] if len(answer) > 2 else '?'})")
    return answer[1]


SESSION = session()


def main() -> None:
    server = xmlrpc.client.ServerProxy(os.environ.get("ONE_XMLRPC", "http://localhost:2633/RPC2"))
    nid = call(server, "one.vn.allocate",
               'NAME = pynet\nTYPE = RANGED\nBRIDGE = brpy\nNETWORK_ADDRESS = 172.16.9.0\nNETWORK_SIZE = C\n')
    vid = call(server, "one.vm.allocate", 'NAME = pyvm\nMEMORY = 32\nNIC = [ NETWORK = pynet ]\n')

    vnet = ET.fromstring(call(server, "one.vn.info", nid))
    leases = vnet.findall("./LEASES/LEASE")
    if len(leases) != 1:
        sys.exit(f"expected one lease, got {len(leases)}")
    lease = leases[0]
    if lease.findtext("USED") != "1":
        sys.exit("the lease is not marked used")

    vm = ET.fromstring(call(server, "one.vm.info", vid))
    nic = vm.find("./TEMPLATE/NIC")
    if nic is None:
        sys.exit("the VM has no NIC")

    # A failure comes back as data, not as an XML-RPC fault.
    missing = server.one.vn.info(SESSION, 999)
    if missing[0] is not False or not isinstance(missing[1], str):
        sys.exit(f"one.vn.info of a missing network answered {missing!r}")

    json.dump({
        "nid": nid,
        "vid": vid,
        "lease": {"ip": lease.findtext("IP"), "mac": lease.findtext("MAC"), "vid": int(lease.findtext("VID"))},
        "nic": {child.tag: child.text or "" for child in nic},
    }, sys.stdout)


if __name__ == "__main__":
    main()
