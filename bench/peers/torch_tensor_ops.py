"""
Peer for `npm run bench -- tensor-ops`: the same fused ops in plain PyTorch (Debian python3-torch, CPU, 2 threads),
forward + backward each, written as Hugging Face's Llama does them. Prints one JSON object {op: median ms}.

usage: /usr/bin/python3 bench/peers/torch_tensor_ops.py '{"batch":4,"tokens":256,...,"repeats":5}'
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

config = json.loads(sys.argv[1])
torch.set_num_threads(config.get("threads", 2))
torch.manual_seed(0)
B, T, C, H, F_, V = (config[key] for key in ("batch", "tokens", "dim", "heads", "ffn", "vocab"))
D = C // H


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


def rms_norm(x, w):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))


def rotate_half(x):
    return torch.cat((-x[..., D // 2:], x[..., : D // 2]), dim=-1)


inv_freq = 1.0 / (10000 ** (torch.arange(0, D, 2).float() / D))
angles = torch.arange(T).float()[:, None] * inv_freq[None, :]
emb = torch.cat((angles, angles), dim=-1)
cos, sin = emb.cos()[None, :, None, :], emb.sin()[None, :, None, :]
causal = torch.ones(T, T, dtype=torch.bool).tril()

x, w = leaf(B, T, C), leaf(C)
gate, up = leaf(B, T, F_), leaf(B, T, F_)
q, k, v = leaf(B, T, H, D), leaf(B, T, H, D), leaf(B, T, H, D)
logits = leaf(B * T, V)
hidden, head = leaf(B * T, C), leaf(V, C, scale=0.02)
targets = torch.randint(0, V, (B * T,))


def attention(q, k, v):
    qh, kh, vh = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    scores = (qh @ kh.transpose(-1, -2)) / math.sqrt(D)
    scores = scores.masked_fill(~causal, float("-inf"))
    return (torch.softmax(scores, dim=-1) @ vh).transpose(1, 2)


ops = {
    "rmsNorm": lambda: rms_norm(x, w),
    "swiglu": lambda: F.silu(gate) * up,
    "rope": lambda: q * cos + rotate_half(q) * sin,
    "attention": lambda: attention(q, k, v),
    "crossEntropy": lambda: F.cross_entropy(logits, targets),
    "linear+crossEntropy": lambda: F.cross_entropy(hidden @ head.t(), targets),
}


def run(fn):
    out = fn()
    out.backward(torch.ones_like(out) if out.dim() else None)


result = {}
for name, fn in ops.items():
    run(fn)
    times = []
    for _ in range(config.get("repeats", 5)):
        start = time.perf_counter()
        run(fn)
        times.append((time.perf_counter() - start) * 1000)
    result[name] = statistics.median(times)
print(json.dumps(result))
