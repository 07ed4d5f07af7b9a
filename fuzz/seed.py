"""Writes the seed corpora of the fuzz targets from the shared test data (testdata/):
python3 fuzz/seed.py. The files are committed; run again after the vectors change."""
import json, os, struct, hashlib
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
corpus = os.path.join(here, "corpus")

def write(target, data):
    folder = os.path.join(corpus, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

# calendar: the slot vectors' clinic and calendars over each case's range.
slots = json.load(open(os.path.join(root, "testdata/vectors/slots.json")))
for case in slots["cases"]:
    req = case.get("request", case)
    start, end = req.get("start"), req.get("end")
    if not (start and end):
        continue
    item = {"clinic": slots["clinic"], "calendar": slots["calendars"][case.get("doctor", 0)],
            "start": start, "end": end, "include_unavailable": True}
    if "appointment_type" in req:
        item["appointment_type"] = req["appointment_type"]
    write("calendar", json.dumps(item).encode())
dst = json.load(open(os.path.join(root, "testdata/vectors/dst.json")))
for case in dst.get("cases", [])[:20]:
    clinic = case.get("clinic", dst.get("clinic"))
    calendar = case.get("calendar") or (dst.get("calendars") or [None])[case.get("doctor", 0)]
    req = case.get("request", case)
    if clinic and calendar and req.get("start") and req.get("end"):
        write("calendar", json.dumps({"clinic": clinic, "calendar": calendar,
                                      "start": req["start"], "end": req["end"]}).encode())

# recurrence: rules of the vectors and of the issue, from a few start dates.
rules = ["FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "RRULE:FREQ=MONTHLY;BYDAY=1SA", "FREQ=YEARLY",
         "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
         "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;COUNT=0", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH",
         "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=YEARLY;BYYEARDAY=366", "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR",
         "FREQ=DAILY;UNTIL=20300101T000000Z", "FREQ=WEEKLY;INTERVAL=65535"]
for i, rule in enumerate(rules):
    write("recurrence", struct.pack("<H", (i * 7919) % 54000) + rule.encode())

# booking and tokens: short command sequences (three bytes a command).
for seq in [b"\x01\x00\x00\x01\x01\x00", b"\x00\x00\x01\x02\x00\x00\x03\x00\x00",
            b"\x00\x01\x02\x06\x00\x0f\x02\x01\x01", b"\x01\x02\x03\x04\x02\x05\x07\x02\x00\x03\x02\x00",
            b"\x01\x80\x81\x01\x00\x01\x08\x00\x05\x05\x00\x00"]:
    write("booking", seq)
for seq in [b"\x00\x01\x00\x00\x02\x01\x02\x00\x00\x03\x01\x00\x04\x01\x00",
            b"\x00\x01\x02\x00\x02\x03\x05\x01\x00\x00\x03\x00",
            b"\x00\x01\x00\x09\x01\x04\x0a\x01\x02\x08\x01\x00",
            b"\x01\x05\x02\x01\x06\x03\x0b\x00\x3f\x07\x01\x00\x02\x00\x00"]:
    write("tokens", seq)

# events: every golden event, each version.
for version in sorted(os.listdir(os.path.join(root, "testdata/events"))):
    folder = os.path.join(root, "testdata/events", version)
    if os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                write("events", open(os.path.join(folder, name), "rb").read())

# ics and fhir: the interop vectors' calendars and bundles (testdata/interop).
interop = json.load(open(os.path.join(root, "testdata/interop/vectors.json")))
for case in interop["cases"]:
    data = case["input"]
    if case["call"] == "read_ics":
        write("ics", data["ics"].encode())
    if case["call"] in ("ics", "freebusy"):
        write("ics", case["expect"].encode())
    if case["call"] == "read_fhir":
        fhir = data["fhir"]
        write("fhir", (fhir if isinstance(fhir, str) else json.dumps(fhir)).encode())
    if case["call"] in ("fhir_bundle", "fhir_slot_search") and "expect" in case:
        write("fhir", json.dumps(case["expect"]).encode())
