#!/usr/bin/env python3
"""Where each proxy's time goes, per request: CPU split user/kernel, context switches, syscalls, and a perf profile.

Runs the same scenario as bench/loadtest.py (nginx backend; 90/10 split, prefix strip, a limiter that never triggers)
against nginx, bench/Gateway.ForwarderFloor and the gateway, one after another in each phase (A B C, A B C), and divides
every counter by the requests wrk completed in that window. Counts per request hardly depend on how busy the machine is,
unlike requests per second, so they compare well on a shared machine. Everything listens on 127.0.0.1 only.

Phases per contender: counters (/proc utime/stime, voluntary and involuntary context switches summed over all threads),
then `perf record -g` (managed code named through DOTNET_PerfMapEnabled=1), then `strace -c -f` (which slows the process
down a lot, so only its counts are used).
"""
import argparse
import collections
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadtest  # noqa: E402  (shares the contenders' configurations with bench/run)

CLK_TCK = os.sysconf("SC_CLK_TCK")
# perf names JIT-compiled methods from /tmp/perf-PID.map, but only for code outside the W^X double mapping (a memfd).
PROFILE_ENV = {"DOTNET_PerfMapEnabled": "1", "DOTNET_EnableWriteXorExecute": "0"}


def cpu_split(pids):
    user = kernel = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        user += int(fields[11])
        kernel += int(fields[12])
    return user / CLK_TCK, kernel / CLK_TCK


def context_switches(pids):
    voluntary = involuntary = threads = 0
    for pid in pids:
        for status in glob.glob(f"/proc/{pid}/task/*/status"):
            try:
                with open(status) as f:
                    text = f.read()
            except OSError:
                continue  # the thread ended between listing and reading
            voluntary += int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", text, re.M).group(1))
            involuntary += int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", text, re.M).group(1))
            threads += 1
    return voluntary, involuntary, threads


def wrk(url, seconds, args):
    return loadtest.run_wrk(url, seconds, args.connections, args.threads)


def measure_counters(url, pids, args):
    wrk(url, args.warmup, args)
    cpu0, cs0 = cpu_split(pids), context_switches(pids)
    result = wrk(url, args.duration, args)
    cpu1, cs1 = cpu_split(pids), context_switches(pids)
    n = result["requests"]
    return {
        "requests": n,
        "rps": result["rps"],
        "user_us": (cpu1[0] - cpu0[0]) * 1e6 / n,
        "kernel_us": (cpu1[1] - cpu0[1]) * 1e6 / n,
        "voluntary_cs": (cs1[0] - cs0[0]) / n,
        "involuntary_cs": (cs1[1] - cs0[1]) / n,
        "threads": cs1[2],
    }


def measure_syscalls(url, pids, args, workdir, name):
    out = os.path.join(workdir, f"{name}.strace")
    cmd = ["strace", "-c", "-f", "-o", out]
    for pid in pids:
        cmd += ["-p", str(pid)]
    tracer = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attaching to every thread takes a moment
    result = wrk(url, args.strace_duration, args)
    tracer.send_signal(signal.SIGINT)
    tracer.wait(timeout=30)
    calls = {}
    with open(out) as f:
        for line in f:
            parts = line.split()
            # % time, seconds, usecs/call, calls, [errors], syscall
            if len(parts) >= 5 and re.match(r"^[\d.]+$", parts[0]) and parts[-1] != "total":
                errors = int(parts[4]) if len(parts) == 6 else 0
                calls[parts[-1]] = {"calls": int(parts[3]), "errors": errors}
    n = result["requests"]
    per_request = {k: {"calls": v["calls"] / n, "errors": v["errors"] / n} for k, v in calls.items()}
    return {"requests": n, "rps_under_strace": result["rps"],
            "total": sum(v["calls"] for v in per_request.values()), "by_syscall": per_request}


def classify_dso(dso):
    if dso.startswith("[kernel") or dso.startswith("[vdso"):
        return "kernel"
    if dso.startswith("perf-") or dso.startswith("[JIT]") or dso.startswith("memfd:doublemapper"):
        return "managed JIT code"
    if dso.endswith(".dll"):
        return "managed precompiled (R2R)"
    if dso == "libcoreclr.so":
        return "runtime (libcoreclr)"
    if dso == "libclrjit.so":
        return "JIT compiler"
    if dso.startswith("libSystem.") or dso in ("libclrgc.so", "libhostpolicy.so"):
        return "runtime native (libSystem.*)"
    if dso.startswith("libc.so") or dso.startswith("libc-") or dso.startswith("libpthread") or dso.startswith("ld-linux"):
        return "libc"
    if dso in ("nginx", "haproxy", "caddy"):
        return "proxy binary"
    return "other"


# Managed frames grouped by what they belong to; the first matching prefix wins.
AREAS = [
    ("System.Net.Http.", "SocketsHttpHandler / HttpClient"),
    ("Yarp.", "YARP forwarder"),
    ("Microsoft.AspNetCore.Server.Kestrel.Transport", "Kestrel socket transport"),
    ("Microsoft.AspNetCore.Server.Kestrel", "Kestrel HTTP/1.1"),
    ("System.IO.Pipelines.", "Pipelines"),
    ("System.Net.Sockets.", "socket engine"),
    ("System.Threading.", "thread pool / tasks"),
    ("System.Runtime.CompilerServices.", "async state machines"),
    ("Microsoft.AspNetCore.", "ASP.NET Core (hosting, routing, middleware)"),
    ("Microsoft.Extensions.", "Microsoft.Extensions"),
    ("Gateway.", "gateway code"),
    ("System.", "other BCL"),
]


def area(symbol):
    name = re.sub(r"^\[[^\]]*\]\s*", "", symbol)
    name = re.sub(r"^(instance |static )?\S+ \[[^\]]+\] ", "", name)
    for prefix, label in AREAS:
        if name.startswith(prefix) or f" {prefix}" in name[:120] or f"[{prefix}" in name[:120]:
            return label
    return None


def perf_report(data, sort):
    out = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", sort, "--stdio", "--percent-limit", "0",
                          "-g", "none"], capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+(.*\S)\s*$", line)
        if m:
            rows.append((float(m.group(1)), m.group(2)))
    return rows


def measure_profile(url, pids, args, workdir, name):
    data = os.path.join(workdir, f"{name}.perf.data")
    cmd = ["perf", "record", "-g", "-F", str(args.perf_frequency), "-o", data, "-p", ",".join(map(str, pids)), "--", "sleep",
           str(args.perf_duration)]
    recorder = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    wrk(url, args.perf_duration, args)
    _, err = recorder.communicate(timeout=60)
    if recorder.returncode != 0 or not os.path.exists(data):
        return {"error": f"perf record exited with {recorder.returncode}: {err.strip()[-300:]}"}
    by_dso = collections.OrderedDict()
    groups = collections.defaultdict(float)
    for pct, dso in perf_report(data, "dso"):
        by_dso[dso] = pct
        groups[classify_dso(dso)] += pct
    symbols = perf_report(data, "dso,sym")
    areas = collections.defaultdict(float)
    for pct, text in symbols:
        label = area(text.split("] ", 1)[-1] if "] " in text else text)
        if label:
            areas[label] += pct
    return {"groups": dict(sorted(groups.items(), key=lambda kv: -kv[1])), "by_dso": dict(list(by_dso.items())[:15]),
            "managed_areas": dict(sorted(areas.items(), key=lambda kv: -kv[1])),
            "top_symbols": [{"pct": p, "symbol": s[:200]} for p, s in symbols[:args.top]]}


def start_contenders(workdir, backend_port, contenders, variants):
    procs, targets = [], {}
    if "nginx" in contenders:
        port = loadtest.free_port()
        proc = loadtest.start_nginx(workdir, "proxy", loadtest.nginx_proxy_block(port, backend_port), workers=2)
        procs.append(proc)
        loadtest.wait_http(f"http://127.0.0.1:{port}{loadtest.PATH}")
        time.sleep(0.5)
        targets["nginx"] = (f"http://127.0.0.1:{port}{loadtest.PATH}", loadtest.children(proc.pid) or [proc.pid])
    for name, start in (("caddy", loadtest.start_caddy), ("haproxy", loadtest.start_haproxy)):
        if name in contenders:
            port = loadtest.free_port()
            proc = start(workdir, port, backend_port)
            procs.append(proc)
            loadtest.wait_http(f"http://127.0.0.1:{port}{loadtest.PATH}")
            targets[name] = (f"http://127.0.0.1:{port}{loadtest.PATH}", [proc.pid])
    for name in contenders:
        if name in variants:
            extra, env, dll = variants[name]
            gwdir = os.path.join(workdir, name)
            os.makedirs(gwdir)
            loadtest.gateway_config(gwdir, backend_port)
            port, admin = loadtest.free_port(), loadtest.free_port()
            proc = loadtest.start_gateway(gwdir, port, admin, extra, dict(PROFILE_ENV, **env), dll)
            procs.append(proc)
            targets[name] = (f"http://127.0.0.1:{port}{loadtest.PATH}", [proc.pid])
    return procs, targets


def parse_variants(specs):
    variants = {"gateway": ([], {}, loadtest.GATEWAY_DLL), "yarp-floor": ([], {}, loadtest.FLOOR_DLL)}
    for variant in specs:
        name, _, spec = variant.partition("=")
        extra, env, dll = [], {}, loadtest.GATEWAY_DLL
        for token in spec.split():
            key, _, value = token.partition("=")
            if token.startswith("--"):
                extra.append(token)
            elif key == "dll":
                dll = value
            else:
                env[key] = value
        variants[name] = (extra, env, dll)
    return variants


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contenders", default="nginx,yarp-floor,gateway")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=SPEC",
                        help="an extra gateway contender, as in bench/loadtest.py: --Key=Value, ENV=value, dll=PATH")
    parser.add_argument("--phases", default="counters,perf,strace", help="comma list of: counters, perf, strace")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of the counters phase")
    parser.add_argument("--prewarm", type=int, default=10, help="seconds of load per contender first (tiered JIT, PGO)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--duration", type=int, default=8, help="seconds per counters run")
    parser.add_argument("--perf-duration", type=int, default=6)
    parser.add_argument("--perf-frequency", type=int, default=499)
    parser.add_argument("--strace-duration", type=int, default=6)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--top", type=int, default=30, help="top symbols kept per contender")
    parser.add_argument("--output", default=os.path.join(loadtest.ROOT, "bench", "results", "profile-latest.json"))
    args = parser.parse_args()

    contenders = [c.strip() for c in args.contenders.split(",") if c.strip()]
    phases = set(args.phases.split(","))
    workdir = tempfile.mkdtemp(prefix="gateway-profile-")
    procs = []
    report = {"time": datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"), "settings": vars(args), "cores": os.cpu_count(),
              "contenders": {name: {"counters": []} for name in contenders}}
    try:
        backend_port = loadtest.free_port()
        procs.append(loadtest.start_nginx(workdir, "backend", loadtest.backend_block(backend_port), workers=1))
        loadtest.wait_http(f"http://127.0.0.1:{backend_port}/predict")
        started, targets = start_contenders(workdir, backend_port, contenders, parse_variants(args.variant))
        procs += started
        for name in contenders:
            wrk(targets[name][0], args.prewarm, args)

        if "counters" in phases:
            for round_index in range(args.rounds):
                for name in contenders:
                    url, pids = targets[name]
                    c = measure_counters(url, pids, args)
                    report["contenders"][name]["counters"].append(c)
                    print(f"round {round_index + 1} {name:18s} {c['rps']:>8.0f} req/s  user {c['user_us']:6.1f} us  kernel "
                          f"{c['kernel_us']:6.1f} us  voluntary cs {c['voluntary_cs']:.2f}  involuntary cs {c['involuntary_cs']:.2f}"
                          f"  threads {c['threads']}", flush=True)
        if "perf" in phases:
            for name in contenders:
                url, pids = targets[name]
                p = measure_profile(url, pids, args, workdir, name)
                report["contenders"][name]["perf"] = p
                print(f"perf {name}: {json.dumps(p.get('groups', p))}", flush=True)
                if "managed_areas" in p:
                    print(f"     managed areas: {json.dumps({k: round(v, 1) for k, v in p['managed_areas'].items()})}", flush=True)
        if "strace" in phases:
            for name in contenders:
                url, pids = targets[name]
                s = measure_syscalls(url, pids, args, workdir, name)
                report["contenders"][name]["strace"] = s
                top = sorted(s["by_syscall"].items(), key=lambda kv: -kv[1]["calls"])[:8]
                print(f"strace {name}: {s['total']:.2f} syscalls/request: "
                      + ", ".join(f"{k} {v['calls']:.2f}" + (f" ({v['errors']:.2f} failed)" if v["errors"] else "") for k, v in top), flush=True)
                wrk(url, args.warmup, args)  # let the runtime settle after the tracer detaches

        os.makedirs(os.path.dirname(args.output), exist_ok=True)
        with open(args.output, "w") as f:
            json.dump(report, f, indent=2)
        print(f"\nresults: {os.path.relpath(args.output, loadtest.ROOT)}")
    finally:
        loadtest.stop_all(procs, workdir)
        for proc in procs:
            for path in (f"/tmp/perf-{proc.pid}.map", f"/tmp/perfinfo-{proc.pid}.map"):
                if os.path.exists(path):
                    os.remove(path)


if __name__ == "__main__":
    sys.exit(main())
