#!/usr/bin/env python3
"""Turn a bench/run.sh results.jsonl into the markdown tables (stdout) and a summary JSON.

Usage: summarize.py RESULTS_JSONL [--env ENV_TXT] [--json SUMMARY_JSON]

results.jsonl holds two kinds of lines:
  {"kind":"target","target":T,...}   facts about a target (status, pid, rss_idle_kb, rss_end_kb), merged
  {"kind":"point","target":T,"scenario":S,"conns":C,"status":"ok"|...,"rps":..,"p50_us":..,...}
"""
import argparse
import json
import sys

TARGET_ORDER = ["direct", "gatehouse", "portkey"]
SCENARIO_ORDER = ["chat", "sse"]
STATUS_TEXT = {"verify_failed": "check failed", "wrk_failed": "wrk failed", "process_gone": "process gone"}


def order(seq, key):
    return seq.index(key) if key in seq else len(seq)


def ms(us):
    v = us / 1000.0
    return f"{v:.2f}" if v >= 10 else f"{v:.3f}"


def signed_ms(us):
    return f"{us / 1000.0:+.3f}"


def ratio(a, b):
    if not b:
        return "n/a"
    r = a / b
    return f"{r:.3f}" if r < 0.1 else f"{r:.2f}"


def mib(kb):
    return "–" if kb is None else f"{kb / 1024:.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--env")
    ap.add_argument("--json")
    a = ap.parse_args()

    targets, points = {}, []
    with open(a.results) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            if r.get("kind") == "target":
                targets.setdefault(r["target"], {}).update({k: v for k, v in r.items() if k not in ("kind", "target")})
            elif r.get("kind") == "point":
                points.append(r)

    points.sort(key=lambda r: (order(SCENARIO_ORDER, r["scenario"]), r["conns"], order(TARGET_ORDER, r["target"])))
    measured = sorted({r["target"] for r in points if r["status"] == "ok"}, key=lambda t: order(TARGET_ORDER, t))
    ok = {(r["target"], r["scenario"], r["conns"]): r for r in points if r["status"] == "ok"}
    out = []
    w = out.append

    w("# Gatehouse benchmark")
    w("")
    if a.env:
        with open(a.env) as f:
            for line in f:
                if line.strip():
                    w(f"- {line.rstrip()}")
        w("")

    # ---- results
    w("## Results")
    w("")
    w("| scenario | conns | target | req/s | p50 ms | p90 ms | p99 ms | non-2xx | sock err | CPU µs/req | peak RSS MiB |")
    w("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    failures = []
    for r in points:
        head = f"| {r['scenario']} | {r['conns']} | {r['target']} "
        if r["status"] != "ok":
            why = r.get("message", "")
            st = STATUS_TEXT.get(r["status"], r["status"])
            failures.append(f"{r['target']} {r['scenario']} c={r['conns']}: {st}: {why}".rstrip(": "))
            w(head + f"| **{st}** | – | – | – | – | – | – | – |")
            continue
        cpu = "–"
        if r.get("cpu_s") is not None and r["requests"]:
            cpu = f"{r['cpu_s'] * 1e6 / r['requests']:.0f}"
        w(head + f"| {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p90_us'])} | {ms(r['p99_us'])} "
          f"| {r['non2xx']} | {r['socket_errors']} | {cpu} | {mib(r.get('rss_peak_kb'))} |")
    w("")
    w("CPU µs/req: the target process's (and its children's) utime+stime during the measured run divided by the "
      "requests wrk completed; peak RSS: largest `ps -o rss=` sample (every 0.5 s) during the run. "
      "non-2xx counts responses with status ≥ 400; sock err = connect+read+write+timeout errors.")
    for t in TARGET_ORDER[1:]:
        st = targets.get(t, {}).get("status")
        if st and st != "ok" and not st.startswith("ok ") and not st.startswith("not requested"):
            failures.insert(0, f"{t}: {st}")
    if failures:
        w("")
        w("Not measured:")
        for f_ in failures:
            w(f"- {f_}")
    w("")

    # ---- memory
    mem_rows = [t for t in measured if t != "direct"]
    if mem_rows:
        w("## Memory")
        w("")
        w("| target | idle RSS MiB | peak RSS under load MiB | RSS after the run MiB |")
        w("|---|--:|--:|--:|")
        for t in mem_rows:
            peaks = [r["rss_peak_kb"] for r in points if r["target"] == t and r["status"] == "ok" and r.get("rss_peak_kb") is not None]
            info = targets.get(t, {})
            w(f"| {t} | {mib(info.get('rss_idle_kb'))} | {mib(max(peaks) if peaks else None)} | {mib(info.get('rss_end_kb'))} |")
        w("")

    # ---- ratios
    others = [t for t in measured if t != "direct"]
    ratios = []
    w("## RATIOS")
    w("")
    if "direct" not in measured or not others:
        w("No ratios: need the direct baseline and at least one gateway measured in the same run.")
    else:
        cols = []
        for t in others:
            cols += [(t, "rps"), (t, "p50"), (t, "p99")]
            if t == "gatehouse" and "portkey" in others:
                cols.append(("gatehouse", "vs_portkey"))
        names = {"rps": "{t}/direct req/s", "p50": "{t} added p50 ms", "p99": "{t} added p99 ms",
                 "vs_portkey": "gatehouse/portkey req/s"}
        w("| scenario | conns | " + " | ".join(names[k].format(t=t) for t, k in cols) + " |")
        w("|---|--:|" + "--:|" * len(cols))
        keys = sorted({(r["scenario"], r["conns"]) for r in points},
                      key=lambda k: (order(SCENARIO_ORDER, k[0]), k[1]))
        flagged = False
        for sc, c in keys:
            d = ok.get(("direct", sc, c))
            cells, rec = [], {"scenario": sc, "conns": c}
            for t, k in cols:
                g = ok.get((t, sc, c))
                val = None
                if k == "vs_portkey":
                    p = ok.get(("portkey", sc, c))
                    if g and p and p["rps"]:
                        val = g["rps"] / p["rps"]
                        cells.append(ratio(g["rps"], p["rps"]))
                    else:
                        cells.append("–")
                    rec["gatehouse_over_portkey_rps"] = val
                    continue
                if not (g and d):
                    cells.append("–")
                elif k == "rps":
                    val = g["rps"] / d["rps"] if d["rps"] else None
                    cells.append(ratio(g["rps"], d["rps"]))
                else:
                    val = (g[f"{k}_us"] - d[f"{k}_us"]) / 1000.0
                    cells.append(signed_ms(g[f"{k}_us"] - d[f"{k}_us"]))
                if g and (g["non2xx"] or g["socket_errors"]) and cells[-1] != "–":
                    cells[-1] += " *"
                    flagged = True
                rec[{"rps": f"{t}_over_direct_rps", "p50": f"{t}_added_p50_ms", "p99": f"{t}_added_p99_ms"}[k]] = val
            ratios.append(rec)
            w(f"| {sc} | {c} | " + " | ".join(cells) + " |")
        w("")
        w("X/direct req/s: throughput through X divided by direct-to-mock throughput at the same connections "
          "(1.00 = no cost). Added latency: X's percentile minus the direct percentile at the same connections.")
        if flagged:
            w("* that point had non-2xx responses or socket errors: see the results table.")
    w("")

    sys.stdout.write("\n".join(out))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"targets": targets, "points": points, "ratios": ratios}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
