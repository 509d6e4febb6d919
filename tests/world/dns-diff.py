#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Differential DNS comparison (issue 19): ask the same queries of two
forwarders (mifd's stub and unbound) that forward to the same authoritative
server, and compare the answers field by field.

Usage: dns-diff.py STUB_ADDR REF_ADDR ZONE [--verbose]

Each case is asked twice of each server (the first fills the caches, the
second is answered from them), over UDP or TCP as the case says. Compared:
the full rcode (with EDNS's extended bits), the header flags AA TC RD RA Z
AD CD, the question section as sent back (case included), the answer section
as a set of RRs (owner names case-insensitively, TTLs ignored, order
ignored), the authority section's SOA, NSEC, NSEC3 and RRSIG RRs as a set
(the records a negative answer is proved and cached with, RFC 2308, RFC
4035), and the OPT record (present, version, flag bits, option codes). When both set TC the
sections are not compared (each may fill a truncated reply differently).

Differences listed in EXCEPTIONS are reported but do not fail the run;
each is justified in doc/resolver.md ("Differential test"). Exit 0 when
every other field agrees, 1 otherwise.
"""
import socket
import struct
import sys

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype

# (field, case-name substring or "*"): reported, not a failure. Keep in
# step with doc/resolver.md's table.
EXCEPTIONS = {
    ("rcode", "loop1/"): "CNAME loop: the stub passes on its upstream's answer, "
                         "unbound chases and gives up",
    ("answer", "loop1/"): "CNAME loop: as above",
    ("rcode", "/nord"): "RD clear: unbound refuses, the stub forwards every query",
    ("answer", "/nord"): "RD clear: as above",
    ("answer", "www/ANY/"): "ANY (RFC 8482): the upstream's subset, or unbound's cache",
    ("flag AD", "big/TXT/ad/"): "empty TC reply from the cache: AD clear, the TCP retry has it",
}

TIMEOUT = 4.0


def make_query(name, rdtype, v):
    """Build the query of variant v (a dict)."""
    q = dns.message.make_query(name, rdtype, rdclass=v.get("rdclass", dns.rdataclass.IN),
                               use_edns=v.get("edns", 0), payload=v.get("payload", 1232),
                               want_dnssec=v.get("do", False),
                               options=v.get("options", None))
    q.flags = dns.flags.RD
    if v.get("cd"):
        q.flags |= dns.flags.CD
    if v.get("ad"):
        q.flags |= dns.flags.AD
    if v.get("nord"):
        q.flags &= ~dns.flags.RD
    if v.get("z"):
        q.flags |= 0x0040
    if "ednsflags" in v:
        q.ednsflags |= v["ednsflags"]
    if "opcode" in v:
        q.set_opcode(v["opcode"])
    return q


def ask(addr, wire, tcp):
    """Send wire to addr; the response's wire, or None on a timeout."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    if tcp:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(TIMEOUT)
        try:
            s.connect((addr, 53))
            s.sendall(struct.pack("!H", len(wire)) + wire)
            hdr = b""
            while len(hdr) < 2:
                c = s.recv(2 - len(hdr))
                if not c:
                    return None
                hdr += c
            n = struct.unpack("!H", hdr)[0]
            out = b""
            while len(out) < n:
                c = s.recv(n - len(out))
                if not c:
                    return None
                out += c
            return out
        except OSError:
            return None
        finally:
            s.close()
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    try:
        s.sendto(wire, (addr, 53))
        while True:
            data, _ = s.recvfrom(65535)
            if data[:2] == wire[:2]:
                return data
    except OSError:
        return None
    finally:
        s.close()


def rrs(section, types=None):
    out = set()
    for rrset in section:
        if types is not None and rrset.rdtype not in types:
            continue
        if types is not None and rrset.rdtype == dns.rdatatype.RRSIG and \
                rrset.covers not in types:
            continue
        for rd in rrset:
            out.add("%s %s %s %s" % (rrset.name.to_text().lower(),
                                     dns.rdataclass.to_text(rrset.rdclass),
                                     dns.rdatatype.to_text(rrset.rdtype), rd.to_text()))
    return out


AUTH_TYPES = {dns.rdatatype.SOA, dns.rdatatype.NSEC, dns.rdatatype.NSEC3, dns.rdatatype.RRSIG}
FLAGS = (("AA", dns.flags.AA), ("TC", dns.flags.TC), ("RD", dns.flags.RD),
         ("RA", dns.flags.RA), ("Z", 0x0040), ("AD", dns.flags.AD), ("CD", dns.flags.CD))


def view(wire):
    """The compared fields of a response (a dict), or its failure."""
    if wire is None:
        return {"rcode": "TIMEOUT"}
    try:
        m = dns.message.from_wire(wire, ignore_trailing=True, raise_on_truncation=False)
    except Exception as e:  # a reply dnspython cannot read is a field too
        return {"rcode": "UNPARSEABLE %s" % type(e).__name__}
    v = {"rcode": dns.rcode.to_text(m.rcode())}
    for n, bit in FLAGS:
        v["flag " + n] = bool(m.flags & bit)
    v["question"] = ",".join("%s %s %s" % (r.name.to_text(), dns.rdataclass.to_text(r.rdclass),
                                           dns.rdatatype.to_text(r.rdtype)) for r in m.question)
    # The OPT's version and every flag bit (RFC 6891 6.1.4: the Z bits
    # are zero in a reply), and the option codes it carries.
    v["opt"] = "none" if m.edns < 0 else "v%d flags=%04x options=%s" % (
        m.edns, m.ednsflags & 0xffff, ",".join(str(o.otype) for o in m.options))
    if not (m.flags & dns.flags.TC):
        v["answer"] = rrs(m.answer)
        v["authority"] = rrs(m.authority, AUTH_TYPES)
    return v


def excepted(field, case):
    for (f, sub), why in EXCEPTIONS.items():
        if f == field and (sub == "*" or sub in case):
            return why
    return None


def compare(case, a, b, report):
    bad = 0
    for k in sorted(set(a) | set(b)):
        if k in ("answer", "authority") and ("answer" not in a or "answer" not in b):
            continue
        if a.get(k) != b.get(k):
            why = excepted(k, case)
            x, y = a.get(k), b.get(k)
            if isinstance(x, set) and isinstance(y, set):
                x, y = sorted(x - y), sorted(y - x)
            report.append("%s %-28s %s: stub=%s unbound=%s%s" % (
                "  (excepted)" if why else "DIFF", case, k, x, y, "" if not why else " [%s]" % why))
            bad += 0 if why else 1
    return bad


def cases(zone):
    z = zone.rstrip(".") + "."
    plain = {}
    base = [
        ("www", "A"), ("www", "AAAA"), ("www", "MX"), ("www", "TXT"),
        ("nx", "A"), ("nx.nx", "AAAA"),
        ("c1", "A"), ("c1", "CNAME"), ("c1", "AAAA"), ("c3", "A"),
        ("loop1", "A"), ("dangling", "A"), ("dangling", "AAAA"),
        ("x.wild", "A"), ("x.wild", "TXT"), ("x.wild", "AAAA"), ("y.z.wild", "A"),
        ("*.wild", "A"), ("wild", "A"),
        ("ent", "A"), ("b.ent", "A"), ("a.b.ent", "A"),
        ("mid", "TXT"), ("big", "TXT"), ("many", "A"),
        ("a\\.b", "A"), ("sp\\032ace", "A"), ("\\000bin\\255", "A"), ("UpPeR", "A"),
        ("q", "TXT"), ("u", "TYPE65280"), ("mx", "MX"), ("_sip._udp", "SRV"),
        ("x.dn", "A"), ("dn", "DNAME"), ("bogus", "A"),
        ("@", "SOA"), ("@", "NS"), ("@", "DNSKEY"),
        ("L1" + "a" * 61 + ".L2" + "b" * 61 + ".L3" + "c" * 61, "A"),
    ]
    variants = [
        ("udp", {}), ("noedns", {"edns": -1}), ("do", {"do": True}), ("cd", {"cd": True}),
        ("docd", {"do": True, "cd": True}), ("ad", {"ad": True}), ("tcp", {"tcp": True}),
        ("b512", {"payload": 512}), ("dotcp", {"do": True, "tcp": True}),
    ]
    for label, t in base:
        name = z if label == "@" else label + "." + z
        for vn, v in variants:
            yield ("%s/%s/%s" % (label, t, vn), name, t, v)
    # EDNS versions and options (RFC 6891), odd classes and opcodes.
    yield ("www/A/edns1", "www." + z, "A", {"edns": 1})
    yield ("www/A/opt65001", "www." + z, "A",
           {"options": [dns.edns.GenericOption(65001, b"\x01\x02")]})
    yield ("www/A/nsid", "www." + z, "A", {"options": [dns.edns.GenericOption(3, b"")]})
    yield ("www/A/cookie", "www." + z, "A",
           {"options": [dns.edns.GenericOption(10, b"\x01\x02\x03\x04\x05\x06\x07\x08")]})
    yield ("www/A/padding", "www." + z, "A", {"options": [dns.edns.GenericOption(12, b"\0" * 40)]})
    yield ("www/A/payload100", "www." + z, "A", {"payload": 100})
    yield ("mid/TXT/payload100", "mid." + z, "TXT", {"payload": 100})
    yield ("www/A/payload65535", "www." + z, "A", {"payload": 65535})
    yield ("www/A/zbit", "www." + z, "A", {"z": True})
    yield ("www/A/ednsz", "www." + z, "A", {"ednsflags": 0x4000})
    yield ("www/A/CH", "www." + z, "A", {"rdclass": dns.rdataclass.CH})
    yield ("www/A/nord", "www." + z, "A", {"nord": True})
    yield ("www/A/status", "www." + z, "A", {"opcode": dns.opcode.STATUS})
    yield ("www/ANY/udp", "www." + z, "ANY", plain)


def main():
    stub, ref, zone = sys.argv[1:4]
    verbose = "--verbose" in sys.argv
    report, bad, n = [], 0, 0
    for case, name, t, v in cases(zone):
        q = make_query(dns.name.from_text(name), t, v)
        for rnd in ("miss", "hit"):
            q.id = (q.id + 1) & 0xffff
            wire = q.to_wire()
            a = view(ask(stub, wire, v.get("tcp", False)))
            b = view(ask(ref, wire, v.get("tcp", False)))
            n += 1
            bad += compare(case + "/" + rnd, a, b, report)
            if verbose:
                print("%s/%s stub=%s unbound=%s" % (case, rnd, a.get("rcode"), b.get("rcode")))
    for line in report:
        print(line)
    print("dns-diff: %d queries compared, %d differences not excepted, %d excepted" %
          (n, bad, len(report) - bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
