/** Slots: the values a message offers for them, and validation with a reason a visitor can act on. */
import type { DialogueBot, Slot } from '../bot/dialogue-schema';
import { trimText } from '../text';
import type { SlotValue, Understood } from './types';

/** An entity's value as a slot value: dates and amounts come from the extractors as objects. */
function entityValue(value: unknown, text: string | undefined): SlotValue | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of ['value', 'amount', 'from', 'date']) {
      const inner = record[key];
      if (typeof inner === 'string' || typeof inner === 'number') return inner;
    }
  }
  return text;
}

/**
 * "tomorrow at 3pm" is one `datetime` entity ("2026-11-23T15:00:00+01:00"); a date slot takes its day
 * and a time slot its time of day, so one phrase fills both.
 */
function partOfDateTime(slot: Slot, parse: Understood): string | undefined {
  if (slot.type !== 'date' && slot.type !== 'time') return undefined;
  const value = parse.entities.find((e) => e.entity === 'datetime')?.value;
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)/.exec(value) : null;
  if (!match) return undefined;
  return slot.type === 'date' ? match[1] : match[2];
}

/** Values for slots found in a parse: from entities and from intents (`from_intent`). */
export function slotsFromParse(bot: DialogueBot, parse: Understood): Record<string, SlotValue> {
  const found: Record<string, SlotValue> = {};
  for (const [name, slot] of Object.entries(bot.slots)) {
    if (slot.entity) {
      const entity = parse.entities.find((e) => e.entity === slot.entity);
      const value = entity ? entityValue(entity.value, entity.text) : partOfDateTime(slot, parse);
      if (value !== undefined) found[name] = coerce(slot, value) ?? value;
    }
    const byIntent = slot.from_intent?.[parse.intent.name];
    if (byIntent !== undefined && found[name] === undefined) found[name] = byIntent;
  }
  return found;
}

/** Reads a typed reply as a value of the slot's type (`from_text`); undefined when it cannot be one. */
export function coerce(slot: Slot, value: SlotValue): SlotValue | undefined {
  if (slot.type === 'number' || slot.type === 'amount') {
    if (typeof value === 'number') return value;
    const match = /-?\d+(?:[.,]\d+)?/.exec(String(value).replace(/(\d),(\d{3})\b/g, '$1$2'));
    return match ? Number(match[0].replace(',', '.')) : undefined;
  }
  if (slot.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (/^(yes|y|yeah|yep|true|sure|ok)$/i.test(trimText(String(value)))) return true;
    if (/^(no|n|nope|false)$/i.test(trimText(String(value)))) return false;
    return undefined;
  }
  return typeof value === 'string' ? trimText(value) : String(value);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Null when the value is fine, else the reason (shown to the visitor as `{reason}`): plain text that
 * quotes the visitor's value, so the response escapes it like any value that is not the bot's own.
 */
export function validateSlot(slot: Slot, value: SlotValue, now: number, timeZone = 'UTC'): string | null {
  const rules = slot.validate;
  if (slot.type === 'email' && !EMAIL.test(String(value))) return `"${String(value)}" is not an email address`;
  if ((slot.type === 'number' || slot.type === 'amount') && typeof value !== 'number') return `"${String(value)}" is not a number`;
  if (!rules) return null;
  if (rules.pattern !== undefined && !new RegExp(rules.pattern, 'u').test(String(value))) return `"${String(value)}" is not in the expected format`;
  if (rules.min !== undefined && typeof value === 'number' && value < rules.min) return `it must be at least ${rules.min}`;
  if (rules.max !== undefined && typeof value === 'number' && value > rules.max) return `it must be at most ${rules.max}`;
  if (rules.one_of && !rules.one_of.some((option) => option.toLowerCase() === String(value).toLowerCase())) return `it must be one of ${rules.one_of.join(', ')}`;
  if (rules.not_past) {
    const day = String(value).slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return `"${String(value)}" is not a date`;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));
    if (day < today) return 'that date is in the past';
  }
  return null;
}
