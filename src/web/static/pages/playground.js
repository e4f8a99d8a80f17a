// @module web/static/pages/playground — chat with any served model or adapter through /v1/chat/completions (streamed).
import { authHeaders, getJson } from '../api.js';
import { h } from '../dom.js';

/** Reads an OpenAI server-sent-event stream, calling onDelta with each piece of assistant text. */
async function streamChat(body, onDelta) {
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sling-tags': 'source=playground', ...authHeaders() },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error?.message ?? `HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let usage = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('');
      if (!data || data === '[DONE]') continue;
      const chunk = JSON.parse(data);
      if (chunk.error) throw new Error(chunk.error.message);
      if (chunk.usage) usage = chunk.usage;
      const delta = chunk.choices?.[0]?.delta?.content;
      if (delta) onDelta(delta);
    }
  }
  return usage;
}

export async function render(root) {
  const { models } = await getJson('/api/models');
  const info = await getJson('/api/info');
  if (!info.playground || models.length === 0) {
    root.append(h('h1', {}, 'Playground'), h('p', { className: 'muted' }, 'No models are being served. Start `sling serve --model PATH` to chat here.'));
    return;
  }
  const model = h('select', { id: 'playground-model' }, models.map((entry) => h('option', { value: entry.id }, entry.id)));
  const temperature = h('input', { type: 'number', min: 0, max: 2, step: 0.1, value: 0, size: 4 });
  const maxTokens = h('input', { type: 'number', min: 1, max: 4096, value: 128, size: 5 });
  const system = h('textarea', { rows: 2, placeholder: 'system prompt (optional)' });
  const transcript = h('div', { className: 'transcript', id: 'transcript' });
  const input = h('textarea', { rows: 3, placeholder: 'Say something…', id: 'playground-input' });
  const send = h('button', { type: 'submit', id: 'playground-send' }, 'Send');
  const status = h('span', { className: 'muted', id: 'playground-status' });
  const history = [];
  root.append(
    h('h1', {}, 'Playground'),
    h('div', { className: 'filters' }, h('label', {}, 'model ', model), h('label', {}, 'temperature ', temperature), h('label', {}, 'max tokens ', maxTokens), h('button', { type: 'button', className: 'subtle', onclick: () => { history.length = 0; transcript.replaceChildren(); } }, 'Clear')),
    system, transcript,
    h('form', { className: 'composer', onsubmit: async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      history.push({ role: 'user', content: text });
      transcript.append(h('div', { className: 'message user' }, h('span', { className: 'role' }, 'user'), text));
      const answer = h('div', { className: 'message assistant' }, h('span', { className: 'role' }, model.value));
      const answerText = h('span', { className: 'answer' });
      answer.append(answerText);
      transcript.append(answer);
      send.disabled = true;
      status.textContent = 'generating…';
      const started = performance.now();
      try {
        const messages = system.value.trim() ? [{ role: 'system', content: system.value.trim() }, ...history] : history;
        const usage = await streamChat({ model: model.value, messages, temperature: Number(temperature.value), max_tokens: Number(maxTokens.value) }, (delta) => {
          answerText.textContent += delta;
        });
        history.push({ role: 'assistant', content: answerText.textContent });
        const seconds = (performance.now() - started) / 1000;
        status.textContent = usage ? `${usage.completion_tokens} tokens in ${seconds.toFixed(2)} s (${(usage.completion_tokens / seconds).toFixed(1)} tok/s)` : '';
      } catch (error) {
        answer.append(h('div', { className: 'error' }, error.message));
        history.pop();
        status.textContent = '';
      } finally {
        send.disabled = false;
      }
    } }, input, h('div', {}, send, ' ', status)),
  );
}
