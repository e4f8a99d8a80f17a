/**
 * @module engine/train/train-run
 * The training recipe as one explicit loop (no callback framework):
 *   for each optimizer step: for each micro-batch: forward → summed token loss → backward;
 *   gradients ÷ completion tokens of the step → clip global norm → AdamW at the scheduled rate;
 *   every eval_interval steps: validation loss, early stopping; every checkpoint_interval steps: checkpoint.
 * Step k's data and dropout masks depend only on (seed, k), so resuming from a checkpoint reproduces the
 * uninterrupted run's losses exactly.
 */
import { writeFileSync } from 'node:fs';
import { loadCheckpoint } from '../models/load-checkpoint.ts';
import { Random } from '../tensor/index.ts';
import { AdamW } from './adamw.ts';
import { DataPlan } from './data/data-plan.ts';
import { packSequences } from './data/pack-sequences.ts';
import { clipGradients, globalGradientNorm, scaleGradients } from './gradient-clip.ts';
import { chatRendererFor, prepareData } from './prepare-data.ts';
import { loraScale, type Recipe } from './recipe/recipe-schema.ts';
import { checkpointPath, ensureRunDirectory, listCheckpoints, MetricsLog, runPaths } from './run-directory.ts';
import { learningRateAt, warmupStepsFor } from './schedule.ts';
import { batchLossSum, evaluateLoss, stackSequences } from './sequence-loss.ts';
import { setTrainingMode, setupModel } from './setup-model.ts';
import { saveFinalWeights } from './save-final.ts';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, type LoopState } from './training-checkpoint.ts';

export interface TrainingProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  validationLoss: number | null;
  tokensPerSecond: number;
}

export interface TrainingSummary {
  runDirectory: string;
  method: Recipe['method'];
  steps: number;
  totalSteps: number;
  stopReason: 'completed' | 'early-stopping' | 'max-steps' | 'aborted';
  firstLoss: number | null;
  finalLoss: number | null;
  initialValidationLoss: number | null;
  bestValidationLoss: number | null;
  finalValidationLoss: number | null;
  trainExamples: number;
  validationExamples: number;
  skippedRows: number;
  truncatedExamples: number;
  trainableParameters: number;
  tokensSeen: number;
  tokensPerSecond: number;
  wallSeconds: number;
  resumedFromStep: number | null;
  output: string;
}

export interface TrainingOptions {
  /** Continue from the newest checkpoint in the run directory. */
  resume?: boolean;
  onProgress?: (progress: TrainingProgress) => void;
  /** Stop (after the current step, with a checkpoint) when aborted. */
  signal?: AbortSignal;
  /** Log sink for human-readable lines (skipped rows, evaluations). */
  log?: (line: string) => void;
}

export async function runTraining(recipe: Recipe, options: TrainingOptions = {}): Promise<TrainingSummary> {
  const log = options.log ?? (() => {});
  const paths = runPaths(recipe.out);
  ensureRunDirectory(paths);
  writeFileSync(paths.config, JSON.stringify(recipe, null, 2) + '\n');
  const checkpoint = await loadCheckpoint(recipe.model, { tokenizerPath: recipe.tokenizer });
  const data = prepareData(recipe, checkpoint.tokenizer, chatRendererFor(checkpoint, recipe.data.template));
  for (const error of data.skipped) log(`skipped: ${error.message}`);
  const { model, trainable, loraLayers, mixedPrecisionLayers } = setupModel(checkpoint, recipe);
  // bf16 copies of trained projections (full fine-tuning in bf16) are re-rounded at the next forward
  const weightsChanged = () => mixedPrecisionLayers.forEach((layer) => layer.weightChanged());
  const parameters = trainable.map(({ name, tensor, decay }) => ({ name, value: tensor.values as Float32Array, grad: new Float32Array(tensor.size), decay }));
  const { optimizer: o } = recipe;
  const optimizer = new AdamW(parameters, { beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, weightDecay: o.weight_decay });
  const sequenceLength = recipe.data.max_sequence_length;
  const plan = new DataPlan(data.train, {
    seed: recipe.seed, epochs: recipe.epochs, batchSize: recipe.batch_size, gradientAccumulation: recipe.gradient_accumulation,
    sequenceLength, packing: recipe.data.packing, maxSteps: recipe.max_steps,
  });
  const validation = packSequences(data.validation, sequenceLength, recipe.data.packing).sequences;
  const schedule = { kind: recipe.schedule.kind, peak: o.learning_rate, totalSteps: plan.totalSteps, warmupSteps: warmupStepsFor(plan.totalSteps, recipe.schedule.warmup_ratio) };
  const metrics = new MetricsLog(paths.metrics);

  let state: LoopState = { step: 0, seed: recipe.seed, bestValidationLoss: null, evaluationsWithoutImprovement: 0, tokensSeen: 0, elapsedSeconds: 0 };
  let resumedFromStep: number | null = null;
  const saved = options.resume ? listCheckpoints(paths) : [];
  if (saved.length > 0) {
    const step = saved[saved.length - 1];
    state = loadTrainingCheckpoint(checkpointPath(paths, step), trainable, optimizer);
    weightsChanged();
    resumedFromStep = step;
    metrics.truncateAfter(step);
    metrics.append({ type: 'event', step, message: `resumed from checkpoint step-${step}` });
  } else {
    writeFileSync(paths.metrics, '');
  }

  const validate = (): number | null => {
    if (validation.length === 0) return null;
    setTrainingMode(loraLayers, false, null);
    return evaluateLoss(model, validation, recipe.batch_size);
  };
  let initialValidationLoss: number | null = null;
  if (resumedFromStep === null) {
    initialValidationLoss = validate();
    if (initialValidationLoss !== null) {
      metrics.append({ type: 'validation', step: 0, epoch: 0, loss: initialValidationLoss, best: initialValidationLoss });
      state.bestValidationLoss = initialValidationLoss;
    }
  }

  const started = performance.now() - state.elapsedSeconds * 1000;
  let stopReason: TrainingSummary['stopReason'] = recipe.max_steps > 0 && recipe.max_steps < plan.stepsPerEpoch.reduce((a, b) => a + b, 0) ? 'max-steps' : 'completed';
  let lastLoss: number | null = null;
  let firstLoss: number | null = null;
  let lastValidation: number | null = state.bestValidationLoss;
  let stepSeconds = 0;
  let stepTokens = 0;
  const grads = () => parameters.map((parameter) => parameter.grad);
  while (state.step < plan.totalSteps) {
    const index = state.step;
    const { epoch, microBatches } = plan.step(index);
    const stepStart = performance.now();
    setTrainingMode(loraLayers, true, new Random((recipe.seed * 2654435761 + index * 97 + 1) | 0));
    let lossSum = 0;
    let targetCount = 0;
    let tokens = 0;
    for (const micro of microBatches) {
      const inputs = stackSequences(micro);
      tokens += inputs.tokens;
      if (inputs.targetCount === 0) continue;
      const loss = batchLossSum(model, inputs);
      lossSum += loss.item();
      targetCount += inputs.targetCount;
      loss.backward();
    }
    trainable.forEach(({ tensor }, p) => {
      const grad = parameters[p].grad;
      if (tensor.grad) grad.set(tensor.grad.values);
      else grad.fill(0);
      tensor.zeroGrad();
    });
    const scale = targetCount > 0 ? 1 / targetCount : 0;
    scaleGradients(grads(), scale);
    const gradNorm = o.max_grad_norm === null ? globalGradientNorm(grads()) : clipGradients(grads(), o.max_grad_norm);
    const learningRate = learningRateAt(index, schedule);
    optimizer.step(learningRate);
    weightsChanged();
    state.step += 1;
    state.tokensSeen += tokens;
    const loss = targetCount > 0 ? lossSum / targetCount : NaN;
    lastLoss = loss;
    firstLoss ??= loss;
    const seconds = (performance.now() - stepStart) / 1000;
    stepSeconds += seconds;
    stepTokens += tokens;
    state.elapsedSeconds = (performance.now() - started) / 1000;
    metrics.append({ type: 'train', step: state.step, epoch, loss, learningRate, gradNorm, tokens, tokensPerSecond: tokens / seconds, elapsedSeconds: state.elapsedSeconds });

    const epochEnds = state.step === plan.totalSteps || plan.step(state.step).epoch !== epoch;
    const evaluateNow = recipe.eval_interval > 0 ? state.step % recipe.eval_interval === 0 || state.step === plan.totalSteps : epochEnds;
    let stopEarly = false;
    if (evaluateNow && validation.length > 0) {
      const validationLoss = validate()!;
      lastValidation = validationLoss;
      if (state.bestValidationLoss === null || validationLoss < state.bestValidationLoss) {
        state.bestValidationLoss = validationLoss;
        state.evaluationsWithoutImprovement = 0;
      } else {
        state.evaluationsWithoutImprovement += 1;
      }
      metrics.append({ type: 'validation', step: state.step, epoch, loss: validationLoss, best: state.bestValidationLoss });
      log(`step ${state.step}: validation loss ${validationLoss.toFixed(4)} (best ${state.bestValidationLoss.toFixed(4)})`);
      const patience = recipe.early_stopping_patience;
      stopEarly = patience > 0 && state.evaluationsWithoutImprovement >= patience;
    }
    options.onProgress?.({ step: state.step, totalSteps: plan.totalSteps, epoch, loss, validationLoss: lastValidation, tokensPerSecond: stepTokens / stepSeconds });
    const aborted = options.signal?.aborted === true;
    if ((recipe.checkpoint_interval > 0 && state.step % recipe.checkpoint_interval === 0) || aborted) {
      const folder = checkpointPath(paths, state.step);
      const next = state.step < plan.totalSteps ? plan.position(state.step) : { epoch: plan.stepsPerEpoch.length, stepInEpoch: 0 };
      saveTrainingCheckpoint(folder, trainable, optimizer, { ...state, dataPosition: next, randomState: { seed: recipe.seed, nextStep: state.step } });
      metrics.append({ type: 'checkpoint', step: state.step, path: folder });
    }
    if (stopEarly) {
      stopReason = 'early-stopping';
      metrics.append({ type: 'event', step: state.step, message: `early stopping: no validation improvement in ${recipe.early_stopping_patience} evaluations` });
      break;
    }
    if (aborted) {
      stopReason = 'aborted';
      break;
    }
    await new Promise((resolve) => setImmediate(resolve)); // let signals and progress rendering run
  }

  setTrainingMode(loraLayers, false, null);
  const output = saveFinalWeights(paths, recipe, checkpoint, trainable, loraLayers);
  const wallSeconds = (performance.now() - started) / 1000;
  const summary: TrainingSummary = {
    runDirectory: paths.root,
    method: recipe.method,
    steps: state.step,
    totalSteps: plan.totalSteps,
    stopReason,
    firstLoss,
    finalLoss: lastLoss,
    initialValidationLoss,
    bestValidationLoss: state.bestValidationLoss,
    finalValidationLoss: lastValidation,
    trainExamples: data.train.length,
    validationExamples: data.validation.length,
    skippedRows: data.skipped.length,
    truncatedExamples: plan.truncated,
    trainableParameters: trainable.reduce((sum, { tensor }) => sum + tensor.size, 0),
    tokensSeen: state.tokensSeen,
    tokensPerSecond: stepTokens / Math.max(1e-9, stepSeconds),
    wallSeconds,
    resumedFromStep,
    output,
  };
  writeFileSync(paths.summary, JSON.stringify({ ...summary, loraScale: recipe.method === 'lora' ? loraScale(recipe.lora) : undefined }, null, 2) + '\n');
  return summary;
}
