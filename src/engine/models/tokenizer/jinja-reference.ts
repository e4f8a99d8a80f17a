/**
 * @module engine/models/tokenizer/jinja-reference
 * Test reference: renders a chat template with Python's Jinja2 set up as Hugging Face transformers sets it up
 * for apply_chat_template (sandboxed, trim_blocks + lstrip_blocks, loop controls, tojson that keeps
 * non-ASCII, raise_exception and strftime_now), i.e. the engine the templates were written for.
 * `jinjaReferenceSkip` is the reason to skip when python3 with jinja2 is not installed.
 */
import { spawnSync } from 'node:child_process';

const script = String.raw`
import json, sys
from datetime import datetime
from jinja2.exceptions import TemplateError
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

def raise_exception(message):
    raise TemplateError(message)

def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
environment.filters["tojson"] = tojson
environment.globals["raise_exception"] = raise_exception
environment.globals["strftime_now"] = lambda format: datetime.now().strftime(format)
jobs = json.load(sys.stdin)
results = []
for job in jobs:
    try:
        results.append(environment.from_string(job["template"]).render(**job["variables"]))
    except Exception as error:
        results.append({"error": str(error)})
json.dump(results, sys.stdout)
`;

export interface JinjaJob { template: string; variables: Record<string, unknown> }

/** Renders every job in one python3 process; an entry is the text or `{ error }`. */
export function renderWithPythonJinja(jobs: JinjaJob[]): (string | { error: string })[] {
  const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`python3 jinja2 reference failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as (string | { error: string })[];
}

function probe(): string | false {
  const result = spawnSync('python3', ['-c', 'import jinja2'], { encoding: 'utf8' });
  return result.status === 0 ? false : 'python3 with jinja2 is not installed (Debian: apt-get install python3-jinja2)';
}

let cachedSkip: string | false | undefined;
export function jinjaReferenceSkip(): string | false {
  return (cachedSkip ??= probe());
}
