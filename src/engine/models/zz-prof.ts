import { join } from 'node:path';
import { generate } from './generate/generate.ts';
import { stories260KDir } from './io/test-data.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import { modelFromCheckpoint } from './model-builders.ts';
const checkpoint = await loadCheckpoint(join(stories260KDir, 'stories260K.gguf'));
const model = modelFromCheckpoint(checkpoint);
const t = checkpoint.tokenizer;
for (let i = 0; i < 3; i++) {
  const r = generate(model, t, [1], { maxTokens: 200, stopAtEos: false });
  console.log(r.tokenIds.length, (r.tokenIds.length - 1) / r.decodeMs * 1000, 'tok/s');
}
