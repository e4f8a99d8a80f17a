/**
 * @module engine/train/training-checkpoint
 * Everything needed to continue a run exactly: the trainable weights, the AdamW moments and step count, and the
 * loop state (optimizer steps done, which fixes the data position and the per-step dropout generators, plus
 * early-stopping bookkeeping). `state.json` is written last, so a folder without it is an incomplete
 * checkpoint (killed mid-write) and is ignored.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { readSafetensors } from '../models/io/safetensors-read.ts';
import { writeSafetensors } from '../models/io/safetensors-write.ts';
import type { RawTensor } from '../models/io/raw-tensor.ts';
import type { AdamW } from './adamw.ts';
import type { TrainableTensor } from './setup-model.ts';

export interface LoopState {
  /** Optimizer steps completed. */
  step: number;
  seed: number;
  bestValidationLoss: number | null;
  evaluationsWithoutImprovement: number;
  tokensSeen: number;
  elapsedSeconds: number;
  /** Informational: where the data plan stands (a function of seed and step, which are what resume uses). */
  dataPosition?: { epoch: number; stepInEpoch: number };
  /** Informational: the dropout generator of the next step is seeded from (seed, step). */
  randomState?: { seed: number; nextStep: number };
}

export function saveTrainingCheckpoint(folder: string, trainable: TrainableTensor[], optimizer: AdamW, state: LoopState): void {
  const partial = `${folder}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const weights = new Map<string, RawTensor>();
  for (const { name, tensor } of trainable) weights.set(name, { dtype: 'f32', shape: [...tensor.shape], data: tensor.values as Float32Array });
  writeSafetensors(join(partial, 'trainable.safetensors'), weights);
  const moments = new Map<string, RawTensor>();
  const { firstMoments, secondMoments, step } = optimizer.state();
  for (const { name, tensor } of trainable) {
    moments.set(`exp_avg.${name}`, { dtype: 'f32', shape: [...tensor.shape], data: firstMoments[name] });
    moments.set(`exp_avg_sq.${name}`, { dtype: 'f32', shape: [...tensor.shape], data: secondMoments[name] });
  }
  writeSafetensors(join(partial, 'optimizer.safetensors'), moments, { step: String(step) });
  writeFileSync(join(partial, 'state.json'), JSON.stringify(state, null, 2) + '\n');
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
}

export function loadTrainingCheckpoint(folder: string, trainable: TrainableTensor[], optimizer: AdamW): LoopState {
  const state = JSON.parse(readFileSync(join(folder, 'state.json'), 'utf8')) as LoopState;
  const weights = readSafetensors(join(folder, 'trainable.safetensors')).tensors;
  const optimizerFile = readSafetensors(join(folder, 'optimizer.safetensors'));
  const firstMoments: Record<string, Float32Array> = {};
  const secondMoments: Record<string, Float32Array> = {};
  for (const { name, tensor } of trainable) {
    const saved = weights.get(name);
    if (!saved || saved.data.length !== tensor.size) {
      throw new SlingError('checkpoint_mismatch', `checkpoint has no weights of the right size for ${name}`, { file: join(folder, 'trainable.safetensors'), field: name, hint: 'resume with the same recipe (method, LoRA rank and targets) as the original run' });
    }
    (tensor.values as Float32Array).set(saved.data as Float32Array);
    firstMoments[name] = optimizerFile.tensors.get(`exp_avg.${name}`)?.data as Float32Array;
    secondMoments[name] = optimizerFile.tensors.get(`exp_avg_sq.${name}`)?.data as Float32Array;
  }
  optimizer.loadState({ step: Number(optimizerFile.metadata.step), firstMoments, secondMoments });
  return state;
}
