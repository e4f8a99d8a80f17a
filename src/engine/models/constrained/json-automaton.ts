/**
 * @module engine/models/constrained/json-automaton
 * The automaton state is the stack of open frames (bottom = the root value); an empty stack means the value
 * is complete and nothing more may follow. `advance` feeds one byte; a frame that completes is popped and
 * its parent told, and a number that ends at a non-digit passes that byte on to its parent. Whitespace where
 * the grammar allows it wraps the top frame in a SpaceFrame (see json-frames.ts).
 */
import type { Frame } from './json-frames.ts';
import { frameFor, SpaceFrame } from './json-frames.ts';
import type { GrammarNode } from './schema-nodes.ts';

export type AutomatonState = readonly Frame[];

export function initialState(root: GrammarNode): AutomatonState {
  return [frameFor(root)];
}

export function advance(state: AutomatonState, byte: number): AutomatonState | null {
  let frames = state.slice();
  for (;;) {
    const top = frames[frames.length - 1];
    if (top === undefined) return null;
    const spaced = SpaceFrame.after(top, byte);
    if (spaced) {
      frames[frames.length - 1] = spaced;
      return frames;
    }
    const result = top.step(byte);
    switch (result.kind) {
      case 'reject': return null;
      case 'replace':
        frames[frames.length - 1] = result.frame;
        return frames;
      case 'push':
        frames[frames.length - 1] = result.parent;
        frames.push(result.child);
        continue;
      case 'complete':
      case 'completeRetry':
        frames.pop();
        if (frames.length > 0) frames[frames.length - 1] = frames[frames.length - 1].afterChild();
        if (result.kind === 'complete') return frames;
        continue;
    }
  }
}

export function advanceBytes(state: AutomatonState, bytes: Uint8Array | string): AutomatonState | null {
  let current: AutomatonState | null = state;
  for (let index = 0; index < bytes.length && current; index++) {
    current = advance(current, typeof bytes === 'string' ? bytes.charCodeAt(index) : bytes[index]);
  }
  return current;
}

/** The value may end here (EOS allowed). */
export function isAccepting(state: AutomatonState): boolean {
  return state.length === 0 || (state.length === 1 && state[0].canEnd());
}

/** Nothing more can follow. */
export function isDone(state: AutomatonState): boolean {
  return state.length === 0;
}

/** The shortest byte string (one char per byte) that brings the state to accepting. */
export function completionOf(state: AutomatonState): string {
  const frames = state.slice();
  let text = '';
  while (frames.length > 0) {
    text += frames.pop()!.completion();
    if (frames.length > 0) frames[frames.length - 1] = frames[frames.length - 1].afterChild();
  }
  return text;
}

/**
 * Length of completionOf(state) without building it. A frame's parents never change while it exists (a parent
 * is replaced only after its child is popped), so what a frame and everything under it add once the frames
 * above are closed is cached per frame object; only the top frame's completion is built each time.
 */
const closedBelow = new WeakMap<Frame, number>();

export function completionLength(state: AutomatonState): number {
  const top = state.length - 1;
  if (top < 0) return 0;
  return state[top].completion().length + (top > 0 ? closedLength(state, top - 1) : 0);
}

function closedLength(state: AutomatonState, index: number): number {
  const frame = state[index];
  let length = closedBelow.get(frame);
  if (length === undefined) {
    length = frame.afterChild().completion().length + (index > 0 ? closedLength(state, index - 1) : 0);
    closedBelow.set(frame, length);
  }
  return length;
}

export function stateKey(state: AutomatonState, clamp: number): string {
  return state.map((frame) => frame.key(clamp)).join('|');
}
