#!/usr/bin/python3
"""Do this machine's two cores slow each other down? Runs the same single-threaded work alone, then two copies at
once, and prints each copy's rate and the ratio. Work kinds: 'alu' (a pure Python integer loop: no memory traffic to
speak of), 'gemm' (float32 1024 x 1024 matrix products, AVX-512 FMA units, cache-resident), 'bf16' (the same in
bfloat16), 'stream' (adding 64 MB float32 arrays: memory bandwidth). If two copies each run at the rate of one, the
cores share nothing that matters for that work and two threads can scale to 2x; if each runs at r < 1 of its rate
alone, no program can get more than 2r x from the two cores on that work (docs/benchmarks.md, "Training speed").

    /usr/bin/python3 scripts/bench-core-sharing.py [--seconds 10] [--kinds alu,gemm,bf16,stream]

Needs PyTorch (Debian's python3-torch: scripts/install-deps.sh).
"""
import argparse, multiprocessing as mp, time


def work(kind, seconds, queue):
    import torch
    torch.set_num_threads(1)
    if kind == "alu":
        step = lambda: sum(i * i for i in range(20000))
    elif kind in ("gemm", "bf16"):
        dtype = torch.bfloat16 if kind == "bf16" else torch.float32
        a = torch.randn(1024, 1024, dtype=dtype); b = torch.randn(1024, 1024, dtype=dtype)
        step = lambda: torch.mm(a, b)
    else:
        a = torch.randn(16 * 1024 * 1024); b = torch.randn(16 * 1024 * 1024); out = torch.empty_like(a)
        step = lambda: torch.add(a, b, out=out)
    step()
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step(); done += 1
    queue.put(done / (time.perf_counter() - start))


def rates(kind, copies, seconds):
    queue = mp.Queue()
    procs = [mp.Process(target=work, args=(kind, seconds, queue)) for _ in range(copies)]
    for p in procs: p.start()
    for p in procs: p.join()
    if any(p.exitcode != 0 for p in procs):
        raise SystemExit(f"{kind}: a worker failed (exit codes {[p.exitcode for p in procs]}); is PyTorch installed for this python?")
    return [queue.get() for _ in procs]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--kinds", default="alu,gemm,bf16,stream")
    args = parser.parse_args()
    print(f"{'work':8} {'alone /s':>12} {'two at once /s (each)':>26} {'each vs alone':>14} {'two vs one':>11}")
    for kind in args.kinds.split(","):
        alone = rates(kind, 1, args.seconds)[0]
        pair = rates(kind, 2, args.seconds)
        ratio = min(pair) / alone
        print(f"{kind:8} {alone:12.2f} {pair[0]:12.2f} {pair[1]:12.2f} {ratio:14.2f} {sum(pair) / alone:10.2f}x")
