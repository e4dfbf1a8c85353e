"""SCHED_MESSAGE and one.event.tip seen through Python's own xmlrpc.client.

Usage: python3 sched_message.py URL VID

VID is a PENDING VM of oneadmin's. Prints one JSON object
{"checks": [[name, ok, detail], ...]}; the Node test asserts each check.
"""
import hashlib
import json
import sys
import xmlrpc.client
import xml.etree.ElementTree as ET

URL, VID = sys.argv[1], int(sys.argv[2])
proxy = xmlrpc.client.ServerProxy(URL)
checks = []


def sha1(text):
    return hashlib.sha1(text.encode()).hexdigest()


ADMIN = "oneadmin:" + sha1("secret")
AUTHORIZATION, NO_EXISTS, XML_RPC_API = 0x200, 0x400, 0x1000
REASON = "0/2 hosts: 1 failed REQUIREMENTS, 1 lacked MEMORY"


def check(name, ok, detail=""):
    checks.append([name, bool(ok), ascii(detail)[:600]])


def tip():
    answer = proxy.one.event.tip(ADMIN)
    check("one.event.tip answers [true, int, 0]", answer[0] is True and isinstance(answer[1], int) and answer[2] == 0, answer)
    return answer[1]


def vm_xml():
    return proxy.one.vm.info(ADMIN, VID)[1]


def message_of(xml_text):
    return ET.fromstring(xml_text).findtext("TEMPLATE/SCHED_MESSAGE")


before = tip()
check("one.vm.schedmessage answers [true, vid, 0]", proxy.one.vm.schedmessage(ADMIN, VID, REASON) == [True, VID, 0])
after_first = tip()
check("the first message is one event", after_first == before + 1, (before, after_first))
check("one.vm.info shows TEMPLATE/SCHED_MESSAGE", message_of(vm_xml()) == REASON, vm_xml())
check("the same message again still answers [true, vid, 0]", proxy.one.vm.schedmessage(ADMIN, VID, REASON) == [True, VID, 0])
check("the same message again adds no event", tip() == after_first)

# Each refused text: 0x1000, nothing appended, the message unchanged, the character named and never echoed.
# xmlrpc.client writes a CR raw, and XML reads a raw CR as LF: oned sees (and names) a line feed.
for bad, named in [("two\nlines", "U+000A"), ("cr\rhere", "U+000A"), ("nul\x00", "U+0000"), ("tab\there", "U+0009"),
                   ("\x1b[2Jclear", "U+001B"), ("x" * 1025, "1025 characters")]:
    answer = proxy.one.vm.schedmessage(ADMIN, VID, bad)
    check("%s is refused with 0x1000, naming %s" % (ascii(bad[:12]), named),
          answer[0] is False and answer[2] == XML_RPC_API and named in answer[1] and bad[:5] not in answer[1], answer)
check("refused messages add no event", tip() == after_first)
check("refused messages leave the message as it was", message_of(vm_xml()) == REASON)

# Quotes, shell and XML characters are data: stored as given, escaped in every document.
tricky = """it's "quoted" $(reboot) `id`; <b>&amp;</b> ]]> \u00fcn\u00efc\u00f8de"""
check("a message with quotes, $(...), backticks and <>& is accepted", proxy.one.vm.schedmessage(ADMIN, VID, tricky) == [True, VID, 0])
raw = vm_xml()
check("it reads back exactly from one.vm.info", message_of(raw) == tricky, raw)
check("it is escaped in the document (no raw <b>)", "<b>" not in raw and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in raw, raw)
pool = ET.fromstring(proxy.one.vmpool.info(ADMIN, -2, True, 1)[1])
shown = [v.findtext("TEMPLATE/SCHED_MESSAGE") for v in pool if v.findtext("ID") == str(VID)]
check("the extended pool listing shows it too", shown == [tricky], shown)
check("a changed message is one event", tip() == after_first + 1)

# Who may call it, and on what.
uid = proxy.one.user.allocate(ADMIN, "bob", sha1("bobpw"))[1]
BOB = "bob:" + sha1("bobpw")
own = proxy.one.vm.allocate(BOB, "NAME = bobs\n")[1]
for name, params in [("on oneadmin's VM", (BOB, VID, "x")), ("even on his own VM", (BOB, own, "x"))]:
    answer = proxy.one.vm.schedmessage(*params)
    check("bob may not set a scheduler message " + name, answer[0] is False and answer[2] == AUTHORIZATION, answer)
answer = proxy.one.event.tip(BOB)
check("bob may not read the event tip", answer[0] is False and answer[2] == AUTHORIZATION, answer)
answer = proxy.one.vm.schedmessage(ADMIN, 999, "x")
check("an unknown VM is 0x400", answer == [False, "The virtual machine 999 does not exists", NO_EXISTS], answer)
answer = proxy.one.vm.schedmessage(ADMIN, VID)
check("a missing parameter is 0x1000", answer[0] is False and answer[2] == XML_RPC_API, answer)

# Back to the reason the Node side expects, for onevm show and the restart.
check("back to the plain reason", proxy.one.vm.schedmessage(ADMIN, VID, REASON) == [True, VID, 0])
print(json.dumps({"checks": checks}))
