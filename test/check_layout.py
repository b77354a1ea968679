#!/usr/bin/env python3
"""test/check_layout.py — the source tree keeps the shape the README describes.

Run from the repository root after `make` (it reads the object files):

  core         every src/core/*.c compiles without the server's include path
  includes     no server file includes a core-internal header (cm_internal.h,
               cm_json.h), no core file a server header
  cycles       no two files (or longer rings of files) call each other:
               a file's undefined symbols (nm) point at the file defining them
  version      the version is written once: cmodel.control's default_version,
               which META.json, the built install script and the upgrade
               chain follow (cmodel--0.1.0 reaches it with no gap)

Prints one "ok"/"not ok" line per check and closes with
"N passed, N failed"; exits 1 when a check failed.
"""
import glob
import json
import os
import re
import subprocess
import sys

results = []


def check(ok, name, detail=""):
    results.append(ok)
    print(("ok" if ok else "not ok") + " - " + name + (": " + detail if detail and not ok else ""))


def core_compiles_alone():
    cc = os.environ.get("HOSTCC", "cc")
    for src in sorted(glob.glob("src/core/*.c")):
        proc = subprocess.run([cc, "-std=c11", "-D_GNU_SOURCE", "-fsyntax-only", "-Wall", "-Isrc/core", src],
                              capture_output=True, text=True)
        check(proc.returncode == 0, "core file %s compiles without server headers" % src,
              proc.stderr.strip()[:500])


def includes():
    internal = re.compile(r'#include\s+"(cm_internal\.h|cm_json\.h)"')
    server = re.compile(r'#include\s+[<"](postgres\.h|postgres_fe\.h|fmgr\.h|cmodel\.h|executor/|utils/|catalog/|access/|nodes/)')
    bad = []
    for f in sorted(glob.glob("src/server/*.[ch]")):
        for n, line in enumerate(open(f), 1):
            if internal.search(line):
                bad.append("%s:%d %s" % (f, n, line.strip()))
    check(not bad, "server files include only the core's public header (cm_core.h)", "; ".join(bad))
    bad = []
    for f in sorted(glob.glob("src/core/*.[ch]")):
        for n, line in enumerate(open(f), 1):
            if server.search(line):
                bad.append("%s:%d %s" % (f, n, line.strip()))
    check(not bad, "core files include no server header", "; ".join(bad))


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True, text=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3}
    out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True).stdout
    undefined = {l.split()[-1] for l in out.splitlines() if l.split()}
    return defined, undefined


def cycles():
    objs = sorted(glob.glob("src/core/*.o") + glob.glob("src/server/*.o"))
    if not objs:
        check(False, "object files to read", "run make first")
        return
    defs, uses = {}, {}
    for o in objs:
        defs[o], uses[o] = symbols(o)
    owner = {}
    for o, ds in defs.items():
        for d in ds:
            owner[d] = o
    graph = {o: sorted({owner[u] for u in uses[o] if u in owner and owner[u] != o}) for o in objs}
    # Tarjan's strongly connected components: any with two or more files is a cycle.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in objs:
        if v not in index:
            visit(v)
    rings = [sorted(c) for c in comps if len(c) > 1]
    check(not rings, "no import cycles between %d files" % len(objs),
          "; ".join(" <-> ".join(os.path.basename(x)[:-2] + ".c" for x in r) for r in rings))
    core = [o for o in objs if o.startswith("src/core/")]
    leaks = ["%s -> %s" % (o, w) for o in core for w in graph[o] if w.startswith("src/server/")]
    check(not leaks, "the core calls nothing of the server", "; ".join(leaks))


def version():
    control = open("cmodel.control").read()
    m = re.search(r"^default_version = '([^']+)'", control, re.M)
    check(m is not None, "cmodel.control has a default_version")
    if not m:
        return
    v = m.group(1)
    meta = json.load(open("META.json"))
    check(meta.get("version") == v, "META.json version is %s" % v, "META.json says %s" % meta.get("version"))
    prov = meta.get("provides", {}).get("cmodel", {})
    check(prov.get("version") == v, "META.json provides cmodel %s" % v, "it says %s" % prov.get("version"))
    check(os.path.exists(prov.get("file", "")), "META.json's provided file exists", prov.get("file", ""))
    check(os.path.exists("LICENSE"), "LICENSE exists")
    git = subprocess.run(["git", "-c", "safe.directory=*", "ls-files", "sql/cmodel--%s.sql" % v],
                         capture_output=True, text=True)
    tracked = git.stdout.strip() if git.returncode == 0 else ""     # not a clone: nothing to ask
    check(tracked == "" and os.path.exists("sql/cmodel.sql"),
          "the install script of %s is built from sql/cmodel.sql, not kept" % v, tracked)
    steps = {}
    for f in glob.glob("sql/cmodel--*--*.sql"):
        a, b = re.match(r"sql/cmodel--(.+)--(.+)\.sql$", f).groups()
        steps.setdefault(a, []).append(b)
    seen, todo = {"0.1.0"}, ["0.1.0"]
    while todo:
        for b in steps.get(todo.pop(), []):
            if b not in seen:
                seen.add(b)
                todo.append(b)
    check(os.path.exists("sql/cmodel--0.1.0.sql") and v in seen,
          "the upgrade chain reaches %s from 0.1.0" % v, "reached: %s" % ", ".join(sorted(seen)))


core_compiles_alone()
includes()
cycles()
version()
failed = results.count(False)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
