"""Walks the whole ONE-TS XML-RPC API with Python's own xmlrpc.client.

Usage: python3 api_walk.py URL

Drives every method of spec 3.4 plus the later ones ONE-TS serves, checks
each answer's shape and error code, and compares the XML documents' child
element lists (names and order) with spec 3.5. Prints one JSON object:
{"checks": [[name, ok, detail], ...], "called": [method, ...]}. The Node
test turns each check into an assertion; this script only observes.
"""
import hashlib
import json
import re
import sys
import time
import urllib.request
import xmlrpc.client
import xml.etree.ElementTree as ET
from xml.parsers.expat import ExpatError

URL = sys.argv[1]
proxy = xmlrpc.client.ServerProxy(URL, allow_none=False)
checks = []
called = set()


def sha1(text):
    return hashlib.sha1(text.encode()).hexdigest()


ADMIN = "oneadmin:" + sha1("secret")

AUTHENTICATION, AUTHORIZATION, NO_EXISTS, ACTION, XML_RPC_API, ALLOCATE = 0x100, 0x200, 0x400, 0x800, 0x1000, 0x4000

VM_TAGS = ["ID", "UID", "NAME", "LAST_POLL", "STATE", "LCM_STATE", "STIME", "ETIME", "DEPLOY_ID",
           "MEMORY", "CPU", "NET_TX", "NET_RX"]
POOL_VM_TAGS = VM_TAGS[:2] + ["USERNAME"] + VM_TAGS[2:]
HISTORY_TAGS = ["SEQ", "HOSTNAME", "HID", "STIME", "ETIME", "PSTIME", "PETIME", "RSTIME", "RETIME",
                "ESTIME", "EETIME", "REASON"]
HOST_TAGS = ["ID", "NAME", "STATE", "IM_MAD", "VM_MAD", "TM_MAD", "LAST_MON_TIME", "HOST_SHARE", "TEMPLATE"]
SHARE_TAGS = ["HID", "DISK_USAGE", "MEM_USAGE", "CPU_USAGE", "MAX_DISK", "MAX_MEM", "MAX_CPU", "FREE_DISK",
              "FREE_MEM", "FREE_CPU", "USED_DISK", "USED_MEM", "USED_CPU", "RUNNING_VMS"]
# Documented deviation: PUBLIC (2.0) after BRIDGE.
VNET_TAGS = ["ID", "UID", "NAME", "TYPE", "BRIDGE", "PUBLIC", "TEMPLATE", "LEASES"]
POOL_VNET_TAGS = ["ID", "UID", "USERNAME", "NAME", "TYPE", "BRIDGE", "PUBLIC", "TOTAL_LEASES"]
LEASE_TAGS = ["IP", "MAC", "USED", "VID"]
USER_TAGS = ["ID", "NAME", "PASSWORD", "ENABLED"]


def check(name, ok, detail=""):
    checks.append([name, bool(ok), str(detail)[:600]])
    return ok


def call(method, *params):
    called.add(method)
    return getattr(proxy, method)(*params)


def shaped(name, resp):
    """[bool, value, int]; code 0 exactly when ok."""
    ok = (isinstance(resp, list) and len(resp) == 3 and isinstance(resp[0], bool)
          and isinstance(resp[2], int) and not isinstance(resp[2], bool)
          and ((resp[0] and resp[2] == 0) or (not resp[0] and isinstance(resp[1], str) and resp[2] != 0)))
    check(name + ": answer is [bool, value, int]", ok, resp)
    return resp


def ok_value(name, method, *params):
    resp = shaped(name, call(method, *params))
    check(name + ": succeeds", resp[0] is True, resp)
    return resp[1]


def fails(name, code, method, *params):
    resp = shaped(name, call(method, *params))
    check("%s: fails with 0x%x" % (name, code), resp[0] is False and resp[2] == code, resp)
    return resp


def children(element):
    return [c.tag for c in element] if element is not None else None


def tags(name, element, expected):
    got = children(element)
    check(name + ": child elements " + ",".join(expected), got == expected, got)


def sorted_tags(name, element):
    got = children(element)
    # Byte order, as the 1.4 multimap; repeated names keep their order.
    check(name + ": template attributes sorted by name", got is not None and got == sorted(got), got)


def xml_of(name, method, *params):
    text = ok_value(name, method, *params)
    try:
        return ET.fromstring(text)
    except Exception as e:  # the check records it; the walk goes on with an empty tree
        check(name + ": XML parses", False, "%s: %r" % (e, text))
        return ET.Element("BROKEN")


def wait_vm(vid, state, lcm=None, timeout=20.0):
    deadline = time.time() + timeout
    while True:
        vm = ET.fromstring(call("one.vm.info", ADMIN, vid)[1])
        if vm.findtext("STATE") == str(state) and (lcm is None or vm.findtext("LCM_STATE") == str(lcm)):
            return vm
        if time.time() > deadline:
            check("VM %d reaches %s/%s" % (vid, state, lcm), False, ET.tostring(vm))
            return vm
        time.sleep(0.05)


def wait_host(hid, state, timeout=20.0):
    deadline = time.time() + timeout
    while True:
        host = ET.fromstring(call("one.host.info", ADMIN, hid)[1])
        if host.findtext("STATE") == str(state) and len(host.find("TEMPLATE")) > 0:
            return host
        if time.time() > deadline:
            check("host %d reaches %s" % (hid, state), False, ET.tostring(host))
            return host
        time.sleep(0.05)


def action(verb, vid, session=ADMIN):
    return ok_value("one.vm.action %s %d" % (verb, vid), "one.vm.action", session, verb, vid)


# --- system ---------------------------------------------------------------
version = ok_value("one.system.version", "one.system.version", ADMIN)
check("one.system.version is a 1.4 version string", isinstance(version, str) and version.startswith("1.4"), version)

# --- hosts ----------------------------------------------------------------
h0 = ok_value("one.host.allocate h0", "one.host.allocate", ADMIN, "h0", "im_dummy", "vmm_dummy", "tm_dummy")
h1 = ok_value("one.host.allocate h1", "one.host.allocate", ADMIN, "h1", "im_dummy", "vmm_dummy", "tm_dummy")
fails("one.host.allocate with a bad host name", XML_RPC_API, "one.host.allocate", ADMIN, "a b<", "im_dummy", "vmm_dummy", "tm_dummy")
host = wait_host(h0, 2)
tags("one.host.info", host, HOST_TAGS)
tags("one.host.info HOST_SHARE", host.find("HOST_SHARE"), SHARE_TAGS)
sorted_tags("one.host.info TEMPLATE", host.find("TEMPLATE"))
check("one.host.info monitored host has MAX_CPU > 0", int(host.findtext("HOST_SHARE/MAX_CPU")) > 0, ET.tostring(host))
fails("one.host.info of a missing host", NO_EXISTS, "one.host.info", ADMIN, 999)
wait_host(h1, 2)
pool = xml_of("one.hostpool.info", "one.hostpool.info", ADMIN)
check("one.hostpool.info root", pool.tag == "HOST_POOL", pool.tag)
check("one.hostpool.info lists both hosts", [h.findtext("ID") for h in pool] == [str(h0), str(h1)], children(pool))
for h in pool:
    # Documented deviation: pool entries carry TEMPLATE (2.0), last.
    tags("one.hostpool.info HOST", h, HOST_TAGS)
    tags("one.hostpool.info HOST_SHARE", h.find("HOST_SHARE"), SHARE_TAGS)
ok_value("one.host.enable false", "one.host.enable", ADMIN, h1, False)
check("disabled host is DISABLED (4)", xml_of("h1 info", "one.host.info", ADMIN, h1).findtext("STATE") == "4")
ok_value("one.host.enable true", "one.host.enable", ADMIN, h1, True)
wait_host(h1, 2)
fails("one.host.enable of a missing host", NO_EXISTS, "one.host.enable", ADMIN, 999, True)

# --- virtual networks -----------------------------------------------------
nid = ok_value("one.vn.allocate RANGED", "one.vn.allocate", ADMIN,
               'NAME = "pub"\nTYPE = RANGED\nBRIDGE = br0\nNETWORK_ADDRESS = 10.1.0.0\nNETWORK_SIZE = C\n')
fixed = ok_value("one.vn.allocate FIXED", "one.vn.allocate", ADMIN,
                 'NAME = "fix"\nTYPE = FIXED\nBRIDGE = br1\nLEASES = [ IP = 10.2.0.5 ]\nLEASES = [ IP = 10.2.0.6 ]\n')
fails("one.vn.allocate of a broken template", XML_RPC_API, "one.vn.allocate", ADMIN, 'NAME = "x"\nTYPE = RANGED\n[')
vnet = xml_of("one.vn.info RANGED", "one.vn.info", ADMIN, nid)
tags("one.vn.info", vnet, VNET_TAGS)
sorted_tags("one.vn.info TEMPLATE", vnet.find("TEMPLATE"))
check("ranged network without VMs has no leases", len(vnet.find("LEASES")) == 0, ET.tostring(vnet))
fvnet = xml_of("one.vn.info FIXED", "one.vn.info", ADMIN, fixed)
check("fixed network lists its declared leases, free, VID -1",
      [(l.findtext("IP"), l.findtext("USED"), l.findtext("VID")) for l in fvnet.find("LEASES")]
      == [("10.2.0.5", "0", "-1"), ("10.2.0.6", "0", "-1")], ET.tostring(fvnet))
for lease in fvnet.find("LEASES"):
    tags("one.vn.info LEASE", lease, LEASE_TAGS)
fails("one.vn.info of a missing network", NO_EXISTS, "one.vn.info", ADMIN, 999)

# --- a VM with a NIC lease ------------------------------------------------
vid = ok_value("one.vm.allocate with a NIC", "one.vm.allocate", ADMIN,
               'NAME = web\nCPU = 0.5\nMEMORY = 128\nNIC = [ NETWORK = "pub" ]\n')
vm = xml_of("one.vm.info", "one.vm.info", ADMIN, vid)
tags("one.vm.info of a PENDING VM (no HISTORY)", vm, VM_TAGS + ["TEMPLATE"])
sorted_tags("one.vm.info TEMPLATE", vm.find("TEMPLATE"))
check("PENDING is STATE 1", vm.findtext("STATE") == "1", ET.tostring(vm))
nic = vm.find("TEMPLATE/NIC")
tags("one.vm.info rewritten NIC", nic, ["BRIDGE", "IP", "MAC", "NETWORK", "VNID"])
leases = xml_of("one.vn.info with a lease", "one.vn.info", ADMIN, nid).find("LEASES")
check("one.vn.info shows one lease", len(leases) == 1, ET.tostring(leases))
if len(leases) == 1 and nic is not None:
    lease = leases[0]
    tags("one.vn.info LEASE", lease, LEASE_TAGS)
    check("lease is used by the VM", (lease.findtext("USED"), lease.findtext("VID")) == ("1", str(vid)), ET.tostring(lease))
    check("NIC IP/MAC are the lease's", (nic.findtext("IP"), nic.findtext("MAC")) == (lease.findtext("IP"), lease.findtext("MAC")),
          ET.tostring(nic))
    check("NIC carries the network's bridge and id", (nic.findtext("BRIDGE"), nic.findtext("VNID")) == ("br0", str(nid)),
          ET.tostring(nic))
    check("lease IP is inside 10.1.0.0/24", lease.findtext("IP").startswith("10.1.0."), lease.findtext("IP"))
vnpool = xml_of("one.vnpool.info", "one.vnpool.info", ADMIN, -2)
check("one.vnpool.info root", vnpool.tag == "VNET_POOL", vnpool.tag)
for n in vnpool:
    tags("one.vnpool.info VNET", n, POOL_VNET_TAGS)
check("TOTAL_LEASES counts the used lease", [n.findtext("TOTAL_LEASES") for n in vnpool] == ["1", "0"], ET.tostring(vnpool))
ok_value("one.vn.publish true", "one.vn.publish", ADMIN, nid, True)
check("published network has PUBLIC 1", xml_of("vn after publish", "one.vn.info", ADMIN, nid).findtext("PUBLIC") == "1")
ok_value("one.vn.publish false", "one.vn.publish", ADMIN, nid, False)
check("unpublished network has PUBLIC 0", xml_of("vn after unpublish", "one.vn.info", ADMIN, nid).findtext("PUBLIC") == "0")
fails("one.vn.publish of a missing network", NO_EXISTS, "one.vn.publish", ADMIN, 999, True)

# --- VM pool, 1.4 and 2.0 forms -------------------------------------------
vmpool = xml_of("one.vmpool.info (1.4 form)", "one.vmpool.info", ADMIN, -2)
check("one.vmpool.info root", vmpool.tag == "VM_POOL", vmpool.tag)
for v in vmpool:
    tags("one.vmpool.info VM (no TEMPLATE)", v, POOL_VM_TAGS)
ext = xml_of("one.vmpool.info (2.0 form, extended)", "one.vmpool.info", ADMIN, -2, True, -1)
for v in ext:
    tags("one.vmpool.info extended VM", v, POOL_VM_TAGS + ["TEMPLATE"])
pending = xml_of("one.vmpool.info state 1", "one.vmpool.info", ADMIN, -1, False, 1)
check("state filter 1 lists the PENDING VM", [v.findtext("ID") for v in pending] == [str(vid)], ET.tostring(pending))
check("state filter 3 lists nothing yet", len(xml_of("vmpool state 3", "one.vmpool.info", ADMIN, -2, False, 3)) == 0)
fails("one.vmpool.info with a bad state filter", XML_RPC_API, "one.vmpool.info", ADMIN, -2, False, 99)

# --- the VM through every action ------------------------------------------
fails("one.vm.migrate of a PENDING VM", ACTION, "one.vm.migrate", ADMIN, vid, h1, True)
fails("one.vm.deploy to a missing host", NO_EXISTS, "one.vm.deploy", ADMIN, vid, 999)
fails("one.vm.deploy of a missing VM", NO_EXISTS, "one.vm.deploy", ADMIN, 999, h0)
fails("one.vm.action of an unknown verb", XML_RPC_API, "one.vm.action", ADMIN, "explode", vid)
fails("one.vm.action on a missing VM", NO_EXISTS, "one.vm.action", ADMIN, "hold", 999)
fails("one.vm.action release of a PENDING VM", ACTION, "one.vm.action", ADMIN, "release", vid)
action("hold", vid)
check("hold → HOLD (2)", wait_vm(vid, 2) is not None)
action("release", vid)
wait_vm(vid, 1)
ok_value("one.vm.deploy", "one.vm.deploy", ADMIN, vid, h0)
vm = wait_vm(vid, 3, 3)
tags("one.vm.info of a RUNNING VM", vm, VM_TAGS + ["TEMPLATE", "HISTORY"])
tags("one.vm.info HISTORY", vm.find("HISTORY"), HISTORY_TAGS)
check("HISTORY is on h0", (vm.findtext("HISTORY/HOSTNAME"), vm.findtext("HISTORY/HID")) == ("h0", str(h0)), ET.tostring(vm))
for v in xml_of("vmpool with history", "one.vmpool.info", ADMIN, -2):
    tags("one.vmpool.info VM with HISTORY", v, POOL_VM_TAGS + ["HISTORY"])
fails("one.vm.deploy of a RUNNING VM", ACTION, "one.vm.deploy", ADMIN, vid, h1)
fails("one.vm.action restart of a RUNNING VM", ACTION, "one.vm.action", ADMIN, "restart", vid)
fails("one.vm.action hold of a RUNNING VM", ACTION, "one.vm.action", ADMIN, "hold", vid)
action("suspend", vid)
wait_vm(vid, 5)
action("resume", vid)
wait_vm(vid, 3, 3)
action("stop", vid)
wait_vm(vid, 4)
action("resume", vid)
wait_vm(vid, 1)
ok_value("one.vm.deploy after stop", "one.vm.deploy", ADMIN, vid, h0)
wait_vm(vid, 3, 3)
ok_value("one.vm.migrate live", "one.vm.migrate", ADMIN, vid, h1, True)
vm = wait_vm(vid, 3, 3)
deadline = time.time() + 20
while vm.findtext("HISTORY/HOSTNAME") != "h1" and time.time() < deadline:
    time.sleep(0.05)
    vm = wait_vm(vid, 3, 3)
check("live migration moved the VM to h1", vm.findtext("HISTORY/HOSTNAME") == "h1", ET.tostring(vm))
ok_value("one.vm.migrate cold", "one.vm.migrate", ADMIN, vid, h0, False)
deadline = time.time() + 20
while vm.findtext("HISTORY/HOSTNAME") != "h0" and time.time() < deadline:
    time.sleep(0.05)
    vm = wait_vm(vid, 3, 3)
check("cold migration moved the VM back to h0", vm.findtext("HISTORY/HOSTNAME") == "h0", ET.tostring(vm))
fails("one.vm.migrate to a missing host", NO_EXISTS, "one.vm.migrate", ADMIN, vid, 999, True)
action("cancel", vid)
done = wait_vm(vid, 6)
check("cancelled VM has ETIME", done.findtext("ETIME") != "0", ET.tostring(done))
check("DONE VM released its lease", len(xml_of("vn after done", "one.vn.info", ADMIN, nid).find("LEASES")) == 0)
check("DONE VMs leave the 1.4 pool listing", str(vid) not in [v.findtext("ID") for v in xml_of("vmpool", "one.vmpool.info", ADMIN, -2)])
check("state filter -2 (2.0 form) lists DONE VMs too",
      str(vid) in [v.findtext("ID") for v in xml_of("vmpool all", "one.vmpool.info", ADMIN, -2, False, -2)])

v2 = ok_value("one.vm.allocate v2", "one.vm.allocate", ADMIN, "NAME = v2\nCPU = 0.1\nMEMORY = 32\n")
ok_value("deploy v2", "one.vm.deploy", ADMIN, v2, h1)
wait_vm(v2, 3, 3)
action("shutdown", v2)
wait_vm(v2, 6)
v3 = ok_value("one.vm.allocate v3", "one.vm.allocate", ADMIN, "NAME = v3\n")
action("finalize", v3)
wait_vm(v3, 6)
v4 = ok_value("one.vm.allocate v4", "one.vm.allocate", ADMIN, "NAME = v4\nCPU = 0.1\nMEMORY = 32\n")
action("hold", v4)
wait_vm(v4, 2)
action("resubmit", v4)
wait_vm(v4, 1)
ok_value("deploy v4", "one.vm.deploy", ADMIN, v4, h0)
wait_vm(v4, 3, 3)
action("resubmit", v4)
vm = wait_vm(v4, 1)
check("resubmit of a RUNNING VM makes it PENDING again", vm.findtext("STATE") == "1", ET.tostring(vm))
check("one.vm.schedmessage answers the vid", ok_value("one.vm.schedmessage", "one.vm.schedmessage", ADMIN, v4, "0/2 hosts: 2 lacked <MEMORY>") == v4)
check("SCHED_MESSAGE in one.vm.info", xml_of("v4 info", "one.vm.info", ADMIN, v4).findtext("TEMPLATE/SCHED_MESSAGE") == "0/2 hosts: 2 lacked <MEMORY>")
fails("one.vm.schedmessage of a missing VM", NO_EXISTS, "one.vm.schedmessage", ADMIN, 999, "x")
fails("one.vm.schedmessage with a line break", XML_RPC_API, "one.vm.schedmessage", ADMIN, v4, "a\nb")
fails("one.vm.schedmessage of a DONE VM", ACTION, "one.vm.schedmessage", ADMIN, v3, "x")
fails("one.vm.allocate of a broken template", XML_RPC_API, "one.vm.allocate", ADMIN, "NAME = [")

# --- users ----------------------------------------------------------------
uid = ok_value("one.user.allocate", "one.user.allocate", ADMIN, "alice", sha1("wonder"))
ALICE = "alice:" + sha1("wonder")
fails("one.user.allocate of an existing name", ALLOCATE, "one.user.allocate", ADMIN, "alice", sha1("x"))
user = xml_of("one.user.info", "one.user.info", ADMIN, uid)
tags("one.user.info", user, USER_TAGS)
check("USER PASSWORD is empty, ENABLED 1", (user.findtext("PASSWORD"), user.findtext("ENABLED")) == ("", "1"), ET.tostring(user))
upool = xml_of("one.userpool.info", "one.userpool.info", ADMIN)
check("one.userpool.info root and users", upool.tag == "USER_POOL" and [u.findtext("NAME") for u in upool] == ["oneadmin", "alice"],
      ET.tostring(upool))
for u in upool:
    tags("one.userpool.info USER", u, USER_TAGS)
    # Documented deviation: 1/0 here too, not 1.4's True/Fase; the password hash never leaves oned.
    check("one.userpool.info ENABLED 1, PASSWORD empty", (u.findtext("ENABLED"), u.findtext("PASSWORD")) == ("1", ""), ET.tostring(u))
fails("one.user.info of a missing user", NO_EXISTS, "one.user.info", ADMIN, 999)
av = ok_value("alice allocates a VM", "one.vm.allocate", ALICE, "NAME = mine\n")
check("alice owns her VM", xml_of("alice vm", "one.vm.info", ALICE, av).findtext("UID") == str(uid))
check("vmpool -1 for alice lists only hers", [v.findtext("ID") for v in xml_of("alice pool", "one.vmpool.info", ALICE, -1)] == [str(av)])
check("vmpool uid filter", [v.findtext("ID") for v in xml_of("pool uid", "one.vmpool.info", ADMIN, uid)] == [str(av)])
check("USERNAME in pool entries", xml_of("pool uid2", "one.vmpool.info", ADMIN, uid)[0].findtext("USERNAME") == "alice")
fails("alice may not act on oneadmin's VM", AUTHORIZATION, "one.vm.action", ALICE, "hold", v4)
fails("alice may not list users", AUTHORIZATION, "one.userpool.info", ALICE)
fails("alice may not add hosts", AUTHORIZATION, "one.host.allocate", ALICE, "hx", "im_dummy", "vmm_dummy", "tm_dummy")
fails("alice may not poll events", AUTHORIZATION, "one.event.poll", ALICE, 0, 1, 0)
fails("alice may not read the event tip", AUTHORIZATION, "one.event.tip", ALICE)
fails("alice may not set the scheduler message of her own VM", AUTHORIZATION, "one.vm.schedmessage", ALICE, av, "x")
ok_value("one.user.passwd by alice", "one.user.passwd", ALICE, uid, sha1("land"))
fails("old password no longer authenticates", AUTHENTICATION, "one.vm.info", ALICE, av)
ALICE = "alice:" + sha1("land")
ok_value("new password authenticates", "one.vm.info", ALICE, av)
ok_value("one.user.enable false", "one.user.enable", ADMIN, uid, False)
check("disabled user has ENABLED 0", xml_of("user disabled", "one.user.info", ADMIN, uid).findtext("ENABLED") == "0")
fails("a disabled user is not authenticated", AUTHENTICATION, "one.vm.info", ALICE, av)
ok_value("one.user.enable true", "one.user.enable", ADMIN, uid, True)
ok_value("re-enabled user authenticates", "one.vm.info", ALICE, av)
fails("oneadmin cannot be deleted", ACTION, "one.user.delete", ADMIN, 0)
ok_value("one.user.delete", "one.user.delete", ADMIN, uid)
fails("deleted user is gone", NO_EXISTS, "one.user.info", ADMIN, uid)
fails("deleted user is not authenticated", AUTHENTICATION, "one.vm.info", ALICE, av)

# --- deletes --------------------------------------------------------------
ok_value("one.vn.delete", "one.vn.delete", ADMIN, fixed)
fails("deleted network is gone", NO_EXISTS, "one.vn.info", ADMIN, fixed)
fails("one.vn.delete of a missing network", NO_EXISTS, "one.vn.delete", ADMIN, 999)
h2 = ok_value("one.host.allocate h2", "one.host.allocate", ADMIN, "h2", "im_dummy", "vmm_dummy", "tm_dummy")
ok_value("one.host.delete", "one.host.delete", ADMIN, h2)
fails("deleted host is gone", NO_EXISTS, "one.host.info", ADMIN, h2)
fails("one.host.delete of a missing host", NO_EXISTS, "one.host.delete", ADMIN, 999)

# --- the event feed -------------------------------------------------------
events = json.loads(ok_value("one.event.poll", "one.event.poll", ADMIN, 0, 50, 0))
check("one.event.poll answers up to 50 events from seq 1", len(events) == 50 and events[0]["seq"] == 1, len(events))
check("events carry seq, stream, version, event.type, ts, meta, hash",
      all({"seq", "stream", "version", "event", "ts", "meta", "hash"} <= set(e) and "type" in e["event"] for e in events),
      events[:1])
check("event seqs are consecutive", [e["seq"] for e in events] == list(range(1, 51)), [e["seq"] for e in events])
fails("one.event.poll with maxEvents 0", XML_RPC_API, "one.event.poll", ADMIN, 0, 0, 0)
tip = ok_value("one.event.tip", "one.event.tip", ADMIN)
newest = json.loads(ok_value("one.event.poll from tip - 1", "one.event.poll", ADMIN, tip - 1, 10, 0))
check("one.event.tip is the seq of the newest event", [e["seq"] for e in newest][:1] == [tip], (tip, newest[:1]))

# --- inputs stay data: characters XML forbids, capacity, host names, networks
# Characters outside XML 1.0's Char production. xmlrpc.client sends them raw
# (a lone surrogate as a &#...; reference); expat reads every answer.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def refused(name, code, method, *params, mentions=""):
    """Refused with `code`, in an answer expat reads, naming what is wrong without echoing a bad character."""
    try:
        resp = fails(name, code, method, *params)
    except ExpatError as e:
        check(name + ": the answer is well-formed XML", False, e)
        return
    check(name + ": names " + mentions, mentions in str(resp[1]), resp[1])
    check(name + ": echoes no forbidden character", not FORBIDDEN.search(str(resp[1])), ascii(resp[1]))


cid = ok_value("one.user.allocate carol", "one.user.allocate", ADMIN, "carol", sha1("c"))
CAROL = "carol:" + sha1("c")
refused("one.host.allocate a\\x01b", XML_RPC_API, "one.host.allocate", ADMIN, "a\x01b", "im_dummy", "vmm_dummy", "tm_dummy",
        mentions="U+0001")


def raw_answer(method, *strings):
    """Posts a body written by hand (xmlrpc.client would escape the `&`), read back by xmlrpc.client (expat)."""
    params = "".join("<param><value><string>%s</string></value></param>" % s for s in strings)
    body = '<?xml version="1.0"?><methodCall><methodName>%s</methodName><params>%s</params></methodCall>' % (method, params)
    request = urllib.request.Request(URL, body.encode("utf-8"), {"Content-Type": "text/xml"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return xmlrpc.client.loads(answer.read())[0][0]


for ref in ["&#0;", "&#x1;", "&#xFFFE;", "&#55296;"]:
    resp = raw_answer("one.vm.allocate", CAROL, "NAME=a%sb" % ref)
    check("NAME=a%sb is refused with 0x1000, naming the character" % ref,
          resp[0] is False and resp[2] == XML_RPC_API and "U+" in resp[1] and not FORBIDDEN.search(resp[1]), ascii(resp))
refused("a raw NUL in a VM template", XML_RPC_API, "one.vm.allocate", CAROL, "NAME = a\x00b", mentions="U+0000")
refused("\\x01 quoted in a VM template", XML_RPC_API, "one.vm.allocate", CAROL, 'NAME = "x\x01"\nMEMORY = 1', mentions="U+0001")
refused("a lone surrogate in a VM template", XML_RPC_API, "one.vm.allocate", CAROL, "NAME = a\ud800", mentions="U+D800")
refused("U+FFFF in a network template", XML_RPC_API, "one.vn.allocate", CAROL,
        "NAME = n\uffff\nTYPE = FIXED\nBRIDGE = b\nLEASES = [ IP = 10.9.0.1 ]", mentions="U+FFFF")
refused("\\x02 in a user name", XML_RPC_API, "one.user.allocate", ADMIN, "bad\x02name", sha1("x"), mentions="U+0002")
refused("\\x1f in a password", XML_RPC_API, "one.user.allocate", ADMIN, "fine", "pw\x1f", mentions="U+001F")
refused("\\x0b in a new password", XML_RPC_API, "one.user.passwd", CAROL, cid, "\x0b", mentions="U+000B")
refused("\\x03 in a session", XML_RPC_API, "one.vmpool.info", "carol\x03:" + sha1("c"), -1, mentions="U+0003")
for name, doc in [("one.vmpool.info", call("one.vmpool.info", ADMIN, -2, True, -2)), ("one.vnpool.info", call("one.vnpool.info", ADMIN, -2)),
                  ("one.userpool.info", call("one.userpool.info", ADMIN)), ("one.hostpool.info", call("one.hostpool.info", ADMIN))]:
    try:
        ET.fromstring(doc[1])
        check(name + " is still well-formed for oneadmin", True)
    except Exception as e:
        check(name + " is still well-formed for oneadmin", False, e)

for bad in ["-h", "a..b", "....................", "0", "a_b", "1.2.3"]:
    refused("host name %r" % bad, XML_RPC_API, "one.host.allocate", ADMIN, bad, "im_dummy", "vmm_dummy", "tm_dummy",
            mentions="Invalid host name")
h6 = ok_value("one.host.allocate ::1", "one.host.allocate", ADMIN, "::1", "im_dummy", "vmm_dummy", "tm_dummy")
check("the IPv6 host keeps its name", xml_of("host ::1", "one.host.info", ADMIN, h6).findtext("NAME") == "::1")
ok_value("one.host.delete ::1", "one.host.delete", ADMIN, h6)

refused("CPU = -1000 by a plain user", XML_RPC_API, "one.vm.allocate", CAROL, "CPU = -1000\nMEMORY = 64", mentions="CPU")
refused("MEMORY = 99999999999999999999999", XML_RPC_API, "one.vm.allocate", CAROL,
        "CPU = 1\nMEMORY = 99999999999999999999999", mentions="MEMORY")
refused("VCPU = 0", XML_RPC_API, "one.vm.allocate", CAROL, "CPU = 1\nMEMORY = 64\nVCPU = 0", mentions="VCPU")
ok_value("CPU and MEMORY at their bounds", "one.vm.allocate", CAROL, "CPU = 1024\nMEMORY = 4294967296\nVCPU = 1024")
for h in xml_of("one.hostpool.info shares", "one.hostpool.info", ADMIN):
    figures = [(c.tag, c.text) for c in h.find("HOST_SHARE")]
    check("host share figures are plain integers", all(re.fullmatch(r"-?\d+", t or "") for _, t in figures), figures)

# 1.4's network rule: a network of oneadmin's (uid 0) is usable by every user,
# another user's only when PUBLIC.
shared = ok_value("carol leases from oneadmin's network", "one.vm.allocate", CAROL, 'NAME = s\nNIC = [ NETWORK = "pub" ]')
check("the lease is carol's VM's", any(l.findtext("VID") == str(shared) for l in xml_of("pub leases", "one.vn.info", ADMIN, nid).find("LEASES")))
dave = ok_value("one.user.allocate dave", "one.user.allocate", ADMIN, "dave", sha1("d"))
DAVE = "dave:" + sha1("d")
ok_value("dave's network", "one.vn.allocate", DAVE, "NAME = davenet\nTYPE = FIXED\nBRIDGE = b\nLEASES = [ IP = 10.8.0.1 ]")
refused("carol may not lease from dave's network", AUTHORIZATION, "one.vm.allocate", CAROL, "NIC = [ NETWORK = davenet ]",
        mentions="not authorized to use network davenet")

# --- sessions and parameters ----------------------------------------------
fails("a wrong password", AUTHENTICATION, "one.vm.info", "oneadmin:" + sha1("wrong"), vid)
fails("an unknown user", AUTHENTICATION, "one.hostpool.info", "nobody:" + sha1("x"))
fails("a session without a colon", AUTHENTICATION, "one.system.version", "oneadmin")
fails("a string where an int belongs", XML_RPC_API, "one.vm.info", ADMIN, "zero")
fails("a missing parameter", XML_RPC_API, "one.vm.deploy", ADMIN, vid)
fails("an extra parameter", XML_RPC_API, "one.hostpool.info", ADMIN, 1)
fails("a non-string session", XML_RPC_API, "one.system.version", 42)
try:
    call("one.no.such.method", ADMIN)
    check("an unknown method is an XML-RPC fault", False, "no fault")
except xmlrpc.client.Fault as f:
    check("an unknown method is an XML-RPC fault", isinstance(f.faultCode, int) and "one.no.such.method" in f.faultString,
          f.faultString)
called.discard("one.no.such.method")

print(json.dumps({"checks": checks, "called": sorted(called)}))
