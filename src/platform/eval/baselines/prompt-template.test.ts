import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learnPromptTemplate, stripPromptTemplate } from './prompt-template.ts';

test('learns the shared instruction and never eats into the inputs', () => {
  const template = learnPromptTemplate(['Classify: Profit rose\nThanks', 'Classify: Purchases grew\nThanks']);
  assert.equal(template.prefix, 'Classify: ');
  assert.equal(template.suffix, '\nThanks');
  assert.equal(stripPromptTemplate(template, 'Classify: Sales fell\nThanks'), 'Sales fell');
  assert.equal(stripPromptTemplate(template, 'no template here'), 'no template here');
  assert.deepEqual(learnPromptTemplate(['only one']), { prefix: '', suffix: '' });
});
