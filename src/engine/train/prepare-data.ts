/**
 * @module engine/train/prepare-data
 * From recipe to token sequences: read the training (and validation) JSONL, hold out a validation share when
 * there is no validation file, render with the model's chat template or the plain one, and tokenize with
 * completion-only targets.
 */
import type { SlingError } from '../../core/errors.ts';
import type { Checkpoint } from '../models/io/checkpoint.ts';
import { renderChatTemplate } from '../models/tokenizer/chat-template.ts';
import type { Tokenizer } from '../models/tokenizer/tokenizer.ts';
import { splitForValidation } from './data/data-plan.ts';
import { readTrainingFile, type TrainingRow } from './data/read-examples.ts';
import { renderExample, type ChatRenderer } from './data/render-example.ts';
import { tokenizeExample, type TokenizedExample } from './data/tokenize-example.ts';
import type { Recipe } from './recipe/recipe-schema.ts';

export interface PreparedData {
  train: TokenizedExample[];
  validation: TokenizedExample[];
  /** Bad rows skipped with data.skip_invalid (each names file, line and field). */
  skipped: SlingError[];
  template: 'chat-template' | 'plain';
}

export function chatRendererFor(checkpoint: Pick<Checkpoint, 'chatTemplate'>, choice: Recipe['data']['template']): ChatRenderer | undefined {
  const template = checkpoint.chatTemplate;
  if (choice === 'plain' || !template) return undefined;
  return (messages, addGenerationPrompt) => renderChatTemplate(template, messages.map((message) => ({ ...message })), { addGenerationPrompt });
}

export function prepareData(recipe: Recipe, tokenizer: Tokenizer, renderer: ChatRenderer | undefined): PreparedData {
  const { data, seed } = recipe;
  const skipInvalid = data.skip_invalid;
  const train = readTrainingFile(data.train, { skipInvalid });
  let trainRows: TrainingRow[] = train.rows;
  let validationRows: TrainingRow[] = [];
  let validationFile = data.train;
  const skipped = [...train.skipped];
  if (data.validation) {
    const validation = readTrainingFile(data.validation, { skipInvalid });
    validationRows = validation.rows;
    validationFile = data.validation;
    skipped.push(...validation.skipped);
  } else {
    ({ train: trainRows, validation: validationRows } = splitForValidation(train.rows, data.validation_fraction, seed));
  }
  // chat templates carry their own special-token text; plain text gets the tokenizer's EOS after the answer
  const addEos = renderer === undefined;
  const tokenize = (rows: TrainingRow[], file: string) => rows.map((row) => tokenizeExample(renderExample(row, file, renderer), tokenizer, { addEos }));
  return {
    train: tokenize(trainRows, data.train),
    validation: tokenize(validationRows, validationFile),
    skipped,
    template: renderer ? 'chat-template' : 'plain',
  };
}
