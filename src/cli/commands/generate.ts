/**
 * @module cli/commands/generate
 * `sling generate --model PATH_OR_HUB_ID [...]`: loads a model (file, folder, Hub id or "tiny-random"), optionally
 * with a LoRA adapter, and streams generated text to stdout; `--json` prints one JSON object with the text,
 * token ids and timing instead. `--chat` renders the prompt as a user message with the model's chat template.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { SlingError } from '../../core/errors.ts';
import { generate } from '../../engine/models/generate/generate.ts';
import type { ResponseFormat } from '../../engine/models/constrained/json-constraint.ts';
import { chatPrompt } from '../../platform/inference/chat-prompt.ts';
import { loadLocalModel } from '../../platform/inference/local-model.ts';

interface GenerateFlags {
  model: string;
  tokenizer?: string;
  adapter?: string;
  prompt?: string;
  chat?: boolean;
  maxTokens: string;
  temperature: string;
  topK?: string;
  topP?: string;
  repetitionPenalty?: string;
  seed: string;
  jsonSchema?: string;
  jsonObject?: boolean;
  dtype: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('generate text with a local model (streams to stdout)')
    .requiredOption('--model <path-or-hub-id>', 'model folder, .gguf, llama2.c .bin, Hub id ORG/NAME[@REVISION], or tiny-random')
    .option('--tokenizer <file>', 'tokenizer file for llama2.c checkpoints')
    .option('--adapter <path>', 'LoRA adapter: a Sling run directory or a PEFT adapter folder')
    .option('--prompt <text>', 'prompt text (default: start from BOS; with --chat: read the message from stdin)')
    .option('--chat', 'treat the prompt as a user message and apply the chat template')
    .option('--max-tokens <n>', 'maximum new tokens', '128')
    .option('--temperature <t>', 'sampling temperature (0 = greedy)', '0')
    .option('--top-k <k>', 'keep the k most likely tokens')
    .option('--top-p <p>', 'nucleus sampling threshold')
    .option('--repetition-penalty <r>', 'penalty > 1 discourages repeating tokens')
    .option('--seed <s>', 'sampler seed', '0')
    .option('--json-schema <file>', 'constrain the output to JSON matching this JSON Schema file')
    .option('--json-object', 'constrain the output to any JSON object')
    .option('--dtype <dtype>', 'weights in memory: f32 or bf16', 'f32')
    .option('--json', 'print one JSON object (text, token ids, timing) instead of streaming')
    .action(async (flags: GenerateFlags) => {
      const local = await loadLocalModel(flags.model, { tokenizerPath: flags.tokenizer, adapterPath: flags.adapter, dtype: parseDtype(flags.dtype) });
      const { model, tokenizer } = local;
      let promptIds: number[];
      let stopStrings: string[] = [];
      if (flags.chat) {
        const content = flags.prompt ?? readFileSync(0, 'utf8');
        const prompt = chatPrompt([{ role: 'user', content }], tokenizer, local.chatTemplate);
        promptIds = prompt.ids;
        stopStrings = prompt.stopStrings;
      } else {
        promptIds = tokenizer.encode(flags.prompt ?? '', { addBos: true });
        if (promptIds.length === 0) {
          throw new SlingError('generate_empty_prompt', 'the tokenizer has no BOS token, so an empty prompt gives nothing to start from', { field: '--prompt', hint: 'pass --prompt TEXT' });
        }
      }
      const result = generate(model, tokenizer, promptIds, {
        maxTokens: number(flags.maxTokens, '--max-tokens'),
        temperature: number(flags.temperature, '--temperature'),
        topK: flags.topK === undefined ? undefined : number(flags.topK, '--top-k'),
        topP: flags.topP === undefined ? undefined : number(flags.topP, '--top-p'),
        repetitionPenalty: flags.repetitionPenalty === undefined ? undefined : number(flags.repetitionPenalty, '--repetition-penalty'),
        seed: number(flags.seed, '--seed'),
        stopStrings,
        responseFormat: responseFormat(flags),
        onText: flags.json ? undefined : (delta) => process.stdout.write(delta),
      });
      const decodeTokens = Math.max(0, result.tokenIds.length - 1);
      const timing = {
        promptTokens: result.promptTokens,
        outputTokens: result.tokenIds.length,
        prefillMs: round(result.prefillMs),
        decodeMs: round(result.decodeMs),
        prefillTokensPerSecond: round((result.promptTokens * 1000) / result.prefillMs),
        decodeTokensPerSecond: decodeTokens > 0 ? round((decodeTokens * 1000) / result.decodeMs) : null,
      };
      if (flags.json) {
        console.log(JSON.stringify({ model: local.name, text: result.text, tokenIds: result.tokenIds, finishReason: result.finishReason, ...timing }));
      } else {
        process.stdout.write('\n');
        process.stderr.write(`[${timing.outputTokens} tokens, ${result.finishReason}; prefill ${timing.prefillTokensPerSecond} tok/s, decode ${timing.decodeTokensPerSecond ?? '-'} tok/s]\n`);
      }
    });
}

function responseFormat(flags: GenerateFlags): ResponseFormat | undefined {
  if (flags.jsonSchema) {
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(flags.jsonSchema, 'utf8'));
    } catch (error) {
      throw new SlingError('schema_unreadable', `cannot read a JSON Schema: ${(error as Error).message}`, { file: flags.jsonSchema, field: '--json-schema', cause: error });
    }
    return { type: 'json_schema', schema: schema as object };
  }
  return flags.jsonObject ? { type: 'json_object' } : undefined;
}

function number(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new SlingError('cli_invalid_number', `${flag} needs a number, got "${text}"`, { field: flag });
  return value;
}

function parseDtype(text: string): 'f32' | 'bf16' {
  if (text !== 'f32' && text !== 'bf16') throw new SlingError('cli_invalid_option', `--dtype must be f32 or bf16, got "${text}"`, { field: '--dtype' });
  return text;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
