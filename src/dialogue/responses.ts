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

/**
 * Text the bot itself wrote (from its definition, or a response it already rendered), inserted into a
 * response as markdown. Anything else (a visitor's words, a backend's message) is a plain string and
 * is escaped: being the bot's own has to be said, it is never the default.
 */
export interface BotMarkdown {
  readonly botMarkdown: string;
}

export const botMarkdown = (markdown: string): BotMarkdown => ({ botMarkdown: markdown });

/** What fills a `{name}` token besides the slots. */
export type TemplateValue = string | BotMarkdown;

const TOKEN = /\{([a-z][a-z0-9_]*)\}/g;

/**
 * `{name}` tokens filled with `values`, each escaped, for a template that is markdown (a widget string
 * such as "we could not reach our team ({reason})"). A replacer function inserts each value as it is:
 * a string replacement would expand `$&`, `$'` or `$1` in it. Tokens without a value stay.
 */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(TOKEN, (token, name: string) => (Object.hasOwn(values, name) ? escapeMarkdown(values[name]!) : token));
}

/** A response's `{slot}` and `{extra}` tokens filled: slot values and plain extras escaped, the bot's own markdown as it is. */
export function fillTemplate(text: string, slots: Readonly<Record<string, SlotValue>>, extra: Readonly<Record<string, TemplateValue>> = {}): string {
  return text.replace(TOKEN, (token, name: string) => {
    // Own properties only: `{constructor}` is no value.
    const value = Object.hasOwn(extra, name) ? extra[name] : Object.hasOwn(slots, name) ? slots[name] : undefined;
    if (value === undefined) return token;
    return typeof value === 'object' ? value.botMarkdown : escapeMarkdown(String(value));
  });
}

/**
 * Renders response `name`: the bot's own variations (or a built-in default), the ones whose condition
 * holds, one picked by session and turn.
 */
export function renderResponse(
  bot: DialogueBot,
  name: string,
  context: { sessionId: string; turn: number; slots: Readonly<Record<string, SlotValue>>; extra?: Readonly<Record<string, TemplateValue>> },
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
