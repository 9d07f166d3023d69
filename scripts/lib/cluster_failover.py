#!/usr/bin/env python3
"""Kills a silo of a running cluster while adds and searches stream through its balancer (scripts/bench-cluster.sh, (c)).

  cluster_failover.py --url URL --api-key KEY --captions FILE --img-dim D --kill "COMMAND" --json OUT

Three clients run back to back: adds of one new image each (POST /images, ids failover-NNNNNN), text-to-image searches
and the same searches with allowPartial. After WARMUP seconds the kill command runs (kill -9 of one silo). The run ends
once searches have answered 200 for HOLD seconds after the last failure (or LIMIT seconds after the kill). Then every
add that was answered 200 is read back (GET /images/{id}): all must be there. Every id it tried is deleted afterwards,
so the gallery is as before. Standard library only."""
import argparse, base64, json, random, struct, subprocess, sys, threading, time, urllib.error, urllib.request

def request(url, method="GET", body=None, key=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None: req.add_header("Content-Type", "application/json")
    if key: req.add_header("X-Api-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:  # refused, reset, timed out: the balancer itself did not answer
        return 0, str(e).encode()

def features(index, img_dim):
    rng = random.Random(index)
    return base64.b64encode(struct.pack(f"<{36 * img_dim}f", *(rng.random() * 0.2 for _ in range(36 * img_dim)))).decode()

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True); p.add_argument("--api-key", required=True)
    p.add_argument("--captions", required=True); p.add_argument("--img-dim", type=int, required=True)
    p.add_argument("--kill", required=True); p.add_argument("--json", required=True)
    p.add_argument("--warmup", type=float, default=5); p.add_argument("--hold", type=float, default=5)
    p.add_argument("--limit", type=float, default=120)
    a = p.parse_args()
    url = a.url.rstrip("/")
    sentences = [l.strip() for l in open(a.captions, encoding="utf-8") if l.strip()][:200]
    stop = threading.Event()
    adds, searches, partials = [], [], []   # (started, ended, status, detail)

    def adder():
        n = 0
        while not stop.is_set():
            image_id = f"failover-{n:06d}"
            body = {"images": [{"id": image_id, "regionsBase64": features(n, a.img_dim)}]}
            t0 = time.time(); status, _ = request(f"{url}/images", "POST", body, a.api_key); adds.append((t0, time.time(), status, image_id))
            n += 1

    def searcher(out, allow_partial):
        n = 0
        while not stop.is_set():
            body = {"queries": [sentences[n % len(sentences)]], "k": 10}
            if allow_partial: body["allowPartial"] = True
            t0 = time.time(); status, answer = request(f"{url}/search/text-to-image", "POST", body, a.api_key)
            partial = False
            if status == 200:
                try: partial = bool(json.loads(answer).get("partial"))
                except ValueError: status = -1
            out.append((t0, time.time(), status, partial)); n += 1

    threads = [threading.Thread(target=adder), threading.Thread(target=searcher, args=(searches, False)),
               threading.Thread(target=searcher, args=(partials, True))]
    for t in threads: t.start()
    time.sleep(a.warmup)
    killed = time.time()
    subprocess.run(a.kill, shell=True, check=True)
    while True:
        time.sleep(0.5)
        now = time.time()
        failed = [s for s in searches if s[0] >= killed - 1 and s[2] != 200]
        last_failure = max((s[1] for s in failed), default=killed)
        ok_since = [s for s in searches if s[0] >= last_failure and s[2] == 200]
        if (ok_since and now - last_failure >= a.hold) or now - killed >= a.limit: break
    stop.set()
    for t in threads: t.join()

    after = [s for s in searches if s[1] >= killed]
    failed = [s for s in after if s[2] != 200]
    if failed:
        last_failure = max(s[1] for s in failed)
        back = min((s[1] for s in after if s[2] == 200 and s[0] >= last_failure), default=None)
        recovery = None if back is None else back - killed
    else:
        recovery = 0.0
    ok_adds = [x for x in adds if x[2] == 200]
    missing = [x[3] for x in ok_adds if request(f"{url}/images/{x[3]}", key=a.api_key)[0] != 200]
    refused = [x for x in adds if x[2] != 200]
    refused_stored = [x[3] for x in refused if request(f"{url}/images/{x[3]}", key=a.api_key)[0] == 200]
    for x in adds: request(f"{url}/images/{x[3]}", "DELETE", key=a.api_key)
    statuses = lambda rows: {str(k): sum(1 for r in rows if r[2] == k) for k in sorted({r[2] for r in rows})}
    p_after = [s for s in partials if s[1] >= killed]
    result = {
        "recoverySeconds": recovery,
        "searchesAfterKill": len(after), "searchStatusesAfterKill": statuses(after),
        "longestSearchAfterKillSeconds": max((s[1] - s[0] for s in after), default=0),
        "partialSearchesAfterKill": len(p_after), "partialStatusesAfterKill": statuses(p_after),
        "partialAnswers": sum(1 for s in p_after if s[3]),
        "adds": len(adds), "addStatuses": statuses(adds), "addsOk": len(ok_adds), "addsOkMissing": missing,
        "addsRefusedButStored": len(refused_stored),
        "secondsAfterKill": time.time() - killed,
    }
    json.dump(result, open(a.json, "w"), indent=2)
    print(json.dumps(result))
    return 0 if not missing else 1

if __name__ == "__main__":
    sys.exit(main())
