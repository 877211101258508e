#!/usr/bin/env python3
"""PyTorch reference for bench/mlp.ts: the same MLPs and matmuls on CUDA, fp32 with TF32 off.

MLP S 784-256-10 (batch 256), M 784-1024-1024-10 (batch 1024), L 784-4096-4096-10 (batch 4096):
relu hidden layers, linear output, MSE (mean over batch x outputs), SGD momentum 0.9 (PyTorch's
v := 0.9 v + g, w := w - lr v, the same trajectory as webgpu-train's m := 0.9 m - lr g, w := w + m),
He-normal weights and zero biases from a seed, synthetic inputs uniform in [0, 1) and one-hot targets.
The dataset lives on the GPU; each step gathers its batch rows through a random permutation, like
webgpu-train does.

ms/step = wall time of a call of `steps` training steps, ending with the read-back of all their losses
(one torch.cuda.synchronize), divided by steps; median over repeats after a warm-up call. Also given:
ms/step with a synchronize after every step (latency of one step). Matmul: `per_call` products in a
row, then synchronize; CUDA-event time as well.

Before timing, each benchmark checks itself: three momentum steps against the same model in float64
on the CPU (losses within 1e-3 relative), and sampled rows of each matmul against float64.

Usage (GPU machine only; prints exactly one JSON object on stdout):
  python3 bench/pytorch_mlp.py [--quick] [--only S,M,L] [--matmul 4096,1024x2048x512] [--device cuda]
"""

import argparse
import datetime
import json
import math
import platform
import statistics
import sys
import time

import torch

INPUT = 784
OUTPUT = 10
LEARNING_RATE = 0.01
MOMENTUM = 0.9
MODELS = {
    "S": {"hidden": [256], "batch": 256, "check_batch": 256},
    "M": {"hidden": [1024, 1024], "batch": 1024, "check_batch": 64},
    "L": {"hidden": [4096, 4096], "batch": 4096, "check_batch": 16},
}
STEPS = {"S": (64, 16), "M": (32, 8), "L": (16, 4)}  # (full, --quick)
REPEATS = (7, 3)
CHECK_STEPS = 3
CHECK_RTOL = 1e-3
VARIANTS = {"NT": (False, True), "NN": (False, False), "TN": (True, False)}


def log(line):
    print(line, file=sys.stderr, flush=True)


def sizes_of(name):
    return [INPUT, *MODELS[name]["hidden"], OUTPUT]


def make_layers(name, seed, device, dtype):
    gen = torch.Generator(device="cpu").manual_seed(seed)
    sizes = sizes_of(name)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = torch.randn(n_out, n_in, generator=gen, dtype=torch.float64) * math.sqrt(2.0 / n_in)
        layer = torch.nn.Linear(n_in, n_out, dtype=dtype)
        with torch.no_grad():
            layer.weight.copy_(w.to(dtype))
            layer.bias.zero_()
        layers.append(layer)
    mods = []
    for i, layer in enumerate(layers):
        mods.append(layer)
        if i < len(layers) - 1:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods).to(device)


def synthetic(rows, seed, device, dtype):
    gen = torch.Generator(device="cpu").manual_seed(seed)
    x = torch.rand(rows, INPUT, generator=gen, dtype=torch.float32)
    labels = torch.randint(0, OUTPUT, (rows,), generator=gen)
    y = torch.nn.functional.one_hot(labels, OUTPUT).to(torch.float32)
    return x.to(device=device, dtype=dtype), y.to(device=device, dtype=dtype)


def train_call(model, opt, x, y, order, batch, sync_each_step=False):
    """Steps over `order` in batches; returns all losses, read back once at the end."""
    steps = order.numel() // batch
    losses = []
    for s in range(steps):
        idx = order[s * batch:(s + 1) * batch]
        xb = x.index_select(0, idx)
        yb = y.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.detach())
        if sync_each_step:
            torch.cuda.synchronize()
    return torch.stack(losses).cpu()


def check_mlp(name, seed, device):
    batch = MODELS[name]["check_batch"]
    order = torch.arange(batch).repeat(CHECK_STEPS)
    results = {}
    for label, dev, dtype in (("reference", "cpu", torch.float64), ("gpu", device, torch.float32)):
        model = make_layers(name, seed, dev, dtype)
        opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
        x, y = synthetic(batch, seed + 100, dev, dtype)
        results[label] = train_call(model, opt, x, y, order.to(dev), batch).double().tolist()
    worst = max(abs(g - r) / max(abs(r), 1e-30) for g, r in zip(results["gpu"], results["reference"]))
    return {
        "ok": worst <= CHECK_RTOL,
        "what": f"{CHECK_STEPS} momentum steps on one batch of {batch}: float32 {device} vs float64 CPU, rtol {CHECK_RTOL}",
        "referenceLosses": results["reference"],
        "gpuLosses": results["gpu"],
        "worstRel": float(f"{worst:.3g}"),
    }


def summarize(samples):
    return {
        "samples": [float(f"{s:.4g}") for s in samples],
        "median": float(f"{statistics.median(samples):.4g}"),
        "min": float(f"{min(samples):.4g}"),
        "max": float(f"{max(samples):.4g}"),
    }


def bench_mlp(name, seed, device, quick, steps_override, repeats_override):
    batch = MODELS[name]["batch"]
    sizes = sizes_of(name)
    params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    flops = 6 * params * batch
    steps = steps_override or STEPS[name][1 if quick else 0]
    repeats = repeats_override or REPEATS[1 if quick else 0]
    result = {"model": name, "layers": "-".join(map(str, sizes)), "batch": batch, "params": params,
              "flopsPerStep": flops, "steps": steps, "repeats": repeats}
    log(f"MLP {name} {result['layers']}, batch {batch}: check...")
    result["check"] = check_mlp(name, seed, device)
    if not result["check"]["ok"]:
        result["error"] = "losses differ from the float64 reference: not timed"
        return result
    model = make_layers(name, seed, device, torch.float32)
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    x, y = synthetic(batch * steps, seed, device, torch.float32)
    gen = torch.Generator(device="cpu").manual_seed(seed + 1000)

    def timed(sync_each_step):
        order = torch.randperm(batch * steps, generator=gen).to(device)
        torch.cuda.synchronize()
        start = time.perf_counter()
        losses = train_call(model, opt, x, y, order, batch, sync_each_step)
        ms = (time.perf_counter() - start) * 1e3
        if not torch.isfinite(losses).all():
            raise RuntimeError(f"loss became {losses.tolist()}")
        return ms / steps

    first = timed(False)
    samples = [timed(False) for _ in range(repeats)]
    synced = [timed(True) for _ in range(repeats)]
    result["firstCallMsPerStep"] = float(f"{first:.4g}")
    result["msPerStep"] = summarize(samples)
    result["msPerStepSyncedEachStep"] = summarize(synced)
    med = result["msPerStep"]["median"]
    result["samplesPerSecond"] = round(batch / (med / 1e3))
    result["tflops"] = float(f"{flops / (med * 1e-3) / 1e12:.4g}")
    log(f"  {med} ms/step, {result['tflops']} TFLOP/s (synced each step: {result['msPerStepSyncedEachStep']['median']} ms)")
    return result


def parse_size(text):
    parts = [int(p) for p in text.lower().replace("×", "x").split("x")]
    if len(parts) == 1:
        return parts * 3
    if len(parts) == 3:
        return parts
    raise ValueError(f"cannot read matmul size {text!r} (use N or MxNxK)")


def bench_matmul(m, n, k, variant, seed, device, repeats):
    trans_a, trans_b = VARIANTS[variant]
    gen = torch.Generator(device="cpu").manual_seed(seed)
    a = (torch.rand((k, m) if trans_a else (m, k), generator=gen) * 2 - 1).to(device)
    b = (torch.rand((n, k) if trans_b else (k, n), generator=gen) * 2 - 1).to(device)

    def product():
        return (a.t() if trans_a else a) @ (b.t() if trans_b else b)

    c = product()
    rows = sorted({0, m - 1, m // 3, (2 * m) // 3})
    a64 = (a.t() if trans_a else a).double().cpu()[rows]
    b64 = (b.t() if trans_b else b).double().cpu()
    ref = a64 @ b64
    mag = a64.abs() @ b64.abs()
    tol = 8 * math.sqrt(k) * 2.0 ** -24 * mag + 1e-6
    worst = ((c.double().cpu()[rows] - ref).abs() / tol).max().item()
    check = {"ok": worst <= 1, "what": f"rows {rows} vs float64", "worst": float(f"{worst:.3g}")}
    flops = 2 * m * n * k
    out = {"size": f"{m}x{n}x{k}", "M": m, "N": n, "K": k, "variant": variant, "flops": flops, "check": check}
    if not check["ok"]:
        out["error"] = "wrong result: not timed"
        return out
    per_call = max(2, min(64, math.ceil(1e12 / flops)))
    for _ in range(per_call):
        c = product()
    torch.cuda.synchronize()
    wall, events = [], []
    for _ in range(repeats):
        start_ev, end_ev = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start = time.perf_counter()
        start_ev.record()
        for _ in range(per_call):
            c = product()
        end_ev.record()
        torch.cuda.synchronize()
        wall.append((time.perf_counter() - start) * 1e3 / per_call)
        events.append(start_ev.elapsed_time(end_ev) / per_call)
    out["perCall"] = per_call
    out["ms"] = summarize(wall)
    out["tflops"] = float(f"{flops / (out['ms']['median'] * 1e-3) / 1e12:.4g}")
    out["gpuMs"] = summarize(events)
    out["gpuTflops"] = float(f"{flops / (out['gpuMs']['median'] * 1e-3) / 1e12:.4g}")
    log(f"matmul {out['size']} {variant}: {out['ms']['median']} ms, {out['tflops']} TFLOP/s")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="S,M,L", help="MLPs to run, or 'none'")
    parser.add_argument("--matmul", default="4096", help="sizes N or MxNxK, comma-separated, or 'none'")
    parser.add_argument("--variants", default="NT,NN,TN")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()

    started = datetime.datetime.now(datetime.timezone.utc).isoformat()
    if not torch.cuda.is_available():
        print(json.dumps({"date": started, "error": "CUDA is not available: this benchmark runs on the GPU machine"}))
        sys.exit(1)
    # fp32 throughout: no TF32 in matmuls or convolutions.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    torch.manual_seed(args.seed)

    report = {
        "date": started,
        "command": "python3 " + " ".join(sys.argv),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "device": torch.cuda.get_device_name(args.device),
        "python": platform.python_version(),
        "settings": {"tf32Matmul": torch.backends.cuda.matmul.allow_tf32, "tf32Cudnn": torch.backends.cudnn.allow_tf32,
                     "learningRate": LEARNING_RATE, "momentum": MOMENTUM, "loss": "mse", "init": "he", "quick": args.quick},
        "mlp": [],
        "matmul": [],
    }
    models = [] if args.only == "none" else [m.strip().upper() for m in args.only.split(",")]
    for name in models:
        if name not in MODELS:
            parser.error(f"unknown model {name}")
        try:
            report["mlp"].append(bench_mlp(name, args.seed, args.device, args.quick, args.steps, args.repeats))
        except Exception as error:  # report and go on with the other benchmarks
            report["mlp"].append({"model": name, "error": repr(error)})
    sizes = [] if args.matmul == "none" else [parse_size(s) for s in args.matmul.split(",")]
    repeats = args.repeats or REPEATS[1 if args.quick else 0]
    for m, n, k in sizes:
        for variant in [v.strip().upper() for v in args.variants.split(",")]:
            try:
                report["matmul"].append(bench_matmul(m, n, k, variant, args.seed, args.device, repeats))
            except Exception as error:
                report["matmul"].append({"size": f"{m}x{n}x{k}", "variant": variant, "error": repr(error)})
    print(json.dumps(report))


if __name__ == "__main__":
    main()
