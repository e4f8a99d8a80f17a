/**
 * @module platform/eval/baselines/prompt-template
 * Classical baselines should read the input text, not the instruction wrapped around it. Rows built from a
 * template share a prefix and suffix across all training prompts; this learns them (longest common prefix
 * and suffix of the last user messages) and strips them from any prompt that carries them.
 */

export interface PromptTemplate {
  prefix: string;
  suffix: string;
}

function commonPrefixLength(texts: readonly string[]): number {
  if (texts.length === 0) return 0;
  let length = texts[0].length;
  for (const text of texts) {
    let i = 0;
    while (i < length && i < text.length && text[i] === texts[0][i]) i++;
    length = i;
  }
  return length;
}

function backToWhitespace(text: string, length: number): number {
  if (length === text.length) return length;
  let cut = length;
  while (cut > 0 && !/\s/.test(text[cut - 1])) cut--;
  return cut;
}

export function learnPromptTemplate(prompts: readonly string[]): PromptTemplate {
  // Fewer than two prompts share nothing meaningful: the whole prompt would be "template".
  if (prompts.length < 2) return { prefix: '', suffix: '' };
  // Cut back to whitespace so a shared first letter of the inputs never becomes part of the template.
  const prefixLength = backToWhitespace(prompts[0], commonPrefixLength(prompts));
  const reversed = prompts.map((text) => [...text.slice(prefixLength)].reverse().join(''));
  const reversedFirst = reversed[0];
  const suffixLength = backToWhitespace(reversedFirst, commonPrefixLength(reversed));
  const first = prompts[0];
  return { prefix: first.slice(0, prefixLength), suffix: suffixLength === 0 ? '' : first.slice(first.length - suffixLength) };
}

export function stripPromptTemplate(template: PromptTemplate, prompt: string): string {
  let text = prompt;
  if (template.prefix && text.startsWith(template.prefix)) text = text.slice(template.prefix.length);
  if (template.suffix && text.endsWith(template.suffix)) text = text.slice(0, text.length - template.suffix.length);
  return text.trim();
}
