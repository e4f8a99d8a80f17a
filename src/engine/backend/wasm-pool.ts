/**
 * @module engine/backend/wasm-pool
 * Worker threads for the wasm backend. Each worker instantiates the kernels on the shared memory with its own
 * stack and packing workspaces, then sleeps in Atomics.wait until the main thread publishes a job (bumps the
 * generation counter). The main thread runs part 0 itself and then sleeps in Atomics.wait until the pending
 * count reaches 0: a synchronous fork-join without spinning (spinning threads steal the only other core of a
 * small machine). Workers are unref'd so they never keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import { DESCRIPTOR_LENGTH, runPartSource } from './wasm-part.ts';
import type { WasmLayout } from './wasm-module.ts';

const GENERATION = 0;
const PENDING = 1;
const READY = 2;
const FAILED = 3;

const workerSource = `
const { workerData } = require('node:worker_threads');
${runPartSource}
const { module, memory, control, job, index, stackTop, workspaceA, workspaceB } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const kernels = instance.exports;
kernels.__stack_pointer.value = stackTop;
const ctrl = new Int32Array(control);
const descriptor = new Float64Array(job);
let seen = 0;
Atomics.add(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
for (;;) {
  Atomics.wait(ctrl, ${GENERATION}, seen);
  seen = Atomics.load(ctrl, ${GENERATION});
  if (index < descriptor[16]) {
    try { runPart(kernels, descriptor, index, workspaceA, workspaceB); }
    catch (error) { Atomics.store(ctrl, ${FAILED}, 1); }
    finally { if (Atomics.sub(ctrl, ${PENDING}, 1) === 1) Atomics.notify(ctrl, ${PENDING}); }
  }
}
`;

export class WasmPool {
  readonly job = new Float64Array(new SharedArrayBuffer(DESCRIPTOR_LENGTH * 8));
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly workers: Worker[] = [];
  private failed: string | undefined;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, layout: WasmLayout) {
    for (let index = 1; index < layout.threads; index++) {
      const worker = new Worker(workerSource, {
        eval: true,
        execArgv: [],
        workerData: {
          module,
          memory,
          control: this.control.buffer,
          job: this.job.buffer,
          index,
          stackTop: layout.stackTop[index],
          workspaceA: layout.workspaceA[index],
          workspaceB: layout.workspaceB[index],
        },
      });
      worker.on('error', (error) => {
        this.failed = error.message;
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Extra threads that are up; waits (up to 10 s, once) for them to start. 0 if they failed. */
  readyWorkers(): number {
    const want = this.workers.length;
    const deadline = Date.now() + 10_000;
    let ready = Atomics.load(this.control, READY);
    while (ready < want && !this.failed && Date.now() < deadline) {
      Atomics.wait(this.control, READY, ready, 100);
      ready = Atomics.load(this.control, READY);
    }
    return this.failed ? 0 : ready;
  }

  /** Runs parts 1..parts-1 of the job in `this.job` on the workers while `runMain` does part 0. */
  run(parts: number, runMain: () => void): void {
    this.job[16] = parts;
    Atomics.store(this.control, PENDING, parts - 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    try {
      runMain();
    } finally {
      for (let pending = Atomics.load(this.control, PENDING); pending !== 0; pending = Atomics.load(this.control, PENDING)) {
        Atomics.wait(this.control, PENDING, pending);
      }
    }
    if (Atomics.exchange(this.control, FAILED, 0) !== 0) throw new Error('a wasm GEMM worker thread failed');
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
