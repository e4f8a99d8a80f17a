/**
 * @module platform/serve/proxy/reassemble-stream
 * Rebuilds the non-streamed response object from an OpenAI server-sent-event stream, so a streamed answer is
 * logged in the same shape as a plain one: chat deltas (`choices[i].delta.content`) or completion text
 * (`choices[i].text`) concatenated per choice index, the last finish_reason, and the usage chunk if any.
 */

type Json = Record<string, unknown>;

interface ChoiceState {
  index: number;
  role: string;
  text: string;
  finishReason: string | null;
}

export class StreamReassembler {
  private buffer = '';
  private readonly choices = new Map<number, ChoiceState>();
  private first: Json | null = null;
  private usage: Json | null = null;
  private chat = true;
  /** An error object the upstream sent inside the stream, if any. */
  error: Json | null = null;

  /** Feeds decoded text; complete events are parsed as they arrive. */
  push(text: string): void {
    this.buffer += text.replace(/\r\n/g, '\n');
    let boundary: number;
    while ((boundary = this.buffer.indexOf('\n\n')) >= 0) {
      const event = this.buffer.slice(0, boundary);
      this.buffer = this.buffer.slice(boundary + 2);
      this.event(event);
    }
  }

  private event(event: string): void {
    const data = event
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (!data || data === '[DONE]') return;
    let chunk: Json;
    try {
      chunk = JSON.parse(data) as Json;
    } catch {
      return; // not JSON: nothing to reassemble (the client still got it unchanged)
    }
    if (chunk.error) {
      this.error = chunk.error as Json;
      return;
    }
    this.first ??= chunk;
    if (chunk.object === 'text_completion') this.chat = false;
    if (chunk.usage) this.usage = chunk.usage as Json;
    for (const choice of (chunk.choices as Json[] | undefined) ?? []) {
      const index = Number(choice.index ?? 0);
      const state = this.choices.get(index) ?? { index, role: 'assistant', text: '', finishReason: null };
      const delta = (choice.delta ?? {}) as Json;
      if (typeof delta.role === 'string') state.role = delta.role;
      if (typeof delta.content === 'string') state.text += delta.content;
      if (typeof choice.text === 'string') state.text += choice.text;
      if (choice.finish_reason) state.finishReason = String(choice.finish_reason);
      this.choices.set(index, state);
    }
  }

  /** The response as the non-streaming endpoint would have returned it (null if no chunk arrived). */
  result(): Json | null {
    if (this.buffer.trim()) this.push('\n\n');
    if (!this.first) return null;
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((state) =>
        this.chat
          ? { index: state.index, message: { role: state.role, content: state.text }, finish_reason: state.finishReason }
          : { index: state.index, text: state.text, finish_reason: state.finishReason },
      );
    return {
      id: this.first.id,
      object: this.chat ? 'chat.completion' : 'text_completion',
      created: this.first.created,
      model: this.first.model,
      choices,
      usage: this.usage,
    };
  }
}
