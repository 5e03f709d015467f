"""The workloads of ../shared/peer/torchsharp/Program.cs in PyTorch, so `scratch bench` can be compared
with PyTorch on the same device (bench/gpu-check.sh runs it on a GPU machine).

    python3 bench/torch_bench.py [WORKLOAD ...] [--device cuda|cpu] [--iters N] [--warmup N] [--tf32]

Prints one JSON line per workload, as the peer does:
{"workload":..,"engine":"pytorch","device":..,"median_ms":..,"min_ms":..,"iters":..}

The models, batch sizes, noise, losses and optimizer settings are the peer's, line for line. Two
things differ because the peer only runs on a CPU: each timed step ends with torch.cuda.synchronize()
(`scratch bench` waits for its device the same way), and TF32 is off unless --tf32, since Scratch
multiplies in full float32 (PyTorch lets cuDNN convolutions use TF32 by default).
"""
import argparse
import json
import sys
import time

import torch
from torch import nn

WORKLOADS = ["gemm", "vanilla-step", "dcgan-step", "wgan-gp-step", "sample-1k", "dcgan64-step"]
B, NZ = 128, 96


def vanilla_d():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.LeakyReLU(0.01), nn.Linear(256, 256), nn.LeakyReLU(0.01), nn.Linear(256, 1))


def vanilla_g():
    return nn.Sequential(nn.Linear(NZ, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 784), nn.Tanh())


def dc_d():
    return nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 32, 5), nn.LeakyReLU(0.01), nn.MaxPool2d(2, 2),
                         nn.Conv2d(32, 64, 5), nn.LeakyReLU(0.01), nn.MaxPool2d(2, 2), nn.Flatten(),
                         nn.Linear(1024, 1024), nn.LeakyReLU(0.01), nn.Linear(1024, 1))


def dc_g():
    return nn.Sequential(nn.Linear(NZ, 1024), nn.ReLU(), nn.BatchNorm1d(1024), nn.Linear(1024, 7 * 7 * 128), nn.ReLU(),
                         nn.BatchNorm1d(7 * 7 * 128), nn.Unflatten(1, (128, 7, 7)),
                         nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1), nn.ReLU(), nn.BatchNorm2d(64),
                         nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), nn.Tanh(), nn.Flatten())


def g64(nz=100, dim=64):
    """The 64x64 DCGAN of NTU ML 2022 HW6 (one channel, for MNIST resized to 64x64)."""
    def up(i, o):
        return nn.Sequential(nn.ConvTranspose2d(i, o, 5, stride=2, padding=2, output_padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU())
    return nn.Sequential(nn.Linear(nz, dim * 8 * 4 * 4, bias=False), nn.BatchNorm1d(dim * 8 * 4 * 4), nn.ReLU(),
                         nn.Unflatten(1, (dim * 8, 4, 4)), up(dim * 8, dim * 4), up(dim * 4, dim * 2), up(dim * 2, dim),
                         nn.ConvTranspose2d(dim, 1, 5, stride=2, padding=2, output_padding=1), nn.Tanh())


def d64(dim=64):
    def down(i, o):
        return nn.Sequential(nn.Conv2d(i, o, 5, stride=2, padding=2), nn.BatchNorm2d(o), nn.LeakyReLU(0.2))
    return nn.Sequential(nn.Conv2d(1, dim, 5, stride=2, padding=2), nn.LeakyReLU(0.2), down(dim, dim * 2), down(dim * 2, dim * 4),
                         down(dim * 4, dim * 8), nn.Conv2d(dim * 8, 1, 4), nn.Flatten())


def gemm(dev):
    a, b = torch.rand(128, 784, device=dev), torch.rand(784, 1024, device=dev)
    return lambda: torch.matmul(a, b)


def sample(g, dev):
    g.eval()

    def step():
        with torch.no_grad():
            g(torch.rand(1000, NZ, device=dev) * 2 - 1)
    return step


def gan_step(d, g, dev, gp, b=B, nz=NZ, image=(784,), normal=False):
    """One D (critic) step on a real and a fake batch, then one G step, Adam on both. gp=False: BCE with
    logits (non-saturating G); gp=True: the WGAN-GP critic loss with lambda 10 (double backward)."""
    od = torch.optim.Adam(d.parameters(), 1e-3, betas=(0.5, 0.999))
    og = torch.optim.Adam(g.parameters(), 1e-3, betas=(0.5, 0.999))
    real = torch.rand((b, *image), device=dev) * 2 - 1
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(b, 1, device=dev), torch.zeros(b, 1, device=dev)

    def noise():
        return torch.randn(b, nz, device=dev) if normal else torch.rand(b, nz, device=dev) * 2 - 1

    def step():
        od.zero_grad()
        fake = g(noise()).detach()
        if not gp:
            ld = bce(d(real), ones) + bce(d(fake), zeros)
        else:
            alpha = torch.rand(b, 1, device=dev)
            mix = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
            score = d(mix)
            grad = torch.autograd.grad([score], [mix], [torch.ones_like(score)], retain_graph=True, create_graph=True)[0]
            penalty = ((grad.pow(2).sum(1) + 1e-12).sqrt() - 1).pow(2).mean()
            ld = d(fake).mean() - d(real).mean() + 10 * penalty
        ld.backward()
        od.step()
        og.zero_grad()
        s = d(g(noise()))
        lg = -s.mean() if gp else bce(s, ones)
        lg.backward()
        og.step()
    return step


def workload(name, dev):
    torch.manual_seed(0)
    if name == "gemm":
        return gemm(dev)
    if name == "vanilla-step":
        return gan_step(vanilla_d().to(dev), vanilla_g().to(dev), dev, gp=False)
    if name == "dcgan-step":
        return gan_step(dc_d().to(dev), dc_g().to(dev), dev, gp=False)
    if name == "wgan-gp-step":
        return gan_step(dc_d().to(dev), dc_g().to(dev), dev, gp=True)
    if name == "sample-1k":
        return sample(dc_g().to(dev), dev)
    if name == "dcgan64-step":
        return gan_step(d64().to(dev), g64().to(dev), dev, gp=False, b=64, nz=100, image=(1, 64, 64), normal=True)
    raise ValueError(name)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("workloads", nargs="*", metavar="WORKLOAD", help="any of " + ", ".join(WORKLOADS) + " (default: all)")
    p.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu (default cuda)")
    p.add_argument("--iters", type=int, default=10, help="timed runs (default 10)")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    p.add_argument("--tf32", action="store_true", help="let matmuls and convolutions use TF32 (off: full float32, as Scratch)")
    a = p.parse_args()
    for w in a.workloads:
        if w not in WORKLOADS:
            sys.exit(f"torch_bench: unknown workload '{w}' ({', '.join(WORKLOADS)})")
    if a.iters < 1 or a.warmup < 0:
        sys.exit("torch_bench: --iters must be at least 1 and --warmup at least 0")
    dev = torch.device(a.device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        sys.exit("torch_bench: this PyTorch sees no CUDA device (torch.cuda.is_available() is False)")
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.backends.cudnn.allow_tf32 = a.tf32
    wait = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    for w in a.workloads or WORKLOADS:
        step = workload(w, dev)
        for _ in range(a.warmup):
            step()
        wait()
        times = []
        for _ in range(a.iters):
            t0 = time.perf_counter()
            step()
            wait()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(json.dumps({"workload": w, "engine": "pytorch", "device": f"{dev.type} ({name})" if dev.type == "cuda" else "cpu",
                          "median_ms": round(times[len(times) // 2], 3), "min_ms": round(times[0], 3), "iters": a.iters,
                          "torch": torch.__version__, "tf32": a.tf32}, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
