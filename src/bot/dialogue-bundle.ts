/** The dialogue part of bot.json: what the engine runs, taken from a validated definition. */
import * as v from 'valibot';
import type { BotDefinition } from './definition';
import { DialogueBotSchema, type DialogueBot } from './dialogue-schema';

export function dialogueOf(definition: BotDefinition): DialogueBot {
  const intentTitles = Object.fromEntries(Object.entries(definition.intents).flatMap(([intent, { title }]) => (title ? [[intent, title]] : [])));
  const { slots, flows, rules, responses, settings } = definition;
  return { slots, flows, rules, responses, settings, intentTitles };
}

/** Validates the dialogue of a fetched bot.json; problems name the path inside it. */
export function parseDialogue(data: unknown, source: string): { ok: true; value: DialogueBot } | { ok: false; problems: string[] } {
  const result = v.safeParse(DialogueBotSchema, data);
  if (result.success) return { ok: true, value: result.output };
  return {
    ok: false,
    problems: result.issues.map((issue) => `${source}: ${(issue.path ?? []).map((p) => String(p.key)).join('.') || '(root)'}: ${issue.message}`),
  };
}
