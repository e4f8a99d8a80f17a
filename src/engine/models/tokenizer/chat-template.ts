/**
 * @module engine/models/tokenizer/chat-template
 * Renders a model's Jinja chat template (tokenizer_config.json `chat_template` or GGUF
 * `tokenizer.chat_template`) with @huggingface/jinja, with the variables transformers passes:
 * messages, add_generation_prompt, bos_token, eos_token (and tools when given).
 */
import { Template } from '@huggingface/jinja';
import { SlingError } from '../../../core/errors.ts';

/** Extra fields (tool_calls, name, ...) pass through to the template untouched. */
export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatTemplateOptions {
  /** End with the opening of an assistant turn, so the model writes the reply. */
  addGenerationPrompt?: boolean;
  bosToken?: string;
  eosToken?: string;
  tools?: unknown[];
  /** Extra variables some templates read (e.g. enable_thinking for Qwen3). */
  variables?: Record<string, unknown>;
}

const compiled = new Map<string, Template>();

/** bos_token / eos_token strings for a template, from tokenizers that know their tokens' spelling. */
export function templateTokens(tokenizer: { bosId?: number; eosIds: number[]; tokenText?(id: number): string | undefined }): { bosToken?: string; eosToken?: string } {
  const text = (id: number | undefined) => (id === undefined ? undefined : tokenizer.tokenText?.(id));
  return { bosToken: text(tokenizer.bosId), eosToken: text(tokenizer.eosIds[0]) };
}

export function renderChatTemplate(template: string, messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
  let parsed = compiled.get(template);
  if (!parsed) {
    try {
      parsed = new Template(template);
    } catch (error) {
      throw new SlingError('chat_template_invalid', `the chat template does not parse: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    compiled.set(template, parsed);
  }
  try {
    return parsed.render({
      ...options.variables,
      messages,
      add_generation_prompt: options.addGenerationPrompt ?? false,
      bos_token: options.bosToken ?? '',
      eos_token: options.eosToken ?? '',
      ...(options.tools ? { tools: options.tools } : {}),
    });
  } catch (error) {
    throw new SlingError('chat_template_failed', `rendering the chat template failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
