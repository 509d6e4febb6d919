#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The include rules of doc/architecture.md ("Include rules"), checked.

Run through scripts/layering.sh (a meson test of the unit suite, so `make
check` runs it). Usage:

    layering.py [ROOT]       check the tree at ROOT (default: this checkout)
    layering.py --self-test  plant each kind of violation in a small tree
                             of its own and expect each to be caught

Rules, per file (quoted includes are resolved against the including file's
folder, then src/, then include/, as the compiler does with `inc`):

  1. src/proto/ includes only proto/, common/ and system headers.
  2. src/common/ includes only common/ and system headers.
  3. lib/ and src/ctl/ never include daemon/ (nor does src/netlink/, the
     library the second daemon shares, nor src/ha/, that daemon).
  4. A daemon folder never includes another folder's *_priv.h, except
     daemon/engine/engine_priv.h: the engine process's own header, which
     the engine_*.c files of every area include (parts of one process).
  5. Role lists (daemon_pure, daemon_engine, daemon_net, ... in the
     src/daemon/<area>/meson.build files), following project headers
     transitively, so a header that drags one in is caught too:
       - net and engine files reach no daemon/kern/ header (privileged);
       - net files do not reach engine_priv.h;
       - pure files reach neither engine_priv.h, kern/ nor libevent.
  6. Every .c under src/daemon/ is in exactly one role list, listed by the
     meson.build of its own folder; file names agree with the role
     (kern_*.c privileged, engine_*.c engine, core/ files core only).

Every violation is printed as "layering: FILE: includes X: why", with the
chain of includes for a transitive one; the exit status is 1 if any.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROLES = ("daemon_pure", "daemon_engine", "daemon_priv", "daemon_net", "daemon_core")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
ROLE_RE = re.compile(r"\b(daemon_\w+)\s*\+=\s*files\(([^)]*)\)", re.S)
ENGINE_PRIV = "src/daemon/engine/engine_priv.h"


def sources(root, top):
    """Every .c and .h under root/top, as paths relative to root."""
    out = []
    base = os.path.join(root, top)
    for d, _, files in os.walk(base):
        for f in files:
            if f.endswith((".c", ".h")):
                out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


class Tree:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def includes(self, path):
        """[(kind, text, resolved)] of path: kind '<' or '"', resolved the
        project file a quoted include names (None: system or not found)."""
        if path in self.cache:
            return self.cache[path]
        with open(os.path.join(self.root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        # Comments may mention #include; drop them (strings hold none here).
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        out = []
        for kind, name in INCLUDE_RE.findall(text):
            res = None
            if kind == '"':
                for d in (os.path.dirname(path), "src", "include"):
                    cand = os.path.normpath(os.path.join(d, name))
                    if os.path.isfile(os.path.join(self.root, cand)):
                        res = cand
                        break
            out.append((kind, name, res))
        self.cache[path] = out
        return out

    def closure(self, path):
        """{reached: chain} over project headers, breadth first, so each
        chain is a shortest one; system headers as '<name>'."""
        seen = {path: [path]}
        todo = [path]
        while todo:
            cur = todo.pop(0)
            for kind, name, res in self.includes(cur):
                key = res if res else ("<%s>" % name if kind == "<" else '"%s"' % name)
                if key in seen:
                    continue
                seen[key] = seen[cur] + [key]
                if res:
                    todo.append(res)
        del seen[path]
        return seen


def area_of(path):
    """'dns' for src/daemon/dns/stub.c, None outside src/daemon/<area>/."""
    p = path.split("/")
    return p[2] if len(p) > 3 and p[0] == "src" and p[1] == "daemon" else None


def parse_roles(root, errors):
    """{file: [(role, meson.build)]} from every src/daemon/*/meson.build."""
    roles = {}
    daemon = os.path.join(root, "src", "daemon")
    if not os.path.isdir(daemon):
        return roles
    for area in sorted(os.listdir(daemon)):
        mb = os.path.join("src", "daemon", area, "meson.build")
        if not os.path.isfile(os.path.join(root, mb)):
            continue
        with open(os.path.join(root, mb), encoding="utf-8") as f:
            text = re.sub(r"#[^\n]*", "", f.read())
        found = ROLE_RE.findall(text)
        # A list grown some other way (a variable, a loop) would escape
        # the check: refuse it rather than pass it silently.
        if len(re.findall(r"\bdaemon_\w+\s*\+=", text)) != len(found):
            errors.append("layering: %s: a role list is extended other than by "
                          "'daemon_<role> += files(...)': cannot check it" % mb)
        for role, args in found:
            if role not in ROLES:
                errors.append("layering: %s: unknown role list %s" % (mb, role))
                continue
            for name in re.findall(r"'([^']*)'", args):
                path = os.path.normpath(os.path.join("src", "daemon", area, name))
                roles.setdefault(path, []).append((role, mb))
    return roles


def check(root):
    errors = []
    t = Tree(root)

    def bad(path, inc, why):
        errors.append("layering: %s: includes %s: %s" % (path, inc, why))

    def top(p):
        return p.split("/")[1] if p.startswith("src/") else p.split("/")[0]

    # Rules 1-3: direct includes by layer.
    allowed = {
        "src/proto": ("proto", "common"),
        "src/common": ("common",),
    }
    for layer, ok in allowed.items():
        for path in sources(root, layer):
            for kind, name, res in t.includes(path):
                if kind == "<":
                    continue
                if res is None or not res.startswith("src/") or top(res) not in ok:
                    bad(path, '"%s"' % name, "%s/ may include only %s and system headers"
                        % (layer, ", ".join(o + "/" for o in ok)))
    for layer in ("lib", "src/ctl", "src/netlink", "src/ha"):
        for path in sources(root, layer):
            for kind, name, res in t.includes(path):
                if res and res.startswith("src/daemon/"):
                    bad(path, '"%s"' % name, "%s/ must not depend on the daemon" % layer)

    # Rule 4: another folder's private header.
    for path in sources(root, "src/daemon"):
        for kind, name, res in t.includes(path):
            if not res or not res.endswith("_priv.h") or area_of(res) == area_of(path):
                continue
            if res == ENGINE_PRIV and os.path.basename(path).startswith("engine_") \
                    and path.endswith(".c"):
                continue   # the engine process's header, for its engine_*.c files
            bad(path, '"%s"' % name, "the private header of daemon/%s/ (only engine_*.c "
                "files may include another folder's engine/engine_priv.h)" % area_of(res))

    # Rule 6: role lists against the files.
    roles = parse_roles(root, errors)
    for path, lst in sorted(roles.items()):
        mb = lst[0][1]
        if not os.path.isfile(os.path.join(root, path)):
            errors.append("layering: %s: lists %s, which does not exist" % (mb, path))
            continue
        if len(lst) > 1:
            errors.append("layering: %s: in more than one role list (%s)"
                          % (path, ", ".join(r for r, _ in lst)))
        role = lst[0][0]
        if os.path.dirname(mb) != os.path.dirname(path):
            errors.append("layering: %s: listed by %s, not by its own folder's meson.build"
                          % (path, mb))
        base = os.path.basename(path)
        want = None
        if base.startswith("kern_"):
            want = "daemon_priv"
        elif base.startswith("engine_"):
            want = "daemon_engine"
        elif area_of(path) == "core":
            want = "daemon_core"
        if want and role != want:
            errors.append("layering: %s: in %s, but its name or folder says %s"
                          % (path, role, want))
        if role == "daemon_core" and area_of(path) != "core":
            errors.append("layering: %s: in daemon_core, which only core/ files are" % path)
    for path in sources(root, "src/daemon"):
        if path.endswith(".c") and path not in roles:
            errors.append("layering: %s: in no role list (add it to daemon_<role> in "
                          "src/daemon/%s/meson.build)" % (path, area_of(path)))

    # Rule 5: what each role's files reach.
    for path, lst in sorted(roles.items()):
        role = lst[0][0]
        if role not in ("daemon_net", "daemon_engine", "daemon_pure") or \
                not os.path.isfile(os.path.join(root, path)):
            continue
        for reached, chain in sorted(t.closure(path).items()):
            why = None
            if reached.startswith("src/daemon/kern/"):
                why = "%s files must not reach privileged daemon/kern/ headers" % role
            elif reached == ENGINE_PRIV and role in ("daemon_net", "daemon_pure"):
                why = "%s files must not reach the engine's private header" % role
            elif role == "daemon_pure" and (reached.startswith("<event2/")
                                            or reached in ("<event.h>", "<evdns.h>")):
                why = "daemon_pure files must not use libevent"
            if why:
                via = " (via %s)" % " -> ".join(chain[1:-1]) if len(chain) > 2 else ""
                bad(path, chain[-1] + via, why)
    return errors


# ---- self-test: a small tree of our own, one planted violation at a time.

GOOD = {
    "src/proto/p.h": '#include <stdint.h>\n#include "common/c.h"\n',
    "src/proto/p.c": '#include "proto/p.h"\n',
    "src/common/c.h": "#include <stddef.h>\n",
    "lib/l.c": '#include "l_priv.h"\n#include "mif/mif.h"\n',
    "lib/l_priv.h": "",
    "include/mif/mif.h": "",
    "src/ctl/x.c": '#include "common/c.h"\n',
    "src/netlink/n.c": '#include "common/c.h"\n#include "proto/p.h"\n',
    "src/daemon/core/meson.build": "daemon_core += files('mifd.c')\n",
    "src/daemon/core/mifd.c": '#include "daemon/kern/kern.h"\n#include "daemon/core/consts.h"\n',
    "src/daemon/core/consts.h": "",
    "src/daemon/kern/meson.build": "daemon_priv += files('kern.c')\n",
    "src/daemon/kern/kern.h": '#include "daemon/core/consts.h"\n',
    "src/daemon/kern/kern_priv.h": "",
    "src/daemon/kern/kern.c": '#include "daemon/kern/kern_priv.h"\n',
    "src/daemon/engine/meson.build": "daemon_engine += files('engine.c')\n"
                                     "daemon_pure += files('view.c')\n",
    "src/daemon/engine/engine_priv.h": '#include "daemon/core/consts.h"\n',
    "src/daemon/engine/engine.c": '#include "daemon/engine/engine_priv.h"\n',
    "src/daemon/engine/view.c": '#include "proto/p.h"\n',
    "src/daemon/dns/meson.build": "# a comment naming daemon_net += files('nothing.c')\n"
                                  "daemon_pure += files('cache.c')\n"
                                  "daemon_engine += files('engine_dns.c')\n"
                                  "daemon_net += files('stub.c',\n  'stub_tx.c')\n",
    "src/daemon/dns/stub_priv.h": '#include <event2/event.h>\n',
    "src/daemon/dns/stub.c": '#include "daemon/dns/stub_priv.h"\n',
    "src/daemon/dns/stub_tx.c": '/* #include "daemon/kern/kern.h" */\n#include "stub_priv.h"\n',
    "src/daemon/dns/cache.c": '#include "proto/p.h"\n',
    "src/daemon/dns/engine_dns.c": '#include "daemon/engine/engine_priv.h"\n',
}

# (what to change, a fragment the message must hold)
PLANTS = [
    ({"src/proto/p.c": '#include "daemon/dns/stub_priv.h"\n'}, "src/proto/p.c: includes"),
    ({"src/proto/p.c": '#include "mif/mif.h"\n'}, "src/proto/ may include only"),
    ({"src/common/c.h": '#include "proto/p.h"\n'}, "src/common/c.h: includes \"proto/p.h\""),
    ({"lib/l.c": '#include "daemon/core/consts.h"\n'}, "lib/ must not depend on the daemon"),
    ({"src/ctl/x.c": '#include "daemon/engine/engine_priv.h"\n'}, "src/ctl/x.c"),
    ({"src/netlink/n.c": '#include "daemon/kern/kern.h"\n'}, "src/netlink/n.c: includes"),
    ({"src/daemon/engine/engine.c": '#include "daemon/kern/kern_priv.h"\n'},
     "the private header of daemon/kern/"),
    ({"src/daemon/dns/stub.c": '#include "daemon/engine/engine_priv.h"\n'},
     "the private header of daemon/engine/"),
    ({"src/daemon/dns/cache.c": '#include "daemon/engine/engine_priv.h"\n'},
     "the private header of daemon/engine/"),
    ({"src/daemon/engine/engine_priv.h": '#include "daemon/kern/kern.h"\n'},
     "src/daemon/engine/engine.c: includes src/daemon/kern/kern.h (via "
     "src/daemon/engine/engine_priv.h): daemon_engine files must not reach privileged"),
    ({"src/daemon/dns/stub_priv.h": '#include "daemon/kern/kern.h"\n'},
     "src/daemon/dns/stub.c: includes src/daemon/kern/kern.h (via"),
    ({"src/daemon/dns/stub_priv.h": '#include "daemon/engine/engine_priv.h"\n'},
     "daemon_net files must not reach the engine's private header"),
    ({"src/daemon/engine/view.c": '#include <event2/event.h>\n'},
     "daemon_pure files must not use libevent"),
    ({"src/daemon/engine/view.c": '#include "daemon/kern/kern.h"\n'},
     "src/daemon/engine/view.c: includes src/daemon/kern/kern.h: daemon_pure"),
    ({"src/daemon/dns/extra.c": ""}, "src/daemon/dns/extra.c: in no role list"),
    ({"src/daemon/dns/meson.build": "daemon_pure += files('cache.c', 'stub.c')\n"
                                    "daemon_engine += files('engine_dns.c')\n"
                                    "daemon_net += files('stub.c', 'stub_tx.c')\n"},
     "src/daemon/dns/stub.c: in more than one role list"),
    ({"src/daemon/dns/meson.build": "daemon_pure += files('cache.c', 'engine_dns.c')\n"
                                    "daemon_net += files('stub.c', 'stub_tx.c')\n"},
     "src/daemon/dns/engine_dns.c: in daemon_pure, but its name or folder says daemon_engine"),
    ({"src/daemon/dns/meson.build": "daemon_pure += files('cache.c', 'gone.c')\n"
                                    "daemon_engine += files('engine_dns.c')\n"
                                    "daemon_net += files('stub.c', 'stub_tx.c')\n"},
     "lists src/daemon/dns/gone.c, which does not exist"),
    ({"src/daemon/dns/meson.build": "daemon_pure += files('cache.c', '../engine/view.c')\n"
                                    "daemon_engine += files('engine_dns.c')\n"
                                    "daemon_net += files('stub.c', 'stub_tx.c')\n"},
     "not by its own folder's meson.build"),
    ({"src/daemon/dns/meson.build": "extra = files('cache.c')\ndaemon_pure += extra\n"
                                    "daemon_engine += files('engine_dns.c')\n"
                                    "daemon_net += files('stub.c', 'stub_tx.c')\n"},
     "cannot check it"),
]


def self_test():
    failures = 0

    def run(tree):
        with tempfile.TemporaryDirectory(prefix="layering-") as d:
            for p, text in tree.items():
                os.makedirs(os.path.join(d, os.path.dirname(p)), exist_ok=True)
                with open(os.path.join(d, p), "w", encoding="utf-8") as f:
                    f.write(text)
            return check(d)

    errs = run(GOOD)
    if errs:
        print("self-test: the clean tree was refused:\n  " + "\n  ".join(errs))
        failures += 1
    for change, want in PLANTS:
        tree = dict(GOOD)
        for p, text in change.items():
            # A planted include goes before the file's own lines; a
            # meson.build is replaced whole.
            tree[p] = text if p.endswith("meson.build") else text + GOOD.get(p, "")
        errs = run(tree)
        if not any(want in e for e in errs):
            print("self-test: planting %s was not caught as '%s'; got:\n  %s"
                  % (change, want, "\n  ".join(errs) or "(nothing)"))
            failures += 1
    print("layering self-test: %d cases, %d failed" % (len(PLANTS) + 1, failures))
    return 1 if failures else 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    errors = check(os.path.abspath(root))
    for e in errors:
        print(e)
    if errors:
        print("layering: %d violation(s) of the include rules (doc/architecture.md, "
              "\"Include rules\")" % len(errors))
        return 1
    print("layering: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
