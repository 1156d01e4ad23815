/**
 * Responses: which variation to say (conditions on slots, then a choice that is deterministic per
 * session and turn, so a conversation replays identically), and `{slot}` tokens filled in.
 */
import type { Button, Condition, DialogueBot, Variation } from '../bot/dialogue-schema';
import { BUILTIN_RESPONSES } from './builtin-responses';
import type { SlotValue } from './types';

export interface Rendered {
  text: string;
  buttons?: Button[];
}

/** Whether slot values satisfy a condition such as `{ plan: pro, total: { above: 200 } }`. */
export function holds(condition: Condition, slots: Readonly<Record<string, SlotValue>>): boolean {
  return Object.entries(condition).every(([slot, expected]) => {
    const actual = slots[slot];
    if (expected === null) return actual === undefined;
    if (typeof expected !== 'object') return actual !== undefined && String(actual).toLowerCase() === String(expected).toLowerCase();
    if (expected.set !== undefined && (actual !== undefined) !== expected.set) return false;
    const number = typeof actual === 'number' ? actual : Number.NaN;
    if (expected.above !== undefined && !(number > expected.above)) return false;
    if (expected.below !== undefined && !(number < expected.below)) return false;
    return true;
  });
}

/** FNV-1a: a small stable hash, so the variation depends only on session, turn and response. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Markdown and HTML characters in a visitor's value are escaped: a slot never becomes a link or markup. */
export function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (char) => `\\${char}`);
}

export function fillTemplate(text: string, slots: Readonly<Record<string, SlotValue>>, extra: Readonly<Record<string, string>> = {}): string {
  return text.replace(/\{([a-z][a-z0-9_]*)\}/g, (token, name: string) => {
    if (name in extra) return extra[name]!;
    const value = slots[name];
    return value === undefined ? token : escapeMarkdown(String(value));
  });
}

/**
 * Renders response `name`: the bot's own variations (or a built-in default), the ones whose condition
 * holds, one picked by session and turn.
 */
export function renderResponse(
  bot: DialogueBot,
  name: string,
  context: { sessionId: string; turn: number; slots: Readonly<Record<string, SlotValue>>; extra?: Record<string, string> },
): Rendered {
  const variations: readonly Variation[] = bot.responses[name] ?? BUILTIN_RESPONSES[name] ?? [`(missing response "${name}")`];
  const normalised = variations.map((variation) => (typeof variation === 'string' ? { text: variation } : variation));
  // Variations whose condition holds win over unconditional ones, which are the default.
  const conditional = normalised.filter((variation) => 'if' in variation && variation.if && holds(variation.if, context.slots));
  const unconditional = normalised.filter((variation) => !('if' in variation) || !variation.if);
  const pool = conditional.length > 0 ? conditional : unconditional.length > 0 ? unconditional : normalised;
  const chosen = pool[hash(`${context.sessionId}|${context.turn}|${name}`) % pool.length]!;
  const text = fillTemplate(chosen.text, context.slots, context.extra);
  return 'buttons' in chosen && chosen.buttons ? { text, buttons: chosen.buttons } : { text };
}
