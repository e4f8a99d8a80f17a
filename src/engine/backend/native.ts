/**
 * @module engine/backend/native
 * The `native` backend: GEMM in the C++ addon (AVX-512 / AMX-BF16 / AVX512-BF16 / AVX2 kernels picked at run time,
 * both cores above a FLOP threshold; products with at most 8 rows — decode steps — stream B unpacked instead,
 * see backend.ts). Zero-copy: the typed arrays go straight to the kernels.
 */
import type { Backend, GemmArgs } from './backend.ts';
import { gemmParams, resolveGemmArgs } from './gemm-args.ts';
import type { NativeAddon, NativeInfo } from './native-addon.ts';

function describe(info: NativeInfo): string {
  const fp32 = info.isa === 'avx512' ? 'AVX-512 FP32' : info.isa === 'avx2' ? 'AVX2 FP32' : 'portable FP32';
  const bf16Kernel = { amx: 'AMX-BF16', avx512bf16: 'AVX512-BF16', widened: 'bf16 widened to FP32' }[info.bf16];
  // An AMX CPU whose tiles could not be used says why once, in the start-up line.
  const bf16 = info.amx === 'denied' || info.amx === 'self-test failed' ? `${bf16Kernel}; AMX ${info.amx}` : bf16Kernel;
  return `native (${fp32}, ${bf16}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`;
}

export function createNativeBackend(addon: NativeAddon): Backend {
  const params = new Float64Array(13);
  const info = addon.info();
  return {
    name: 'native',
    description: describe(info),
    fastBf16: info.bf16 !== 'widened',
    gemm(a: Float32Array, b: Float32Array, c: Float32Array, args: GemmArgs) {
      addon.gemm(0, a, b, c, gemmParams(resolveGemmArgs(args, a.length, b.length, c.length), params));
    },
    gemmBf16(a: Float32Array, b: Uint16Array, c: Float32Array, args: GemmArgs) {
      addon.gemm(1, a, b, c, gemmParams(resolveGemmArgs(args, a.length, b.length, c.length), params));
    },
  };
}
