/**
 * @module engine/backend/wasm-pool
 * Worker threads for the wasm backend. Each worker instantiates the kernels on the shared memory with its own
 * stack and packing workspaces, then sleeps in Atomics.wait until the main thread publishes a job. Parts of a
 * job are claimed dynamically through one shared word (generation tag << 16 | next part): the main thread
 * starts claiming at once and workers join when they wake, so on a busy 2-core machine, where a woken worker
 * may not get a core for milliseconds, the main thread just runs the remaining parts itself instead of
 * waiting. Nobody spins. Workers are unref'd so they never keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import { DESCRIPTOR_LENGTH, runPartSource } from './wasm-part.ts';
import type { WasmLayout } from './wasm-module.ts';

const GENERATION = 0;
const FINISHED = 1;
const READY = 2;
const FAILED = 3;
const CLAIM = 4;

/** Shared by the workers (as source) and the main thread: claims the next part of job `tag`, or -1. */
const claimSource = `
function claimPart(control, tag, parts) {
  for (;;) {
    const current = Atomics.load(control, ${CLAIM});
    if (current >>> 16 !== tag || (current & 0xffff) >= parts) return -1;
    if (Atomics.compareExchange(control, ${CLAIM}, current, current + 1) === current) return current & 0xffff;
  }
}
function finishPart(control, parts) {
  if (Atomics.add(control, ${FINISHED}, 1) + 1 === parts) Atomics.notify(control, ${FINISHED});
}`;

const workerSource = `
const { workerData } = require('node:worker_threads');
${runPartSource}
${claimSource}
const { module, memory, control, job, stackTop, workspaceA, workspaceB } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const kernels = instance.exports;
kernels.__stack_pointer.value = stackTop;
const ctrl = new Int32Array(control);
const descriptor = new Float64Array(job);
let seen = Atomics.load(ctrl, ${GENERATION});
Atomics.add(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
for (;;) {
  Atomics.wait(ctrl, ${GENERATION}, seen);
  seen = Atomics.load(ctrl, ${GENERATION});
  for (;;) {
    const parts = descriptor[16];
    const part = claimPart(ctrl, seen & 0xffff, parts);
    if (part < 0) break;
    try { runPart(kernels, descriptor, part, workspaceA, workspaceB); }
    catch (error) { Atomics.store(ctrl, ${FAILED}, 1); }
    finally { finishPart(ctrl, parts); }
  }
}
`;

const { claimPart, finishPart } = new Function(`${claimSource}\nreturn { claimPart, finishPart };`)() as {
  claimPart: (control: Int32Array, tag: number, parts: number) => number;
  finishPart: (control: Int32Array, parts: number) => void;
};

export class WasmPool {
  readonly job = new Float64Array(new SharedArrayBuffer(DESCRIPTOR_LENGTH * 8));
  private readonly control = new Int32Array(new SharedArrayBuffer(32));
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

  /** Runs parts 0..parts-1 of the job in `this.job`; `runOne(part)` runs a part on the main thread. */
  run(parts: number, runOne: (part: number) => void): void {
    const control = this.control;
    this.job[16] = parts;
    const generation = (Atomics.load(control, GENERATION) + 1) | 0;
    const tag = generation & 0xffff;
    Atomics.store(control, FINISHED, 0);
    Atomics.store(control, CLAIM, tag << 16);
    Atomics.store(control, GENERATION, generation);
    Atomics.notify(control, GENERATION);
    let error: unknown;
    for (let part = claimPart(control, tag, parts); part >= 0; part = claimPart(control, tag, parts)) {
      try {
        runOne(part);
      } catch (caught) {
        error ??= caught;
      } finally {
        finishPart(control, parts);
      }
    }
    for (let finished = Atomics.load(control, FINISHED); finished !== parts; finished = Atomics.load(control, FINISHED)) {
      Atomics.wait(control, FINISHED, finished);
    }
    if (error) throw error;
    if (Atomics.exchange(control, FAILED, 0) !== 0) throw new Error('a wasm GEMM worker thread failed');
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}


