#!/usr/bin/python3
"""Timing validation of the CMT model (issue 18): runs every sweep of guest kernels with
vfsim-bare (bare metal) and vfsim-hv (as guests of the hypervisor), writes one CSV per sweep
to BUILD/timing-validation/, draws docs/img/timing-<sweep>.png and rewrites the tables of
model values against published figures in docs/timing-validation.md (between the
"<!-- table:NAME -->" and "<!-- end -->" markers). One command regenerates everything:

    scripts/timing_validation.py                 # all sweeps (minutes on 2 cores)
    scripts/timing_validation.py --only stream   # one sweep (repeatable, or a,b,c)
    scripts/timing_validation.py --plot-only     # plots and tables from the existing CSVs

Running needs only the standard library; the plots need python3-matplotlib (scripts/setup.sh).
The kernels are tests/cmt/{chase,chasers,stream,tlbchase}.c (built by examples/CMakeLists.txt)
and the firmware's chase and triad workloads (firmware/README.md)."""
import argparse, concurrent.futures, csv, json, os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLOCK = {"T5120": 1.165, "T5140": 1.165, "T5220": 1.415, "T5240": 1.415, "T5440": 1.415}   # GHz
STRANDS_PER_SOCKET = 64


class RunError(Exception):
    pass


def sh(cmd, timeout=1800):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RunError(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    return p.stdout


class Runner:
    def __init__(self, build, jobs):
        self.build = build
        self.bare = os.path.join(build, "bin", "vfsim-bare")
        self.hv = os.path.join(build, "bin", "vfsim-hv")
        self.ex = os.path.join(build, "examples")
        self.jobs = jobs
        help_text = subprocess.run([self.bare, "--help"], capture_output=True, text=True).stderr
        self.has_page_size = "--page-size" in help_text

    def bare_run(self, prog, args=(), kargs=(), stats=False):
        cmd = [self.bare, *args]
        for a in kargs:
            cmd += ["--arg", str(a)]
        js = None
        if stats:
            js = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
            js.close()
            cmd += ["--stats-json", js.name]
        out = sh(cmd + [os.path.join(self.ex, prog)])
        st = None
        if js:
            st = json.load(open(js.name))
            os.unlink(js.name)
        return out, st

    def hv_run(self, args, boot_file):
        return sh([self.hv, *args, "--boot-file", boot_file])

    def map(self, fn, items):
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as ex:
            return list(ex.map(fn, items))


def spans(text, tag):
    return [tuple(map(int, l.split()[1:5])) for l in text.splitlines() if l.startswith(tag + " ")]


def aggregate(sp, ghz):
    """bytes (or steps) summed over strands per ns of the whole span, and the span in ns"""
    t0, t1 = min(s[1] for s in sp), max(s[2] for s in sp)
    ns = (t1 - t0) / ghz
    return sum(s[3] for s in sp) / ns, ns


# --- the sweeps: each returns (header, rows) ------------------------------------------------

def sweep_latency(r):
    """Pointer chase against footprint: bare (T5220, T5240 local, T5240 from socket 1 =
    remote, T5440 remote) and as a guest (T5240, one vCPU, 8K pages through the TSB)."""
    rows = []
    cases = [("bare T5220", "T5220", []), ("bare T5240 local", "T5240", []),
             ("bare T5240 remote", "T5240", ["--cpus", "64"]), ("bare T5440 remote", "T5440", ["--cpus", "64"])]

    def bare(case):
        label, plat, extra = case
        out, _ = r.bare_run("bare_chase", ["--platform", plat, *extra])
        pts = [(int(a), float(b)) for a, b in (l.split() for l in out.splitlines())]
        loop = pts[0][1] - 3   # the loop's own cycles per step: the 2 KB (L1) point minus the 3-cycle L1 hit
        return [(label, plat, kb, round(c - loop, 2), round((c - loop) / CLOCK[plat], 2)) for kb, c in pts]

    for res in r.map(bare, cases):
        rows += res

    # The guest's vCPU is strand 0 (socket 0); its memory is placed at 2 GB (PA[30] = 0: socket
    # 0, local) or at 3 GB (socket 1, remote), as an ldm layout would place it (mblock=).
    def guest(case):
        at, kb = case
        out = r.hv_run(["--platform", "T5240", "--memory", f"128M@{at}"], f"chase footprint={kb}K steps=20000")
        m = re.search(r"vcpu 0: chase footprint=\d+ steps=(\d+) start=(\d+) end=(\d+)", out)
        if not m:
            raise RunError("guest chase: no result line\n" + out[-2000:])
        steps, t0, t1 = map(int, m.groups())
        return kb, (t1 - t0) / steps

    sizes = [8, 16, 64, 256, 1024, 2048, 8192, 32768]
    for label, at in (("guest T5240", "2G"), ("guest T5240 remote", "3G")):
        g = r.map(guest, [(at, kb) for kb in sizes])
        loop = g[0][1] - 3   # as for bare: the 8 KB point (one page, in L1) is a 3-cycle L1 hit plus the loop
        rows += [(label, "T5240", kb, round(c - loop, 2), round((c - loop) / CLOCK["T5240"], 2)) for kb, c in g]
    return ["series", "platform", "footprint_kb", "cycles", "ns"], rows


def sweep_chasers(r):
    """1-64 concurrent chasers (chasers.c mode 0), spread over cores (default placement, both
    sockets) and packed on as few cores as possible (--pack: socket 0 first)."""
    def one(case):
        n, pack = case
        out, _ = r.bare_run("bare_chasers", ["--strands", str(n)] + (["--pack"] if pack else []), [n, 0, 0, 3000])
        sp = spans(out, "chase")
        if len(sp) != n:
            raise RunError(f"chasers {n}: {len(sp)} results\n{out}")
        lat = sum((b - a) / s for _, a, b, s in sp) / n / CLOCK["T5240"]
        rate, _ = aggregate(sp, CLOCK["T5240"])   # loads per ns
        return ("pack" if pack else "spread", n, round(lat, 2), round(rate * 64, 3))
    cases = [(n, p) for p in (False, True) for n in (1, 2, 4, 8, 16, 32, 64)]
    return ["placement", "chasers", "latency_ns", "aggregate_GBps"], r.map(one, cases)


def sweep_loaded(r):
    """Latency of one chaser (cpu 0) while 0-56 strands on cores 1-7 of the same socket read
    their own arrays (chasers.c mode 1)."""
    def one(n):
        cpus = [0] + [8 * (1 + k % 7) + k // 7 for k in range(n)]
        out, _ = r.bare_run("bare_chasers", ["--cpus", ",".join(map(str, cpus))], [n + 1, 1, 0, 3000])
        (_, t0, t1, steps), = spans(out, "chase")
        st = spans(out, "stream")
        bw = sum(b / ((e - s) / CLOCK["T5240"]) for _, s, e, b in st)
        return (n, round(bw, 3), round((t1 - t0) / steps / CLOCK["T5240"], 2))
    return ["streamers", "stream_GBps", "chase_latency_ns"], r.map(one, [0, 4, 8, 16, 24, 32, 40, 48, 56])


STREAM_ELEMS = 1 << 20   # per array, over all strands: 8 MB, twice a socket's L2
KERNELS = {"copy": 0, "triad": 1, "rmw": 2, "read": 3}


def stream_point(r, kernel, n, sockets, place, pf, passes=1, stats=False):
    args = ["--strands", str(n)] + (["--pack"] if sockets == 1 else [])
    out, st = r.bare_run("bare_stream_pf" if pf else "bare_stream", args,
                         [n, KERNELS[kernel] | passes << 8, place, STREAM_ELEMS], stats)
    sp = spans(out, "stream")
    if len(sp) != n:
        raise RunError(f"stream {kernel} {n}: {len(sp)} results\n{out}")
    bw, ns = aggregate(sp, CLOCK["T5240"])
    return bw, ns, st


def sweep_rmw(r):
    """Streaming read-modify-write a[i] += k over private arrays, 1-64 strands of socket 0."""
    def one(n):
        bw, ns, st = stream_point(r, "rmw", n, 1, 0, False, stats=True)
        dram = sum(x["memory_bytes"] for x in st["l2"])
        return (n, round(bw, 3), round(ns), dram)
    return ["strands", "GBps", "ns", "memory_bytes"], r.map(one, [1, 2, 4, 8, 16, 32, 64])


def sweep_stream(r):
    """STREAM copy and triad, 1-128 strands, 1 socket (--pack, up to 64) or 2 (spread),
    data local or remote (the other socket), without and with software prefetch."""
    cases = []
    for kernel in ("copy", "triad"):
        for sockets in (1, 2):
            for n in (1, 2, 4, 8, 16, 32, 64, 128):
                if sockets == 1 and n > 64:
                    continue
                for place in (0, 1):
                    for pf in (False, True):
                        cases.append((kernel, sockets, n, place, pf))

    def one(c):
        kernel, sockets, n, place, pf = c
        bw, ns, _ = stream_point(r, kernel, n, sockets, place, pf)
        return (kernel, sockets, "remote" if place else "local", int(pf), n, round(bw, 3), round(ns))
    rows = r.map(one, cases)

    def guest(n):   # triad as a guest: n vCPUs on socket 0's first strands, 24 MB in all
        fp = max(24, (24 * 1024 // n) // 24 * 24)
        out = r.hv_run(["--platform", "T5240", "--vcpus", str(n), "--memory", "512M@2G"], f"triad footprint={fp}K")
        res = [tuple(map(int, m)) for m in re.findall(r"triad footprint=\d+ bytes=(\d+) start=(\d+) end=(\d+)", out)]
        if len(res) != n:
            raise RunError(f"guest triad {n}: {len(res)} results\n{out[-2000:]}")
        ns = (max(e for _, _, e in res) - min(s for _, s, _ in res)) / CLOCK["T5240"]
        return ("triad-guest", 1, "guest", 0, n, round(sum(b for b, _, _ in res) / ns, 3), round(ns))
    rows += r.map(guest, [1, 2, 4, 8, 16, 32, 64])
    return ["kernel", "sockets", "placement", "prefetch", "strands", "GBps", "ns"], rows


def sweep_tlb(r):
    """Random chase over 64 KB-1 GB: real addressing (no TLB), --tlb (8 KB pages), and each
    --page-size once vfsim-bare has it."""
    modes = [("none", []), ("8k", ["--tlb"])]
    if r.has_page_size:
        modes = [("none", [])] + [(ps, ["--tlb", "--page-size", ps]) for ps in ("8k", "64k", "4m", "256m")]
    cases = [(m, a, 64 << 10 << k) for m, a in modes for k in range(0, 15, 2)]

    def one(c):
        mode, args, fp = c
        out, _ = r.bare_run("bare_tlbchase", args, [fp, 20000])
        (_, t0, t1, steps), = spans(out, "tlb")
        cyc = (t1 - t0) / steps
        return (mode, fp >> 10, round(cyc, 2), round(cyc / CLOCK["T5240"], 2))
    return ["pages", "footprint_kb", "cycles", "ns"], r.map(one, cases)


def sweep_checks(r):
    """Numbers the cmt checks assert: prefetch speed-up, DRAM bytes per copied element, NUMA."""
    plain, _, _ = stream_point(r, "read", 1, 1, 0, False)
    pf, _, _ = stream_point(r, "read", 1, 1, 0, True)
    def traffic(passes):
        _, _, st = stream_point(r, "copy", 32, 1, 0, False, passes, stats=True)
        return sum(x["memory_bytes"] for x in st["l2"])
    per_elem = (traffic(3) - traffic(1)) / 2 / STREAM_ELEMS
    loc, _, _ = stream_point(r, "triad", 64, 1, 0, False)
    rem, _, _ = stream_point(r, "triad", 64, 1, 1, False)
    return ["quantity", "value"], [("read_1strand_GBps", round(plain, 3)), ("read_1strand_prefetch_GBps", round(pf, 3)),
                                   ("copy_dram_bytes_per_element", round(per_elem, 2)),
                                   ("triad64_local_GBps", round(loc, 3)), ("triad64_remote_GBps", round(rem, 3))]


SWEEPS = {"latency": sweep_latency, "chasers": sweep_chasers, "loaded": sweep_loaded, "rmw": sweep_rmw,
          "stream": sweep_stream, "tlb": sweep_tlb, "checks": sweep_checks}


# --- plots ------------------------------------------------------------------------------------

def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def plot(name, rows, img):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5))
    def series(key):
        out = {}
        for x in rows:
            out.setdefault(key(x), []).append(x)
        return out
    if name == "latency":
        for label, pts in series(lambda x: x["series"]).items():
            ax.plot([int(p["footprint_kb"]) for p in pts], [float(p["ns"]) for p in pts], marker="o", label=label)
        ax.axhline(152, color="k", ls="--", lw=0.8, label="published: 152 ns idle, T5220 (libMicro memrand)")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("footprint (KB)")
        ax.set_ylabel("load-to-use latency (ns)")
    elif name == "chasers":
        for label, pts in series(lambda x: x["placement"]).items():
            ax.plot([int(p["chasers"]) for p in pts], [float(p["latency_ns"]) for p in pts], marker="o", label=label)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("concurrent chasers")
        ax.set_ylabel("mean load latency (ns)")
    elif name == "loaded":
        ax.plot([float(p["stream_GBps"]) for p in rows], [float(p["chase_latency_ns"]) for p in rows], marker="o",
                label="1 chaser beside 0-56 readers (socket 0)")
        ax.axvline(21.33, color="k", ls="--", lw=0.8, label="peak read, one T2 Plus socket (21.33 GB/s)")
        ax.set_xlabel("readers' bandwidth (GB/s)")
        ax.set_ylabel("chaser's load latency (ns)")
    elif name == "rmw":
        ax.plot([int(p["strands"]) for p in rows], [float(p["GBps"]) for p in rows], marker="o", label="a[i] += k")
        ax.axhline(21.33, color="k", ls="--", lw=0.8, label="peak read per socket")
        ax.axhline(10.66, color="gray", ls=":", lw=0.8, label="peak write per socket")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("strands (socket 0)")
        ax.set_ylabel("GB/s (16 B per element)")
    elif name == "stream":   # one panel per kernel: copy, triad (with the guest's triad)
        plt.close(fig)
        fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
        for ax, kernel in zip(axes, ("copy", "triad")):
            for label, pts in series(lambda x: (x["kernel"], x["sockets"], x["placement"], x["prefetch"])).items():
                k, sk, pl, pf = label
                if k.split("-")[0] != kernel:
                    continue
                ax.plot([int(p["strands"]) for p in pts], [float(p["GBps"]) for p in pts], marker=".",
                        ls="--" if pl == "remote" else ":" if pl == "guest" else "-",
                        label=f"{sk} socket{'s' if sk != '1' else ''}, {pl}{', prefetch' if pf == '1' else ''}")
            for y, l in ((21.33, "peak read, 1 socket"), (42.66, "peak read, 2 sockets")):
                ax.axhline(y, color="k", ls=":", lw=0.8)
                ax.text(1, y, l, fontsize=7, va="bottom")
            ax.set_xscale("log", base=2)
            ax.set_xlabel("strands")
            ax.set_title(f"STREAM {kernel} ({16 if kernel == 'copy' else 24} B per element counted)", fontsize=9)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
        axes[0].set_ylabel("GB/s (STREAM counting)")
        fig.suptitle("vfsim T5240 model (scripts/timing_validation.py)", fontsize=9)
        fig.savefig(img, dpi=100, bbox_inches="tight")
        plt.close(fig)
        return True
    elif name == "tlb":
        for label, pts in series(lambda x: x["pages"]).items():
            ax.plot([int(p["footprint_kb"]) for p in pts], [float(p["ns"]) for p in pts], marker="o",
                    label="no TLB (real addressing)" if label == "none" else f"{label} pages")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("footprint (KB)")
        ax.set_ylabel("ns per dependent load")
    else:
        plt.close(fig)
        return False
    ax.set_title(f"vfsim T5240 model: {name} (scripts/timing_validation.py)", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    if name != "stream":
        ax.legend(fontsize=7)
    fig.savefig(img, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return True


# --- tables in docs/timing-validation.md -----------------------------------------------------

def verdict(model, published, tol=0.10):
    if model is None:
        return "—", "no run"
    d = (model - published) / published
    return f"{d:+.0%}", ("yes" if abs(d) <= tol else "no")


def tables(data):
    """NAME -> markdown rows: model value, published value, within 10 %."""
    t = {}
    def row(what, model, published, unit, src, why="", at_least=False):
        d, ok = verdict(model, published)
        if at_least and model is not None:   # a check's lower bound: "within" means "at least"
            ok = "yes (at least)" if model >= published else "no (below)"
        m = "—" if model is None else f"{model:.3g}"
        return f"| {what} | {m} {unit} | {published:g} {unit} | {d} | {ok} | {src} | {why} |"
    head = "| quantity | model | published | diff | within 10 % | source | why |\n|---|---|---|---|---|---|---|"
    lat = data.get("latency")
    if lat:
        g = lambda s, kb: next((float(x["ns"]) for x in lat if x["series"] == s and int(x["footprint_kb"]) == kb), None)
        c = lambda s, kb: next((float(x["cycles"]) for x in lat if x["series"] == s and int(x["footprint_kb"]) == kb), None)
        t["latency"] = "\n".join([head,
            row("L1 hit, T5240 (4 KB)", c("bare T5240 local", 4), 3, "cycles", "[C] ASSCC 2007 (measured-figures L7)",
                "the chase loop's 3 cycles are taken off with the 2 KB point"),
            row("idle memory, T5220 @1.415 GHz (32 MB)", g("bare T5220", 32768), 152, "ns",
                "[M] libMicro memrand 128 MB, harmanholistix.com/?p=37 (L1)"),
            row("idle memory, T5240 local (32 MB)", g("bare T5240 local", 32768), 152, "ns",
                "[M] same, but measured on a 1-socket T5220",
                "the snoop of the other socket (2 link crossings, 54 ns) is shorter than the memory read it overlaps"),
            row("idle memory as a guest, T5240 local (32 MB, 8K pages)", g("guest T5240", 32768), 152, "ns",
                "[M] same (Solaris user process)",
                "every load misses the 128-entry DTLB (4096 pages of 8 KB): the walk reads its TSB entry from the L2 "
                "(8 + 22 cycles) or, when the chase has pushed it out, from memory; libMicro on Solaris had larger pages"),
            row("idle memory as a guest, T5240 remote (32 MB, 8K pages)", g("guest T5240 remote", 32768), 152 + 61.4, "ns",
                "[D] the model's own remote cost (+61.4 ns, docs/cmt.md) on the 152 ns", "as the local guest, plus the walk's "
                "TSB reads are remote too")])
    ld = data.get("loaded")
    if ld:
        idle = float(ld[0]["chase_latency_ns"])
        half = next((x for x in ld if float(x["stream_GBps"]) >= 21.33 / 2), None)
        t["loaded"] = "\n".join([head,
            row("idle latency, one chaser", idle, 152, "ns", "[M] L1 (T5220)"),
            "| latency at half the peak read bandwidth | " + (f"{float(half['chase_latency_ns']):.3g} ns ({float(half['stream_GBps']):.3g} GB/s)" if half else "not reached")
            + " | held back (§8) | — | — | t2-measured-figures.md §8 | queueing at the channels and DRAM banks (M/D/1 on their recent utilisation) |"])
    st = data.get("stream")
    if st:
        def best(kernel, sockets, place):
            v = [float(x["GBps"]) for x in st if x["kernel"] == kernel and x["sockets"] == str(sockets) and x["placement"] == place]
            return max(v) if v else None
        t["stream"] = "\n".join([head,
            row("triad, 1 socket local, best over strands", best("triad", 1, "local"), 21.33, "GB/s",
                "[D] from P3 (21.33 GB/s read per socket): triad reads 24 B per element (b, c, and a allocated), "
                "writes 8 B: 0.89 G elements/s = 21.33 GB/s STREAM-counted",
                "a ceiling, not a measurement (measured STREAM is held back, §8): 64 strands, one miss each, cannot fill it"),
            row("triad, 2 sockets local, best", best("triad", 2, "local"), 42.66, "GB/s", "[D] P4 peak read",
                "ceiling; with local data the links carry only snoops (16 B each way per line)"),
            row("copy, 1 socket local, best", best("copy", 1, "local"), 21.33, "GB/s",
                "[D] from P3: per element copy reads 16 B (a, and c allocated) and writes 8 B, so 21.33 GB/s "
                "read and 10.66 GB/s write both allow 1.33 G elements/s = 21.33 GB/s STREAM-counted",
                "ceiling; 64 strands with one miss each cannot keep the channels full (Little's law at the loaded latency)"),
            row("2 sockets / 1 socket, triad", (best("triad", 2, "local") or 0) / (best("triad", 1, "local") or 1), 1.85, "x",
                "[C] Sun Hot Chips 2007: 1.80-1.92x for whole workloads (S5)",
                "a claim for applications, not STREAM; 2 sockets run 128 strands against 64, so more misses in flight")])
    ck = data.get("checks")
    if ck:
        v = {x["quantity"]: float(x["value"]) for x in ck}
        t["checks"] = "\n".join([head,
            row("DRAM bytes per copied element (read a, allocate c, write back c)", v.get("copy_dram_bytes_per_element"), 24,
                "B", "[D] no no-allocate store on T2+ (Roofline CACM 2009, R4)", "write-allocate and write-back, both counted"),
            row("software prefetch speed-up, 1 strand read", v["read_1strand_prefetch_GBps"] / v["read_1strand_GBps"], 1.5, "x",
                "mechanism (t2plus-microarch §4: prefetch fills L2)", "lower bound of the cmt.prefetch check",
                at_least=True),
            row("triad 64 strands, remote/local time", v["triad64_local_GBps"] / v["triad64_remote_GBps"], 1.05, "x",
                "mechanism: remote lines cross the coherence links (§6)", "lower bound of the cmt.numa check",
                at_least=True)])
    return t


def rewrite_doc(doc, t):
    if not os.path.exists(doc):
        return
    text = open(doc).read()
    for name, body in t.items():
        # everything between the marker lines (nothing at first) is the table
        text = re.sub(rf"(<!-- table:{name} -->\n)(?:(?!<!--).*?\n)??(<!-- end -->)",
                      lambda m: m.group(1) + body + "\n" + m.group(2), text, flags=re.S)
    open(doc, "w").write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--only", action="append", help="run only these sweeps: " + ", ".join(SWEEPS))
    ap.add_argument("--plot-only", action="store_true", help="no runs: plots and tables from the CSVs")
    ap.add_argument("--jobs", type=int, default=2, help="simulator runs at once (default 2)")
    a = ap.parse_args()
    names = [n for o in (a.only or []) for n in o.split(",")] or list(SWEEPS)
    bad = [n for n in names if n not in SWEEPS]
    if bad:
        sys.exit(f"timing_validation: unknown sweep {', '.join(bad)} (one of {', '.join(SWEEPS)})")
    if a.jobs < 1:
        sys.exit("timing_validation: --jobs must be at least 1")
    out_dir = os.path.join(a.build, "timing-validation")
    os.makedirs(out_dir, exist_ok=True)
    failed = []
    if not a.plot_only:
        r = Runner(a.build, a.jobs)
        for n in names:
            t0 = time.time()
            try:
                header, rows = SWEEPS[n](r)
            except (RunError, subprocess.TimeoutExpired) as e:
                print(f"{n}: FAILED after {time.time() - t0:.0f} s: {e}", file=sys.stderr)
                failed.append(n)
                continue
            with open(os.path.join(out_dir, n + ".csv"), "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(header)
                w.writerows(rows)
            print(f"{n}: {len(rows)} points in {time.time() - t0:.0f} s wall -> {out_dir}/{n}.csv")
    data = {n: read_csv(os.path.join(out_dir, n + ".csv")) for n in SWEEPS
            if os.path.exists(os.path.join(out_dir, n + ".csv"))}
    try:
        os.makedirs(os.path.join(ROOT, "docs", "img"), exist_ok=True)
        for n in names:
            if n in data and plot(n, data[n], os.path.join(ROOT, "docs", "img", f"timing-{n}.png")):
                print(f"{n}: docs/img/timing-{n}.png")
    except ImportError:
        print("timing_validation: no matplotlib (apt-get install python3-matplotlib): plots skipped", file=sys.stderr)
    rewrite_doc(os.path.join(ROOT, "docs", "timing-validation.md"), tables(data))
    if failed:
        sys.exit(f"timing_validation: sweeps failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
