#!/usr/bin/env python3
"""An independent reader of value change dumps (IEEE 1364 section 18, the subset waveform
viewers need): $scope/$var/$upscope/$enddefinitions in the header, then #TIME lines and
rVALUE ID / bBITS ID / 0ID / 1ID changes. Checks that scopes balance, each identifier is
declared once, times strictly increase, and every change names a declared variable.

Prints the timescale, then one line per variable in declaration order,
"scope.scope.name changes=N first=V last=V", then "times=N"; exits 1 (with the reason on
stderr) when the file breaks a rule.
Usage: vcd_read.py FILE.vcd
"""
import sys


def read(path):
    toks = open(path).read().split()
    i = 0
    scope, decl, order = [], {}, []
    timescale = ""
    changes = {}
    now = None
    ntimes = 0

    def until_end():
        nonlocal i
        words = []
        while i < len(toks) and toks[i] != "$end":
            words.append(toks[i])
            i += 1
        if i == len(toks):
            raise ValueError(f"{words[:1]} without $end")
        i += 1
        return words

    # Header
    while True:
        if i == len(toks):
            raise ValueError("no $enddefinitions")
        t = toks[i]
        i += 1
        if t in ("$date", "$version", "$comment"):
            until_end()
        elif t == "$timescale":
            timescale = "".join(until_end())
        elif t == "$scope":
            w = until_end()
            if len(w) != 2:
                raise ValueError(f"bad $scope {w}")
            scope.append(w[1])
        elif t == "$upscope":
            until_end()
            if not scope:
                raise ValueError("$upscope without $scope")
            scope.pop()
        elif t == "$var":
            w = until_end()
            if len(w) < 4:
                raise ValueError(f"bad $var {w}")
            kind, ident, name = w[0], w[2], w[3]
            if not scope:
                raise ValueError(f"$var {name} outside any scope")
            if ident in decl:
                raise ValueError(f"identifier {ident} declared twice")
            decl[ident] = (".".join(scope + [name]), kind)
            order.append(ident)
        elif t == "$enddefinitions":
            until_end()
            if scope:
                raise ValueError(f"scopes left open: {scope}")
            break
        else:
            raise ValueError(f"unexpected {t} in the header")

    # Value changes
    while i < len(toks):
        t = toks[i]
        i += 1
        if t.startswith("#"):
            n = int(t[1:])
            if now is not None and n <= now:
                raise ValueError(f"time #{n} after #{now}")
            now = n
            ntimes += 1
            continue
        if t in ("$dumpvars", "$dumpall", "$dumpon", "$dumpoff", "$end"):
            continue
        if t[0] in "rRbB":
            if i == len(toks):
                raise ValueError(f"{t} without an identifier")
            ident = toks[i]
            i += 1
            value = float(t[1:]) if t[0] in "rR" else int(t[1:], 2)
        elif t[0] in "01xXzZ":
            ident, value = t[1:], t[0]
        else:
            raise ValueError(f"unexpected {t} in the value changes")
        if ident not in decl:
            raise ValueError(f"change of undeclared identifier {ident}")
        if now is None:
            raise ValueError(f"change of {ident} before any #time")
        changes.setdefault(ident, []).append((now, value))
    return timescale, decl, order, changes, ntimes


def fmt(v):
    return f"{v:g}" if isinstance(v, float) else str(v)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        timescale, decl, order, changes, ntimes = read(sys.argv[1])
    except (ValueError, OSError) as e:
        print(f"vcd_read: {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    print(f"timescale={timescale}")
    for ident in order:
        c = changes.get(ident, [])
        first = fmt(c[0][1]) if c else "-"
        last = fmt(c[-1][1]) if c else "-"
        print(f"{decl[ident][0]} {decl[ident][1]} changes={len(c)} first={first} last={last}")
    print(f"times={ntimes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
