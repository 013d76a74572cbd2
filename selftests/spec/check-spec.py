#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/netlink/vale.yaml against the implementation.

  python3 selftests/spec/check-spec.py [--top DIR]

Every definition, attribute set, operation and multicast group of the spec
must exist in uapi/linux/vale.h with the value the spec's numbering rules
give it, and every operation must exist in kmod/netlink.c's genl_ops with
a policy that accepts exactly the spec's request attributes, with the
spec's checks (max-len, min, max), admin-perm flag and do/dump handlers.
Prints TAP; exits 1 on any mismatch.  Needs python3-yaml.
"""
import argparse
import glob
import re
import sys

import yaml

n = 0
failed = 0


def check(cond, what):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond:
        failed += 1


def c_name(s):
    return s.upper().replace("-", "_")


def parse_enums(hdr):
    """enum NAME { A = v, B, ... } -> {NAME: {A: value}} (plus anonymous)."""
    enums = {}
    for m in re.finditer(r"enum\s+(\w+)\s*\{(.*?)\};", hdr, re.S):
        vals, v = {}, -1
        body = re.sub(r"/\*.*?\*/", "", m.group(2), flags=re.S)
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                k, e = [x.strip() for x in item.split("=", 1)]
                e = e.strip("() ")
                mm = re.match(r"(\w+)\s*-\s*1$", e)
                v = vals[mm.group(1)] - 1 if mm else int(e, 0)
            else:
                k, v = item, v + 1
            vals[k] = v
        enums[m.group(1)] = vals
    return enums


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", default=".")
    a = ap.parse_args()
    spec = yaml.safe_load(open(a.top + "/Documentation/netlink/vale.yaml"))
    hdr = open(a.top + "/uapi/linux/vale.h").read()
    # the netlink layer: kmod/netlink.c, kmod/nl_*.[ch]
    nlc = "".join(open(f).read() for f in
                  [a.top + "/kmod/netlink.c"] +
                  sorted(glob.glob(a.top + "/kmod/nl_*.[ch]")))
    enums = parse_enums(hdr)
    fam = spec["name"]

    check(re.search(r'#define VALE_GENL_NAME\s+"%s"' % fam, hdr), "family name")
    check(re.search(r"#define VALE_GENL_VERSION\s+%d\b" % spec.get("version", 1), hdr),
          "family version")
    # genetlink-c: plain genetlink plus the C naming properties
    # (enum-name, name-prefix) the spec uses; ynl-schema.py validates it.
    check(spec["protocol"] in ("genetlink", "genetlink-c"),
          "protocol genetlink (or genetlink-c)")

    # definitions
    for d in spec.get("definitions", []):
        if d["type"] == "const":
            cn = "VALE_" + c_name(d["name"])
            m = re.search(r"#define %s\s+(\d+)" % cn, hdr)
            check(m and int(m.group(1)) == d["value"], "const %s" % cn)
        elif d["type"] == "enum":
            en = c_name(d["enum-name"]).lower()
            e = enums.get(en)
            check(e is not None, "enum %s exists" % en)
            start = d.get("value-start", 0)
            pfx = c_name(d.get("name-prefix", fam + "-" + d["name"] + "-"))
            for i, ent in enumerate(d["entries"]):
                name = ent["name"] if isinstance(ent, dict) else ent
                cn = pfx + c_name(name)
                check(e is not None and e.get(cn) == start + i,
                      "%s = %d" % (cn, start + i))

    # attribute sets
    sets = {}
    for s in spec["attribute-sets"]:
        en = c_name(s["enum-name"]).lower()
        e = enums.get(en, {})
        check(bool(e), "attribute set %s: enum %s" % (s["name"], en))
        pfx = c_name(s["name-prefix"])
        v = 0
        attrs = {}
        for at in s["attributes"]:
            v = at.get("value", v + 1)
            cn = pfx + c_name(at["name"])
            attrs[at["name"]] = (cn, at)
            check(e.get(cn) == v, "%s = %d" % (cn, v))
        maxn = pfx + "MAX"
        check(e.get(maxn) == v, "%s = %d (no attribute outside the spec)" % (maxn, v))
        sets[s["name"]] = attrs

    # operations: numbering and the kernel's table
    ops = spec["operations"]
    e = enums.get(c_name(ops["enum-name"]).lower(), {})
    pfx = c_name(ops["name-prefix"])
    table = {}
    for m in re.finditer(r"\{\s*\.cmd\s*=\s*(\w+),(.*?)\n\t\}", nlc, re.S):
        table[m.group(1)] = m.group(2)
    policies = {}
    for m in re.finditer(r"(?:static )?const struct nla_policy (\w+)\[\w+ \+ 1\] = \{(.*?)\n\};",
                         nlc, re.S):
        policies[m.group(1)] = dict(re.findall(r"\[(\w+)\]\s*=\s*([^\n]*?),?\n", m.group(2) + "\n"))
    for alias, target in re.findall(r"#define (\w+_policy) (\w+_policy)", nlc):
        policies[alias] = policies.get(target)
    macros = dict(re.findall(r"#define (VALE_NLA_\w+)\s+(\{.*\})", nlc))
    consts = {"VALE_NAME_MAX - 1": 63, "IFNAMSIZ - 1": 15,
              "VALE_MAX_BATCH": 1024, "VALE_LOOKUP_P2P": 1,
              "VALE_LOOKUP_RULES": 2, "VALE_RULE_ACT_MAX": 3}
    seen = set()
    for i, op in enumerate(ops["list"], start=1):
        cn = pfx + c_name(op["name"])
        check(e.get(cn) == i, "%s = %d" % (cn, i))
        if "notify" in op or "event" in op:
            check(op.get("mcgrp") in [g["name"] for g in spec["mcast-groups"]["list"]],
                  "%s: multicast group exists" % op["name"])
            check(cn not in table, "%s is a notification, not a request" % cn)
            continue
        body = table.get(cn)
        check(body is not None, "%s is in vale_genl_ops" % cn)
        if body is None:
            continue
        seen.add(cn)
        admin = "admin-perm" in op.get("flags", [])
        check(("GENL_ADMIN_PERM" in body) == admin, "%s: admin-perm %s" % (cn, admin))
        check(("GENL_UNS_ADMIN_PERM" in body) == ("uns-admin-perm" in op.get("flags", [])),
              "%s: uns-admin-perm" % cn)
        check((".doit" in body) == ("do" in op), "%s: do handler" % cn)
        check((".dumpit" in body) == ("dump" in op), "%s: dump handler" % cn)
        pm = re.search(r"\.policy\s*=\s*(\w+)", body)
        pol = policies.get(pm.group(1)) if pm else None
        check(pol is not None, "%s: has a policy" % cn)
        if pol is None:
            continue
        aset = sets[op["attribute-set"]]
        mx = re.search(r"\.maxattr\s*=\s*(\w+)", body)
        setpfx = c_name([s for s in spec["attribute-sets"] if s["name"] == op["attribute-set"]][0]["name-prefix"])
        check(mx and mx.group(1) == setpfx + "MAX", "%s: maxattr is %sMAX" % (cn, setpfx))
        want = set()
        for part in ("do", "dump"):
            if part in op:
                want |= set(op[part].get("request", {}).get("attributes", []))
        got = {k for k in pol}
        wantc = {aset[x][0] for x in want}
        check(got == wantc, "%s: policy accepts exactly %s" % (cn, sorted(want)))
        for x in want:
            acn, at = aset[x]
            p = pol.get(acn, "")
            p = macros.get(p, p)
            t = at["type"]
            ktype = {"string": "NLA_NUL_STRING", "u8": "NLA_U8", "u16": "NLA_U16",
                     "u32": "NLA_U32",
                     "u64": "NLA_U64", "nest": "NLA_NESTED", "flag": "NLA_FLAG",
                     "binary": "NLA_POLICY_EXACT_LEN"}[t]
            check(ktype in p, "%s %s: type %s" % (cn, acn, ktype))
            ch = at.get("checks", {})
            if "exact-len" in ch:
                m = re.search(r"NLA_POLICY_EXACT_LEN\((\w+)\)", p)
                check(m and {"ETH_ALEN": 6}.get(m.group(1)) == ch["exact-len"],
                      "%s %s: exact-len %d" % (cn, acn, ch["exact-len"]))
            if "max-len" in ch:
                m = re.search(r"\.len\s*=\s*([^}]*?)\s*\}", p)
                check(m and consts.get(m.group(1).strip()) == ch["max-len"],
                      "%s %s: max-len %d" % (cn, acn, ch["max-len"]))
            if "min" in ch and "max" in ch:
                m = re.search(r"NLA_POLICY_RANGE\(\w+, (\w+), (\w+)\)", p)
                ok = m and int(consts.get(m.group(1), m.group(1))) == ch["min"] and \
                    int(consts.get(m.group(2), m.group(2))) == ch["max"]
                check(ok, "%s %s: range %d..%d" % (cn, acn, ch["min"], ch["max"]))
            elif "max" in ch:
                m = re.search(r"NLA_POLICY_MAX\(\w+, (\w+)\)", p)
                check(m and int(consts.get(m.group(1), m.group(1))) == ch["max"],
                      "%s %s: max %d" % (cn, acn, ch["max"]))
            elif "min" in ch:
                m = re.search(r"NLA_POLICY_MIN\(\w+, (\w+)\)", p)
                check(m and int(consts.get(m.group(1), m.group(1))) == ch["min"],
                      "%s %s: min %d" % (cn, acn, ch["min"]))
    check(set(table) == seen, "vale_genl_ops has no operation outside the spec")
    check(e.get(pfx + "MAX") == len(ops["list"]), "%sMAX = %d" % (pfx, len(ops["list"])))

    groups = spec["mcast-groups"]["list"]
    for g in groups:
        check(re.search(r'#define VALE_GENL_MCGRP_%s\s+"%s"' % (c_name(g["name"]), g["name"]), hdr),
              "multicast group %s" % g["name"])
    check(len(re.findall(r"\.name = VALE_GENL_MCGRP_", nlc)) == len(groups),
          "the family registers every multicast group")
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
