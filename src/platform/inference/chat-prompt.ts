/**
 * @module platform/inference/chat-prompt
 * Turns chat messages into prompt token ids the same way training did (engine/train/data): the model's own chat
 * template when it has one, else the plain template ("### User:\n...\n\n### Assistant:\n"), then BOS in front.
 * The plain template's turn header doubles as a stop string, so a model that skips EOS still stops.
 */
import { renderChatTemplate } from '../../engine/models/tokenizer/chat-template.ts';
import type { Tokenizer } from '../../engine/models/tokenizer/tokenizer.ts';
import { renderPlain } from '../../engine/train/data/render-example.ts';
import type { ChatMessage } from '../eval/chat-model.ts';

export interface ChatPrompt {
  text: string;
  ids: number[];
  stopStrings: string[];
}

export const PLAIN_STOP_STRINGS = ['\n### '];

export function chatPrompt(messages: ChatMessage[], tokenizer: Tokenizer, chatTemplate?: string): ChatPrompt {
  const text = chatTemplate ? renderChatTemplate(chatTemplate, messages, { addGenerationPrompt: true }) : renderPlain(messages, true);
  return { text, ids: tokenizer.encode(text, { addBos: true }), stopStrings: chatTemplate ? [] : PLAIN_STOP_STRINGS };
}
