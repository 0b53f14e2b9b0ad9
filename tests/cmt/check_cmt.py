#!/usr/bin/env python3
"""Validation of the CMT timing model through vfsim-bare: latencies read back by pointer
chasing, thread-group issue limits, and memory-level parallelism. Each check asserts on
simulated cycles and time reported by the simulator itself."""
import json, os, subprocess, sys, tempfile

BARE, EXAMPLES, CHECK = sys.argv[1], sys.argv[2], sys.argv[3]

def run(args, prog):
    with tempfile.NamedTemporaryFile(suffix=".json") as js:
        out = subprocess.run([BARE, *args, "--stats-json", js.name, os.path.join(EXAMPLES, prog)],
                             capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            sys.exit(f"vfsim-bare {' '.join(args)} {prog}: exit {out.returncode}\n{out.stdout}{out.stderr}")
        return out.stdout, json.load(open(js.name))

def curve(args):
    text, _ = run(args, "bare_chase")
    return {int(a): float(b) for a, b in (l.split() for l in text.splitlines())}

def near(name, got, want, tol):
    ok = abs(got - want) <= tol * want
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {got:.2f} (expected {want:.2f} within {tol:.0%})")
    return ok

ok = True
if CHECK == "latency":
    # T5240 at 1415 MHz: L1 hit 3, L2 hit 22 cycles, memory 152 ns = 215 cycles; the chase
    # loop adds 3 cycles of its own per step (measured as L1 minus the L1 latency).
    c = curve(["--platform", "T5240"])
    loop = c[2] - 3
    ok &= near("L1 hit (2-6 KB), cycles", c[4] - loop, 3, 0.05)
    ok &= near("L2 hit (16 KB-2 MB), cycles", c[256] - loop, 22, 0.05)
    mem_ns = (c[32768] - loop) / 1.415
    ok &= near("local memory (32 MB), ns", mem_ns, 152, 0.10)
    ok &= all(abs(c[k] - c[4]) < 0.5 for k in (2, 6)) and all(abs(c[k] - c[256]) < 0.5 for k in (16, 64, 1024, 2048))
    print(("ok  " if ok else "FAIL") + " plateaus are flat within each level")
elif CHECK == "remote":
    # A strand on socket 1 chasing memory homed on socket 0 (1 GB interleave): every miss is
    # remote, +60 ns on the glueless T5240, +60 +30 ns through a Zambezi hub on the T5440.
    for plat, extra in (("T5240", 60), ("T5440", 90)):
        local, remote = curve(["--platform", plat]), curve(["--platform", plat, "--cpus", "64"])
        ok &= near(f"{plat}: remote memory from socket 1, ns", (remote[32768] - local[2] + 3) / 1.415,
                   152 + extra, 0.05)
        ok &= near(f"{plat}: L2 hit from socket 1 stays local, cycles", remote[256], local[256], 0.01)
    # 512 B socket interleave: on 2 sockets half the lines are remote (+60 ns), on the
    # 4-socket T5440 three quarters (+60 ns, +30 ns through a Zambezi hub).
    for plat, frac, extra in (("T5240", 0.5, 60), ("T5440", 0.75, 90)):
        f = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
        f.write(f'name = "{plat}-512B"\nbase = "{plat}"\ninterleave_512b_ceiling_gb = 64\n')
        f.close()
        local = curve(["--platform", plat])
        mixed = curve(["--platform", f.name])
        os.unlink(f.name)
        ok &= near(f"{plat}: average memory latency with 512 B interleave, ns",
                   (mixed[32768] - local[2] + 3) / 1.415, 152 + frac * extra, 0.05)
elif CHECK == "issue":
    def core_ipc(args):
        _, j = run(args, "bare_compute")
        c = j["cores"]
        return sum(x["instructions"] for x in c) / max(x["cycles"] for x in c)
    one = core_ipc(["--strands", "1", "--pack"])
    tg = core_ipc(["--strands", "4", "--pack"])    # strands 0-3: one thread group
    full = core_ipc(["--strands", "8", "--pack"])  # both thread groups
    ok &= one <= 1.0 and near("1 strand, IPC", one, 1.0, 0.05)
    ok &= tg <= 1.0 and near("4 strands of one thread group, core IPC (at most 1)", tg, 1.0, 0.05)
    ok &= full <= 2.0 and near("8 strands on one core, core IPC (close to 2)", full, 2.0, 0.05)
elif CHECK == "mlp":
    # Aggregate chase throughput of 8 strands on one core against one strand, measured from
    # the %stick (core cycle) values each strand prints around its chase.
    def throughput(n):
        text, _ = run(["--strands", str(n), "--pack"], "bare_memchase")
        spans = [tuple(map(int, l.split()[2:4])) for l in text.splitlines() if l.startswith("chase")]
        assert len(spans) == n, text
        return 20000 * n / (max(b for _, b in spans) - min(a for a, _ in spans))
    one, eight = throughput(1), throughput(8)
    print(f"1 strand: {1 / one:.1f} cycles per load; 8 strands: {1 / eight:.1f} cycles per load (aggregate)")
    speedup = eight / one
    ok &= speedup >= 4
    print(("ok  " if speedup >= 4 else "FAIL") + f" 8 strands hide memory latency: aggregate throughput {speedup:.2f}x one strand (at least 4x)")
elif CHECK == "bandwidth":
    # Memory controllers: 2 per socket at 10.6 GB/s each. 64 strands chasing at once (one
    # socket, barrier before the chase) saturate them; 8 strands (one core) do not.
    peak = 2 * 10.6
    def gbps(n, plat="T5240"):
        text, _ = run(["--platform", plat, "--strands", str(n), "--pack"], f"bare_bwchase{n}")
        spans = [tuple(map(int, l.split()[2:4])) for l in text.splitlines() if l.startswith("chase")]
        assert len(spans) == n, text
        ns = (max(b for _, b in spans) - min(a for a, _ in spans)) / 1.415
        return n * 5000 * 64 / ns
    b8, b64 = gbps(8), gbps(64)
    print(f"read bandwidth: 8 strands {b8:.1f} GB/s, 64 strands {b64:.1f} GB/s (peak {peak:.1f})")
    ok &= b8 < 0.3 * peak
    print(("ok  " if b8 < 0.3 * peak else "FAIL") + " one core's 8 strands stay well below the peak")
    ok &= near("64 strands saturate the socket's memory controllers, GB/s", b64, 0.9 * peak, 0.12) and b64 <= peak
    # The T2 (T5220, same clock) has 4 memory controllers, a bank pair each (PA[8:7]): the same
    # 64 strands are no longer capped at 2 controllers' rate; their latency (one miss each)
    # limits them below the 4 controllers' 42.4 GB/s.
    t2 = gbps(64, "T5220")
    print(f"T5220 (4 MCUs): 64 strands {t2:.1f} GB/s (T5240 socket {b64:.1f}, T2 peak {2 * peak:.1f})")
    ok &= t2 > 1.15 * b64 and t2 <= 2 * peak
    print(("ok  " if t2 > 1.15 * b64 and t2 <= 2 * peak else "FAIL") + " the T2's 4 controllers carry more than the T2 Plus socket's 2, below their own peak")
elif CHECK == "lsu":
    # One load/store unit per core: with 8 strands of a load-heavy loop the core never issues
    # more than one memory instruction per cycle, and the thread groups do contend for it.
    _, j = run(["--strands", "8", "--pack"], "bare_l1loads")
    loads = sum(s["loads"] for s in j["strands"])
    cycles = j["cores"][0]["cycles"]
    conflicts = sum(s.get("unit_conflicts", 0) for s in j["strands"])
    _, j4 = run(["--strands", "4", "--pack"], "bare_l1loads")   # one thread group only
    conflicts4 = sum(s.get("unit_conflicts", 0) for s in j4["strands"])
    print(f"8 strands: {loads} loads in {cycles} core cycles ({loads / cycles:.2f} per cycle), "
          f"{conflicts} LSU conflicts; 4 strands of one group: {conflicts4} conflicts")
    ok &= loads / cycles <= 1.0 and conflicts > 0 and conflicts4 == 0
    print(("ok  " if ok else "FAIL") + " at most one load per core cycle; the two groups contend, one group alone never does")
elif CHECK == "l2banks":
    # 64 strands of one socket hit L2 lines in a single bank (stride 512 B) or spread over the
    # 8 banks (stride 576 B). One bank serves a request every 2 cycles, so the single-bank
    # case is capped at 0.5 accesses per cycle; spread out, each access costs about the L2
    # hit latency.
    def chase(prog):
        text, _ = run(["--strands", "64", "--pack"], prog)
        spans = [tuple(map(int, l.split()[2:4])) for l in text.splitlines() if l.startswith("chase")]
        assert len(spans) == 64, text
        per_step = sum(b - a for a, b in spans) / len(spans) / 4000
        return per_step, 64 / per_step   # all 64 chase at once: aggregate accesses per cycle
    same_step, same_rate = chase("bare_l2bank_same")
    spread_step, spread_rate = chase("bare_l2bank_spread")
    print(f"one bank: {same_step:.1f} cycles per access, {same_rate:.2f} accesses/cycle; "
          f"8 banks: {spread_step:.1f} cycles per access, {spread_rate:.2f} accesses/cycle")
    ok &= 0.4 <= same_rate <= 0.52
    print(("ok  " if 0.4 <= same_rate <= 0.52 else "FAIL") + " one bank saturates at one access per 2 cycles")
    ok &= near("8 banks: cycles per chase step (L2 hit 22 + loop 3)", spread_step, 25, 0.25)
elif CHECK == "tlb":
    # With --tlb, a DTLB of 128 entries over 8 KB pages (1 MB of reach): a chase within 1 MB
    # never misses; over N pages a random chase misses with probability 1 - 128/N. Each miss
    # is a hardware tablewalk: the walker's 8 cycles plus the read of one 16-byte entry of the
    # notional TSB through the L2. Those entries (at most 4096 x 16 B = 64 KB here) are
    # reused far more often than the chase's own lines, so they stay in the L2: 8 + 22 = 30.
    # (The L2 latency is read off the chase itself: the 256 KB plateau less the loop's own 3.)
    base, t = curve(["--platform", "T5240"]), curve(["--platform", "T5240", "--tlb"])
    l2 = base[256] - (base[2] - 3)
    ok &= near("1 MB (128 pages) with TLB timing, cycles", t[1024], base[1024], 0.01)
    for kb in (2048, 32768):
        pages = kb * 1024 // 8192
        ok &= near(f"{kb} KB ({pages} pages) with TLB timing, cycles", t[kb],
                   base[kb] + (8 + l2) * (1 - 128 / pages), 0.03)
elif CHECK == "tlb_reach":
    # TLB reach is 128 entries x page size: 1 MB with 8 KB pages, 8 MB with 64 KB, 512 MB
    # with 4 MB, 32 GB with 256 MB. Within its reach a chase pays nothing for translation;
    # beyond it a random chase over N pages misses with probability 1 - 128/N, 8 + L2 each.
    base = curve(["--platform", "T5240"])
    l2 = base[256] - (base[2] - 3)   # the L2 latency, as the chase measures it
    for ps, shift in (("8k", 13), ("64k", 16), ("4m", 22), ("256m", 28)):
        text, j = run(["--platform", "T5240", "--tlb", "--page-size", ps], "bare_chase")
        t = {int(a): float(b) for a, b in (l.split() for l in text.splitlines())}
        dmiss = sum(s["dtlb_misses"] for s in j["strands"])
        for kb in sorted(base):
            pages = max(1, kb * 1024 >> shift)
            extra = (8 + l2) * (1 - 128 / pages) if pages > 128 else 0
            # within reach: no more than the few code/stack pages' walks (0.5 %)
            ok &= near(f"{ps} pages, {kb} KB chase ({pages} pages), cycles per step", t[kb], base[kb] + extra,
                       0.03 if extra else 0.005)
        reach_kb = (128 << shift) >> 10
        beyond = [kb for kb in base if kb > reach_kb]
        print(f"     {ps}: reach {reach_kb} KB, chase sizes beyond it: {beyond}; DTLB misses in the run: {dmiss}")
        if shift >= 22:   # the whole chase (32 MB) fits: only the first touch of each page misses
            ok &= dmiss < 64
            print(("ok  " if dmiss < 64 else "FAIL") + f" {ps}: DTLB misses {dmiss} (fewer than 64)")
        else:             # 8K and 64K pages: the 32 MB chase misses on most steps
            ok &= dmiss > 100000
            print(("ok  " if dmiss > 100000 else "FAIL") + f" {ps}: DTLB misses {dmiss} (more than 100000)")
elif CHECK == "tlb_walk":
    # The walk reads its TSB entry through the L2 by physical address. bare_hello on 256 MB
    # pages misses the ITLB once and the DTLB once, and both walks read the same entry of the
    # notional TSB in the top 128 KB of memory, which the T5240's 1 GB interleave homes on
    # socket 1. The first read misses the L2: 8 + memory, remote from socket 0 (152 + 60 ns =
    # 300 cycles today), local from socket 1 (152 ns = 215); the second hits it: 8 + L2 (22).
    # The latencies are read off the plain chase (32 MB: memory; 256 KB: L2; less the loop's
    # own cycles), from strand 0 (its memory local) and strand 64 (the same memory remote).
    local, remote = curve(["--platform", "T5240"]), curve(["--platform", "T5240", "--cpus", "64"])
    loop = local[2] - 3
    l2, mem_local, mem_remote = local[256] - loop, local[32768] - loop, remote[32768] - loop
    for cpus, mem in (("0", mem_remote), ("64", mem_local)):
        _, j = run(["--platform", "T5240", "--tlb", "--page-size", "256m", "--cpus", cpus], "bare_hello")
        st = [x for x in j["strands"] if x["instructions"]][0]
        ok &= st["itlb_misses"] == 1 and st["dtlb_misses"] == 1
        print(("ok  " if st["itlb_misses"] == 1 and st["dtlb_misses"] == 1 else "FAIL") +
              f" cpu {cpus}: one ITLB and one DTLB miss ({st['itlb_misses']}, {st['dtlb_misses']})")
        ok &= near(f"cpu {cpus}: tablewalk cycles (TSB entry from memory, then from the L2)", st["wait_tlb"],
                   (8 + mem) + (8 + l2), 0.05)
else:
    sys.exit("unknown check " + CHECK)
print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
sys.exit(0 if ok else 1)
