"""
Peer for `npm run bench -- train`: the same Llama training step in plain PyTorch (Debian python3-torch,
CPU). Forward, cross-entropy, backward and AdamW, for LoRA (frozen base, adapters on q,k,v,o,gate,up,down)
and full fine-tuning, in FP32 and with bf16 autocast. Prints one JSON object with median tokens/s per case.

usage: /usr/bin/python3 bench/peers/torch_train.py '{"vocab":32000,"dim":512,...,"steps":5,"warmup":1}'
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoRALinear(nn.Module):
    """y = W x + (alpha / r) · B A x, A Kaiming-uniform, B zeros (Hu et al. 2021)."""

    def __init__(self, in_features, out_features, r, alpha):
        super().__init__()
        self.base = nn.Linear(in_features, out_features, bias=False)
        self.r = r
        self.scale = alpha / r if r else 0.0
        if r:
            self.lora_a = nn.Parameter(torch.empty(r, in_features))
            self.lora_b = nn.Parameter(torch.zeros(out_features, r))
            nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))

    def forward(self, x):
        y = self.base(x)
        if self.r:
            y = y + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale
        return y


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope(x, cos, sin):
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class Block(nn.Module):
    def __init__(self, c, r, alpha):
        super().__init__()
        dim, hidden = c["dim"], c["hidden"]
        self.heads = c["heads"]
        self.attention_norm = RMSNorm(dim)
        self.q = LoRALinear(dim, dim, r, alpha)
        self.k = LoRALinear(dim, dim, r, alpha)
        self.v = LoRALinear(dim, dim, r, alpha)
        self.o = LoRALinear(dim, dim, r, alpha)
        self.ffn_norm = RMSNorm(dim)
        self.gate = LoRALinear(dim, hidden, r, alpha)
        self.up = LoRALinear(dim, hidden, r, alpha)
        self.down = LoRALinear(hidden, dim, r, alpha)

    def forward(self, x, cos, sin, mask):
        B, T, C = x.shape
        hd = C // self.heads
        h = self.attention_norm(x)
        q = self.q(h).view(B, T, self.heads, hd).transpose(1, 2)
        k = self.k(h).view(B, T, self.heads, hd).transpose(1, 2)
        v = self.v(h).view(B, T, self.heads, hd).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(hd) + mask
        attention = torch.softmax(scores.float(), dim=-1).to(v.dtype) @ v
        x = x + self.o(attention.transpose(1, 2).reshape(B, T, C))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Llama(nn.Module):
    def __init__(self, c, r, alpha):
        super().__init__()
        self.embed = nn.Embedding(c["vocab"], c["dim"])
        self.blocks = nn.ModuleList([Block(c, r, alpha) for _ in range(c["layers"])])
        self.norm = RMSNorm(c["dim"])
        self.head = nn.Linear(c["dim"], c["vocab"], bias=False)
        hd = c["dim"] // c["heads"]
        inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
        angles = torch.outer(torch.arange(c["seq"]).float(), inv)
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)
        self.register_buffer("mask", torch.full((c["seq"], c["seq"]), float("-inf")).triu(1), persistent=False)

    def forward(self, ids):
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x, self.cos, self.sin, self.mask)
        return self.head(self.norm(x))


def measure(c, lora, bf16):
    torch.manual_seed(0)
    model = Llama(c, c["r"] if lora else 0, c["alpha"])
    if lora:
        for name, parameter in model.named_parameters():
            parameter.requires_grad = "lora_" in name
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=2e-4)
    ids = torch.randint(0, c["vocab"], (c["batch"], c["seq"] + 1))
    inputs, targets = ids[:, :-1], ids[:, 1:]
    times = []
    for step in range(c["warmup"] + c["steps"]):
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(inputs)
        loss = F.cross_entropy(logits.float().reshape(-1, c["vocab"]), targets.reshape(-1))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step >= c["warmup"]:
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {"seconds": median, "tokensPerSecond": c["batch"] * c["seq"] / median, "loss": loss.item()}


def main():
    c = {"vocab": 32000, "dim": 512, "layers": 8, "heads": 8, "hidden": 1376, "batch": 4, "seq": 256,
         "r": 16, "alpha": 32, "steps": 5, "warmup": 1, "cases": ["lora-fp32", "full-fp32", "lora-bf16", "full-bf16"]}
    if len(sys.argv) > 1:
        c.update(json.loads(sys.argv[1]))
    # Debian's build starts with 1 thread on this machine; Sling uses both cores, so the peer must too.
    torch.set_num_threads(c.get("threads", 2))
    result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for case in c["cases"]:
        method, precision = case.split("-")
        result[case] = measure(c, method == "lora", precision == "bf16")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
