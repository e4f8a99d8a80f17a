/**
 * @module engine/train/recipe/recipe-schema
 * The training recipe: every key, its default and its range, validated with zod (unknown keys are errors).
 * docs/recipe.md documents each key; keep the two in step.
 */
import { z } from 'zod';

export const LINEAR_MODULES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LinearModule = (typeof LINEAR_MODULES)[number];

const loraSchema = z.strictObject({
  r: z.number().int().min(1).max(1024).default(16),
  alpha: z.number().positive().default(32),
  dropout: z.number().min(0).max(0.9).default(0.05),
  target_modules: z.union([z.literal('all-linear'), z.array(z.enum(LINEAR_MODULES)).min(1)]).default('all-linear'),
  use_rslora: z.boolean().default(false),
});

const optimizerSchema = z.strictObject({
  learning_rate: z.number().positive().default(2e-4),
  weight_decay: z.number().min(0).default(0),
  beta1: z.number().min(0).max(1).default(0.9),
  beta2: z.number().min(0).max(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
  max_grad_norm: z.number().positive().nullable().default(1.0),
});

const scheduleSchema = z.strictObject({
  kind: z.enum(['constant', 'linear', 'cosine']).default('cosine'),
  warmup_ratio: z.number().min(0).max(1).default(0.03),
});

const dataSchema = z.strictObject({
  train: z.string().min(1),
  validation: z.string().min(1).optional(),
  /** Share of the training rows held out for validation when no validation file is given. */
  validation_fraction: z.number().min(0).max(0.5).default(0.1),
  template: z.enum(['auto', 'plain']).default('auto'),
  skip_invalid: z.boolean().default(false),
  packing: z.boolean().default(true),
  max_sequence_length: z.number().int().min(8).max(131072).default(512),
});

export const recipeSchema = z.strictObject({
  model: z.string().min(1),
  tokenizer: z.string().min(1).optional(),
  out: z.string().min(1),
  method: z.enum(['lora', 'full']).default('lora'),
  lora: loraSchema.prefault({}),
  optimizer: optimizerSchema.prefault({}),
  schedule: scheduleSchema.prefault({}),
  data: dataSchema,
  epochs: z.number().positive().default(3),
  /** Stop after this many optimizer steps even if epochs remain (0 = no limit). */
  max_steps: z.number().int().min(0).default(0),
  batch_size: z.number().int().min(1).default(4),
  gradient_accumulation: z.number().int().min(1).default(1),
  seed: z.number().int().min(0).default(42),
  /** Validation loss every N optimizer steps (0 = only at the end of each epoch). */
  eval_interval: z.number().int().min(0).default(50),
  /** Checkpoint every N optimizer steps (0 = only the final adapter). */
  checkpoint_interval: z.number().int().min(0).default(100),
  /** Stop when validation loss has not improved for this many evaluations (0 = never stop early). */
  early_stopping_patience: z.number().int().min(0).default(3),
  precision: z.enum(['fp32', 'bf16']).default('fp32'),
});

export type Recipe = z.infer<typeof recipeSchema>;
/** A recipe before defaults: what a file or the CLI flags provide. */
export type RecipeInput = z.input<typeof recipeSchema>;

export function targetModulesOf(recipe: Recipe): LinearModule[] {
  return recipe.lora.target_modules === 'all-linear' ? [...LINEAR_MODULES] : recipe.lora.target_modules;
}

/** LoRA output scale: alpha / r, or alpha / √r with rsLoRA (Kalajdzievski 2023). */
export function loraScale(lora: Recipe['lora']): number {
  return lora.use_rslora ? lora.alpha / Math.sqrt(lora.r) : lora.alpha / lora.r;
}
