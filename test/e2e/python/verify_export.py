"""Verifies an `oneaudit export` file, written from the README ("Exporting
the log and verifying it elsewhere") alone. Usage: python3 verify_export.py FILE
Prints one line per break and a summary; exits 1 when the chain is broken."""
import hashlib, json, sys

lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
header = json.loads(lines[0])
previous, expected_seq, breaks = bytes.fromhex(header["previous"]), header["from"], 0
for line in lines[1:]:
    event = json.loads(line)
    claimed = event.pop("hash")
    canonical = json.dumps(event, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    if event["seq"] != expected_seq:
        breaks += 1
        print(f"BROKEN at event {expected_seq}: missing or out of order (next is {event['seq']})")
    if hashlib.sha256(previous + canonical.encode("utf-8")).hexdigest() != claimed:
        breaks += 1
        print(f"BROKEN at event {event['seq']} ({event['stream']}): hash does not match")
    previous, expected_seq = bytes.fromhex(claimed), event["seq"] + 1
print(f"export BROKEN: {breaks} breaks" if breaks else f"export verified: {len(lines) - 1} events")
sys.exit(1 if breaks else 0)
