#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/netlink/vale.yaml with the kernel's own YNL library.

  /usr/bin/python3 selftests/spec/ynl-schema.py --ynl DIR [--spec FILE]

DIR is what scripts/ynl.sh prints as YNL_DIR (tools/net/ynl and
Documentation/netlink/*.yaml of linux-source-6.12).  The spec is
validated, by YNL's SpecFamily and python3-jsonschema, against the schema
its "protocol" names (DIR/Documentation/netlink/<protocol>.yaml, the
schema YNL itself picks), and YNL must resolve every definition,
attribute set, operation and multicast group of it.  Prints TAP; exits 1
on any failure.
"""
import argparse
import os
import sys

n = 0
failed = 0


def check(cond, what, why=None):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond:
        failed += 1
        if why is not None:
            # A jsonschema error: its message and where in the spec.
            msg = getattr(why, "message", None) or str(why).split("\n\n")[0]
            path = getattr(why, "json_path", None)
            print("# %s%s" % (msg, " (at %s)" % path if path else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ynl", required=True)
    ap.add_argument("--spec", default=os.path.join(
        os.path.dirname(__file__), "../../Documentation/netlink/vale.yaml"))
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(a.ynl, "tools/net/ynl"))
    import yaml
    from lib.nlspec import SpecFamily

    print("1..5")
    raw = yaml.safe_load(open(a.spec))
    proto = raw.get("protocol", "")
    schema = os.path.join(a.ynl, "Documentation/netlink", proto + ".yaml")
    check(os.path.isfile(schema),
          "spec names a protocol with a kernel schema (%s)" % proto,
          "no %s" % schema)
    fam, err = None, None
    try:
        fam = SpecFamily(a.spec, schema if os.path.isfile(schema) else "")
    except Exception as e:  # jsonschema.ValidationError, or YNL's own
        err = e
    check(err is None and fam is not None,
          "spec validates against %s.yaml (jsonschema, by YNL)" % proto, err)
    if fam is None:
        # Without validation, to say what else YNL makes of the spec.
        try:
            fam = SpecFamily(a.spec, "")
        except Exception as e:
            err = e
    ops = [o["name"] for o in raw["operations"]["list"]]
    check(fam is not None and sorted(fam.msgs) == sorted(ops),
          "YNL resolves every operation (%d)" % len(ops), err)
    sets = [s["name"] for s in raw.get("attribute-sets", [])]
    check(fam is not None and sorted(fam.attr_sets) == sorted(sets) and
          all(len(fam.attr_sets[s].attrs) ==
              len(next(x for x in raw["attribute-sets"] if x["name"] == s)
                  ["attributes"]) for s in sets),
          "YNL resolves every attribute set and attribute", err)
    groups = [g["name"] for g in raw.get("mcast-groups", {}).get("list", [])]
    ntf = [o for o in fam.msgs.values() if o.is_async] if fam else []
    check(fam is not None and groups and
          all(o.yaml.get("mcgrp") in groups for o in ntf) and len(ntf) > 0,
          "notifications name the spec's multicast groups (%d)" % len(ntf),
          err)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
