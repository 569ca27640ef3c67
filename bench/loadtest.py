#!/usr/bin/env python3
"""Runs wrk against direct, nginx and gateway contenders, interleaved, and reports medians and ratios.

Every process listens on 127.0.0.1 only and every run is bounded by --duration, so traffic never leaves the machine.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GATEWAY_DLL = os.path.join(ROOT, "bench", ".out", "gateway", "Gateway.dll")
# Bare YARP forwarder (bench/Gateway.ForwarderFloor): what Kestrel, HttpClient and YARP cost without any gateway feature.
FLOOR_DLL = os.path.join(ROOT, "bench", ".out", "floor", "Gateway.ForwarderFloor.dll")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CADDY = shutil.which("caddy") or "/usr/bin/caddy"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
BODY = '{"model":"demo","version":"v1","output":[0.12,0.88],"ok":true}'
PATH = "/service-a/predict"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def children(pid):
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        return [int(p) for p in out]
    except Exception:
        return []


def start_nginx(workdir, name, server_block, workers=1):
    conf = os.path.join(workdir, f"{name}.conf")
    with open(conf, "w") as f:
        f.write(f"""
worker_processes {workers};
daemon off;
pid {workdir}/{name}.pid;
error_log {workdir}/{name}.error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {workdir}/{name}-body;
  proxy_temp_path {workdir}/{name}-proxy;
  fastcgi_temp_path {workdir}/{name}-fastcgi;
  uwsgi_temp_path {workdir}/{name}-uwsgi;
  scgi_temp_path {workdir}/{name}-scgi;
  keepalive_requests 1000000;
{server_block}
}}
""")
    proc = subprocess.Popen([NGINX, "-c", conf, "-p", workdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc


def backend_block(port):
    return f"""
  server {{
    listen 127.0.0.1:{port} reuseport;
    location / {{ default_type application/json; return 200 '{BODY}'; }}
  }}"""


def nginx_proxy_block(port, backend):
    # The same work as the gateway: strip /service-a, split 90/10 per request, a limit that never triggers.
    return f"""
  upstream model_v1 {{ server 127.0.0.1:{backend}; keepalive 128; }}
  upstream model_v2 {{ server 127.0.0.1:{backend}; keepalive 128; }}
  split_clients "${{request_id}}" $variant {{ 90% model_v1; * model_v2; }}
  limit_req_zone $binary_remote_addr zone=perip:10m rate=1000000r/s;
  server {{
    listen 127.0.0.1:{port} reuseport;
    location /service-a/ {{
      limit_req zone=perip burst=1000000 nodelay;
      rewrite ^/service-a/(.*)$ /$1 break;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Prefix /service-a;
      proxy_pass http://$variant;
    }}
  }}"""


def start_caddy(workdir, port, backend):
    # Caddy (Go) has no weighted policy in Debian's 2.6 and no built-in limiter: nine entries for model-v1 and one for
    # model-v2 picked at random make the 90/10 split; handle_path strips the prefix; X-Forwarded-For/Proto are default.
    upstreams = " ".join([f"127.0.0.1:{backend}"] * 10)
    conf = os.path.join(workdir, "Caddyfile")
    with open(conf, "w") as f:
        f.write(f"""{{
  admin off
  auto_https off
  log {{
    level ERROR
  }}
}}
http://127.0.0.1:{port} {{
  handle_path /service-a/* {{
    reverse_proxy {upstreams} {{
      lb_policy random
      header_up X-Forwarded-Prefix /service-a
    }}
  }}
}}
""")
    env = dict(os.environ, XDG_DATA_HOME=workdir, XDG_CONFIG_HOME=workdir, HOME=workdir)
    return subprocess.Popen([CADDY, "run", "--config", conf, "--adapter", "caddyfile"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_haproxy(workdir, port, backend):
    # HAProxy (C), two threads like nginx's two workers: a stick-table rate limit that never triggers, a weighted random
    # 90/10 pick, the prefix stripped, X-Forwarded headers, kept-alive upstream connections shared between clients.
    conf = os.path.join(workdir, "haproxy.cfg")
    with open(conf, "w") as f:
        f.write(f"""global
  nbthread 2
  maxconn 8192
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  http-reuse always
frontend proxy
  bind 127.0.0.1:{port}
  stick-table type ip size 100k expire 10s store http_req_rate(1s)
  http-request track-sc0 src
  http-request deny deny_status 429 if {{ sc_http_req_rate(0) gt 100000000 }}
  option forwardfor
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Prefix /service-a
  use_backend models if {{ path_beg /service-a/ }}
backend models
  balance random
  http-request replace-path /service-a(/.*) \\1
  server model-v1 127.0.0.1:{backend} weight 90
  server model-v2 127.0.0.1:{backend} weight 10
""")
    return subprocess.Popen([HAPROXY, "-f", conf, "-db"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def gateway_config(workdir, backend):
    path = os.path.join(workdir, "appsettings.json")
    with open(path, "w") as f:
        json.dump({
            "Logging": {"LogLevel": {"Default": "Warning"}},
            "Gateway": {
                "Routes": [{
                    "Name": "service-a",
                    "Matches": [{"Path": "/service-a"}],
                    "Filters": {"UrlRewrite": {"Path": {"Type": "ReplacePrefixMatch", "Value": "/"}}},
                    "Backends": [{"Name": "model-v1", "Weight": 90}, {"Name": "model-v2", "Weight": 10}],
                    "RateLimitPolicy": "never-triggers",
                }],
                "RateLimitPolicies": {"never-triggers": {"Rate": "1000000/s", "Burst": 1000000}},
                "Backends": {
                    "model-v1": {"Endpoints": [f"http://127.0.0.1:{backend}"]},
                    "model-v2": {"Endpoints": [f"http://127.0.0.1:{backend}"]},
                },
            },
            "Demo": {"Enabled": False},
        }, f, indent=2)
    return workdir


def start_gateway(workdir, port, admin, extra_args, env_extra, dll=GATEWAY_DLL):
    env = dict(os.environ)
    env.update(env_extra)
    args = ["dotnet", dll, f"--contentRoot={workdir}", f"--Gateway:Listen:Http=http://127.0.0.1:{port}",
            f"--Gateway:Admin:Url=http://127.0.0.1:{admin}"] + extra_args
    proc = subprocess.Popen(args, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_http(f"http://127.0.0.1:{admin}/readyz")
    return proc


def run_wrk(url, duration, connections, threads, rate_script=None):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if rate_script:
        cmd += ["-s", rate_script]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    lat = {}
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[pct] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return {"rps": rps, "requests": total, "errors": int(non2xx.group(1)) if non2xx else 0, "p50_ms": lat.get("50"), "p99_ms": lat.get("99")}



def stop_all(procs, workdir):
    """Stops the started processes (SIGTERM, then kill after 15 s) and removes their working directory."""
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(workdir, ignore_errors=True)

def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per run (after warm-up)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load discarded before each measured run")
    parser.add_argument("--prewarm", type=int, default=10,
                        help="seconds of load per contender before the first round (tiered JIT, PGO), discarded")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--contenders", default="direct,nginx,haproxy,caddy,gateway,yarp-floor",
                        help="comma list of: direct, nginx, haproxy, caddy, gateway, yarp-floor, gateway-no-telemetry, "
                             "gateway-tracing")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=SPEC",
                        help="an extra gateway contender for A/B runs; SPEC is space-separated --Key=Value gateway "
                             "arguments, ENV=value variables and dll=PATH (another build); list NAME in --contenders")
    parser.add_argument("--paced", action="store_true", help="also measure latency at half of each contender's peak")
    parser.add_argument("--output", default=os.path.join(ROOT, "bench", "results"))
    args = parser.parse_args()

    contenders = [c.strip() for c in args.contenders.split(",") if c.strip()]
    workdir = tempfile.mkdtemp(prefix="gateway-bench-")
    procs = []
    try:
        backend_port = free_port()
        procs.append(start_nginx(workdir, "backend", backend_block(backend_port), workers=1))
        wait_http(f"http://127.0.0.1:{backend_port}/predict")
        targets = {"direct": (f"http://127.0.0.1:{backend_port}/predict", [])}

        if "nginx" in contenders:
            port = free_port()
            proc = start_nginx(workdir, "proxy", nginx_proxy_block(port, backend_port), workers=2)
            procs.append(proc)
            wait_http(f"http://127.0.0.1:{port}{PATH}")
            time.sleep(0.5)
            targets["nginx"] = (f"http://127.0.0.1:{port}{PATH}", [proc.pid] + children(proc.pid))

        for name, start in (("caddy", start_caddy), ("haproxy", start_haproxy)):
            if name in contenders:
                port = free_port()
                proc = start(workdir, port, backend_port)
                procs.append(proc)
                wait_http(f"http://127.0.0.1:{port}{PATH}")
                targets[name] = (f"http://127.0.0.1:{port}{PATH}", [proc.pid])

        gateway_variants = {
            "gateway": ([], {}),
            "gateway-no-telemetry": (["--Gateway:Telemetry:Metrics=false", "--Gateway:Telemetry:Tracing=false"], {}),
            "gateway-tracing": (["--Gateway:Telemetry:Tracing=true", "--Gateway:Telemetry:TraceSampleRatio=0.01"], {}),
            "yarp-floor": ([], {}),
        }
        dlls = {"yarp-floor": FLOOR_DLL}
        for variant in args.variant:
            name, _, spec = variant.partition("=")
            extra, env = [], {}
            for token in spec.split():
                key, _, value = token.partition("=")
                if token.startswith("--"):
                    extra.append(token)
                elif key == "dll":
                    dlls[name] = value
                else:
                    env[key] = value
            gateway_variants[name] = (extra, env)
        for name, (extra, env) in gateway_variants.items():
            if name in contenders:
                gwdir = os.path.join(workdir, name)
                os.makedirs(gwdir)
                gateway_config(gwdir, backend_port)
                port, admin = free_port(), free_port()
                proc = start_gateway(gwdir, port, admin, extra, env, dlls.get(name, GATEWAY_DLL))
                procs.append(proc)
                targets[name] = (f"http://127.0.0.1:{port}{PATH}", [proc.pid])

        runs = {name: [] for name in contenders}
        for name in contenders:
            run_wrk(targets[name][0], args.prewarm, args.connections, args.threads)
        for round_index in range(args.rounds):
            for name in contenders:
                url, pids = targets[name]
                run_wrk(url, args.warmup, args.connections, args.threads)
                before = cpu_seconds(pids) if pids else 0
                result = run_wrk(url, args.duration, args.connections, args.threads)
                after = cpu_seconds(pids) if pids else 0
                result["cpu_us_per_request"] = (after - before) * 1e6 / result["requests"] if pids and result["requests"] else None
                runs[name].append(result)
                print(f"round {round_index + 1} {name:22s} {result['rps']:>10.0f} req/s  p50 {result['p50_ms']:.3f} ms  p99 {result['p99_ms']:.3f} ms"
                      + (f"  cpu {result['cpu_us_per_request']:.1f} us/req" if result["cpu_us_per_request"] else "")
                      + (f"  ERRORS {result['errors']}" if result["errors"] else ""), flush=True)

        summary = {}
        for name, results in runs.items():
            summary[name] = {
                key: statistics.median([r[key] for r in results if r[key] is not None]) if any(r[key] is not None for r in results) else None
                for key in ("rps", "p50_ms", "p99_ms", "cpu_us_per_request")
            }
            summary[name]["errors"] = sum(r["errors"] for r in results)

        if args.paced:
            direct_p99 = None
            for name in contenders:
                url, _ = targets[name]
                rate = max(1, int(summary[name]["rps"] / 2))
                script = os.path.join(workdir, "paced.lua")
                with open(script, "w") as f:
                    f.write(f"-- {rate} requests/s in total, spread evenly over the connections\n"
                            f"function delay() return {1000.0 * args.connections / rate:.3f} end\n")
                run_wrk(url, args.warmup, args.connections, args.threads, script)
                paced = run_wrk(url, args.duration, args.connections, args.threads, script)
                summary[name]["half_load_rps"] = paced["rps"]
                summary[name]["half_load_p50_ms"] = paced["p50_ms"]
                summary[name]["half_load_p99_ms"] = paced["p99_ms"]

        print()
        print(f"median of {args.rounds} interleaved rounds, {args.duration} s each, wrk -t{args.threads} -c{args.connections}, {os.cpu_count()} cores")
        header = f"{'contender':22s} {'req/s':>10s} {'x direct':>9s} {'x nginx':>8s} {'x floor':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'cpu us/req':>11s}"
        print(header)
        print("-" * len(header))
        direct = summary.get("direct", {}).get("rps")
        nginx = summary.get("nginx", {}).get("rps")
        floor = summary.get("yarp-floor", {}).get("rps")
        for name, s in summary.items():
            s["x_direct"] = s["rps"] / direct if direct else None
            s["x_nginx"] = s["rps"] / nginx if nginx else None
            s["x_floor"] = s["rps"] / floor if floor else None
            print(f"{name:22s} {s['rps']:>10.0f} {fmt(s['x_direct'], '9.2f')} {fmt(s['x_nginx'], '8.2f')} {fmt(s['x_floor'], '8.2f')} {fmt(s['p50_ms'], '8.3f')} {fmt(s['p99_ms'], '8.3f')} {fmt(s['cpu_us_per_request'], '11.1f')}")
        if args.paced:
            print()
            print("added latency at half of each contender's peak (contender minus direct):")
            base = summary["direct"]
            for name, s in summary.items():
                if name != "direct" and "half_load_p99_ms" in s:
                    print(f"{name:22s} p50 +{s['half_load_p50_ms'] - base['half_load_p50_ms']:.3f} ms  p99 +{s['half_load_p99_ms'] - base['half_load_p99_ms']:.3f} ms")

        os.makedirs(args.output, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        report = {"time": stamp, "settings": vars(args), "cores": os.cpu_count(), "summary": summary, "runs": runs}
        for path in (os.path.join(args.output, f"load-{stamp}.json"), os.path.join(args.output, "load-latest.json")):
            with open(path, "w") as f:
                json.dump(report, f, indent=2)
        print(f"\nresults: bench/results/load-{stamp}.json")
    finally:
        stop_all(procs, workdir)


def fmt(value, spec):
    width = int(spec.split(".")[0])
    return format(value, spec) if value is not None else " " * (width - 1) + "-"


if __name__ == "__main__":
    sys.exit(main())
