#!/usr/bin/env python3
"""The strand and cache trace categories in a VCD: vfsim-bare runs a small program on three
strands with --trace strand,cache --trace-file x.vcd; a small VCD reader then checks that each
started strand has a state variable that goes to running (1) and back to parked (0), that
strands never started have none, that the cores' miss counters and the memory's utilisation
are there, and that the file's timestamps increase.

Usage: trace_vcd.py VFSIM_BARE EXAMPLES_DIR"""
import os
import re
import subprocess
import sys
import tempfile

fails = 0


def check(name, ok):
    global fails
    print(("ok   " if ok else "FAIL ") + name)
    fails += 0 if ok else 1


def read_vcd(path):
    """(vars: {"scope.scope.name": id}, changes: {id: [(t, value)]}, times: [t ...])"""
    names, changes, times, scope = {}, {}, [], []
    t = None
    with open(path) as f:
        header = True
        for line in f:
            w = line.split()
            if not w:
                continue
            if header:
                if w[0] == "$scope":
                    scope.append(w[2])
                elif w[0] == "$upscope":
                    scope.pop()
                elif w[0] == "$var":   # $var real 64 ID NAME $end
                    names[".".join(scope + [w[4]])] = w[3]
                elif w[0] == "$enddefinitions":
                    header = False
                continue
            if w[0].startswith("#"):
                t = int(w[0][1:])
                times.append(t)
            elif w[0].startswith("r"):
                changes.setdefault(w[1], []).append((t, float(w[0][1:])))
            else:
                raise ValueError(f"unexpected VCD line: {line!r}")
    return names, changes, times


def main():
    bare, examples = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        vcd = os.path.join(tmp, "x.vcd")
        p = subprocess.run([bare, "--platform", "T5240", "--strands", "3", "--trace", "strand,cache",
                            "--trace-file", vcd, os.path.join(examples, "bare_hello")],
                           capture_output=True, text=True, timeout=300)
        check(f"vfsim-bare ran (rc={p.returncode})", p.returncode == 0)
        started = sorted(int(m) for m in re.findall(r"hello from strand (\d+)", p.stdout))
        check(f"three strands started: {started}", len(started) == 3)
        names, changes, times = read_vcd(vcd)

        for s in started:
            var = names.get(f"strands.strand{s}.state")
            values = [v for _, v in changes.get(var, [])]
            check(f"strand{s} has a state variable", var is not None)
            # running (1) first, parked (0) once its program has ended
            check(f"strand{s} state goes to running and back: {values}",
                  len(values) >= 2 and values[0] == 1 and values[-1] == 0 and 1 in values)
            busy = [v for _, v in changes.get(names.get(f"strands.strand{s}.busy"), [])]
            check(f"strand{s} busy is a fraction, above 0 while it ran: {busy[:4]}...",
                  busy and all(0 <= v <= 1 for v in busy) and max(busy) > 0)
            stall = names.get(f"strands.strand{s}.stall.load")
            check(f"strand{s} has load stall cycles", stall is not None and any(v > 0 for _, v in changes.get(stall, [])))
        never = [n for n in names if n.startswith("strands.strand1.")]
        check(f"a strand never started has no variables ({never})", not never)

        core_of = {s // 8 for s in started}   # 8 strands per core
        for c in sorted(core_of):
            for k in ("l1i_misses", "l1d_misses", "l2_misses"):
                var = names.get(f"services.core_{c}.{k}")
                check(f"core {c} {k} sampled, some nonzero",
                      var is not None and any(v > 0 for _, v in changes.get(var, [])))
        mcu = [n for n in names if re.fullmatch(r"services\.mcu_\d+\.utilisation", n)]
        check(f"memory controllers' utilisation variables: {len(mcu)}", len(mcu) >= 2)
        util = [v for n in mcu for _, v in changes.get(names[n], [])]
        check("utilisations are fractions", util and all(0 <= v <= 1 for v in util))

        check(f"timestamps strictly increase ({len(times)} of them)",
              len(times) > 2 and all(a < b for a, b in zip(times, times[1:])))
        check("every value change has a time", all(t is not None for ch in changes.values() for t, _ in ch))

        # Off: no categories, no file, and the same console output.
        q = subprocess.run([bare, "--platform", "T5240", "--strands", "3", os.path.join(examples, "bare_hello")],
                           capture_output=True, text=True, timeout=300)
        check("untraced run prints the same", q.returncode == 0 and q.stdout == p.stdout)
    print("all passed" if not fails else f"{fails} failed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
