#!/usr/bin/python3
"""Runs the pointer-chase program on the timed CMT model for each built-in platform (and
the 512 B-interleaved variants that put half or three quarters of memory on other sockets)
and plots load latency against footprint into docs/img/latency.png.
Needs Debian's python3-matplotlib (apt-get install python3-matplotlib; run with /usr/bin/python3).
Usage: scripts/plot_latency.py [BUILD_DIR]"""
import os, subprocess, sys, tempfile
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

build = sys.argv[1] if len(sys.argv) > 1 else "build"
bare, prog = os.path.join(build, "bin", "vfsim-bare"), os.path.join(build, "examples", "bare_chase")
clock = {"T5140": 1165e6, "T5240": 1415e6, "T5440": 1415e6}

def curve(platform):
    cpus = []
    if platform.endswith("@64"):   # run on cpu 64: socket 1, while memory is homed on socket 0
        platform, cpus = platform[:-3], ["--cpus", "64"]
    out = subprocess.run([bare, "--platform", platform, *cpus, prog], capture_output=True, text=True, check=True).stdout
    return [(int(a), float(b)) for a, b in (l.split() for l in out.splitlines())]

fig, ax = plt.subplots(figsize=(8, 5))
rows = []
for name in ("T5140", "T5240", "T5440"):
    series = [(name, name)]
    series.append((name + "@64", f"{name}, strand on socket 1 (all memory remote)"))
    if name != "T5140":
        f = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
        f.write(f'name = "{name}-512B"\nbase = "{name}"\ninterleave_512b_ceiling_gb = 64\n')
        f.close()
        series.append((f.name, f"{name}, 512 B socket interleave"))
    for plat, label in series:
        c = curve(plat)
        loop = c[0][1] - 3          # the chase loop's own cycles per step
        ns = [(kb, (cyc - loop) * 1e9 / clock[name]) for kb, cyc in c]
        ax.plot([k for k, _ in ns], [v for _, v in ns], marker="o", label=label)
        rows.append((label, ns))
        if plat.endswith(".toml"):
            os.unlink(plat)
ax.set_xscale("log", base=2)
ax.set_xlabel("footprint (KB)")
ax.set_ylabel("load-to-use latency (ns)")
ax.set_title("vfsim CMT model: pointer-chase latency vs footprint (one strand)")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
os.makedirs("docs/img", exist_ok=True)
fig.savefig("docs/img/latency.png", dpi=110, bbox_inches="tight")
for label, ns in rows:
    print(f"{label:36} " + " ".join(f"{kb}K:{v:.1f}" for kb, v in ns))
