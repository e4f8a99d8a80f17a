"""Independent PyTorch (Debian python3-torch) reference for the tensor ops, used by torch-parity.slow.test.ts.

Reads a JSON file of cases (inputs as flat lists + shapes), computes each op with PyTorch in float64 the way
Hugging Face / Meta write it, and writes outputs and input gradients (for a given upstream gradient) as JSON.
Usage: python3 torch-reference.py INPUT.json OUTPUT.json
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def tensor(entry, grad=True):
    t = torch.tensor(entry["data"], dtype=torch.float64).reshape(entry["shape"])
    return t.requires_grad_(grad)


def flat(t):
    return t.detach().reshape(-1).tolist()


def run(inputs, compute, upstream):
    out = compute(*inputs)
    out.backward(torch.tensor(upstream, dtype=torch.float64).reshape(out.shape))
    return {"output": flat(out), "grads": [flat(t.grad) if t.grad is not None else None for t in inputs]}


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def default_inv_freq(dim, theta):
    # Hugging Face _compute_default_rope_parameters (float32 arithmetic)
    return 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.int64).to(torch.float32) / dim))


def llama3_inv_freq(dim, theta, factor, low, high, context):
    # Hugging Face _compute_llama3_parameters
    inv_freq = default_inv_freq(dim, theta)
    low_wavelen = context / low
    high_wavelen = context / high
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
    smooth = (context / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * inv_freq_llama / factor + smooth * inv_freq_llama
    medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
    return torch.where(medium, smoothed, inv_freq_llama)


def attention(case):
    q, k, v = (tensor(case[name]) for name in ("q", "k", "v"))
    o = case["options"]
    batch, tokens, heads, dim = q.shape
    keys, kv_heads = k.shape[1], k.shape[2]
    segments = torch.tensor(o["segmentIds"]).reshape(batch, tokens) if "segmentIds" in o else None
    key_mask = torch.tensor(o["keyMask"]).reshape(batch, keys) if "keyMask" in o else None
    offset = o.get("offset", 0)
    query_pos = torch.arange(tokens).reshape(1, tokens, 1) + offset
    key_pos = torch.arange(keys).reshape(1, 1, keys)
    allowed = torch.ones(batch, tokens, keys, dtype=torch.bool)
    if o.get("causal", True):
        allowed &= key_pos <= query_pos
    if "window" in o:
        allowed &= (query_pos - key_pos) < o["window"]
    if segments is not None:
        allowed &= segments[:, :, None] == segments[:, None, :]
    if key_mask is not None:
        allowed &= key_mask[:, None, :].bool()

    def compute(q, k, v):
        # Hugging Face eager attention: repeat_kv, scores, additive mask, softmax, weighted sum
        group = heads // kv_heads
        qh = q.transpose(1, 2)
        kh = k.transpose(1, 2).repeat_interleave(group, dim=1)
        vh = v.transpose(1, 2).repeat_interleave(group, dim=1)
        scores = qh @ kh.transpose(-1, -2) / math.sqrt(dim)
        scores = scores.masked_fill(~allowed[:, None, :, :], float("-inf"))
        return (torch.softmax(scores, dim=-1) @ vh).transpose(1, 2)

    return run([q, k, v], compute, case["upstream"])


def rope(case):
    x = tensor(case["x"])
    dim = x.shape[-1]
    s = case["scaling"]
    inv_freq = llama3_inv_freq(dim, case["theta"], s["factor"], s["low"], s["high"], s["context"])
    positions = torch.tensor(case["positions"], dtype=torch.float32)
    freqs = positions[:, None] * inv_freq[None, :]  # float32, as Hugging Face
    result = {"invFreq": inv_freq.double().tolist()}

    def half(x):
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().double()[None, :, None, :], emb.sin().double()[None, :, None, :]
        return x * cos + rotate_half(x) * sin

    def interleaved(x):
        # Meta llama / llama2.c: pairs (2i, 2i+1) as complex numbers times e^{i·angle}
        rotation = torch.polar(torch.ones_like(freqs), freqs).to(torch.complex128)[None, :, None, :]
        pairs = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2))
        return torch.view_as_real(pairs * rotation).flatten(3)

    result["half"] = run([x], half, case["upstream"])
    x.grad = None
    result["interleaved"] = run([x], interleaved, case["upstream"])
    return result


def cross_entropy(case):
    logits = tensor(case["logits"])
    targets = torch.tensor(case["targets"])
    return run([logits], lambda z: F.cross_entropy(z, targets, ignore_index=-100), [1.0])


def rms_norm(case):
    x, w = tensor(case["x"]), tensor(case["weight"])
    eps = case["eps"]
    # Hugging Face LlamaRMSNorm
    return run([x, w], lambda x, w: w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)), case["upstream"])


def pointwise(case):
    x = tensor(case["x"])
    functions = {
        "silu": F.silu,
        "gelu": F.gelu,
        "geluTanh": lambda t: F.gelu(t, approximate="tanh"),
        "logSoftmax": lambda t: torch.log_softmax(t, dim=-1),
        "swiglu": lambda t: F.silu(t[..., : t.shape[-1] // 2]) * t[..., t.shape[-1] // 2 :],
    }
    result = {}
    for name, fn in functions.items():
        x.grad = None
        upstream = case["upstreamHalf"] if name == "swiglu" else case["upstream"]
        result[name] = run([x], fn, upstream)
    return result


def linear(case):
    x, w, b = tensor(case["x"]), tensor(case["weight"]), tensor(case["bias"])
    return run([x, w, b], F.linear, case["upstream"])


def main():
    cases = json.load(open(sys.argv[1]))
    handlers = {"attention": attention, "rope": rope, "crossEntropy": cross_entropy, "rmsNorm": rms_norm,
                "pointwise": pointwise, "linear": linear}
    results = {name: [handlers[name.split(":")[0]](case)] for name, case in cases.items()}
    json.dump({name: value[0] for name, value in results.items()}, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
