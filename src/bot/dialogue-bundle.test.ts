import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { onHostilePage } from '../test/hostile-page';
import { loadDefinition } from './definition';
import { dialogueOf, parseDialogue } from './dialogue-bundle';
import { DialogueBotSchema } from './dialogue-schema';

/** The demo bot's dialogue as `parley train` writes it into bot.json, and as the widget fetches it. */
function demoDialogue(): Record<string, unknown> {
  const loaded = loadDefinition(readFileSync('bots/acme.yaml', 'utf8'), 'bots/acme.yaml');
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  return JSON.parse(JSON.stringify(dialogueOf(loaded.definition))) as Record<string, unknown>;
}

describe("the browser's reading of bot.json's dialogue", () => {
  it("reads the demo bot's dialogue exactly as the definition's schema does", () => {
    const json = demoDialogue();
    expect(parseDialogue(json, 'bot.json dialogue')).toEqual({ ok: true, value: v.parse(DialogueBotSchema, json) });
  });

  it('reads it on a page that added methods to Object.prototype and Array.prototype and broke trim', async () => {
    const json = demoDialogue();
    const result = await onHostilePage(() => parseDialogue(json, 'bot.json dialogue'));
    expect(result).toEqual({ ok: true, value: v.parse(DialogueBotSchema, json) });
  });

  it('fills in what a bundle from an older Parley leaves out, with the same defaults as the schema', () => {
    const json = demoDialogue();
    const { digression_threshold, ...olderSettings } = json.settings as Record<string, unknown>;
    expect(digression_threshold).toBe(0.7);
    const older = { flows: { refund: { intent: 'refund_request' } }, rules: { greet: {} }, slots: { order_id: { entity: 'order_id' } }, settings: olderSettings };
    const result = parseDialogue(older, 'bot.json dialogue');
    expect(result).toEqual({ ok: true, value: v.parse(DialogueBotSchema, older) });
    expect(result.ok && result.value.settings.digression_threshold).toBe(0.7);
  });

  it('names the field and says what it must be', () => {
    const json = demoDialogue();
    const flows = json.flows as Record<string, Record<string, unknown>>;
    const broken = {
      ...json,
      flows: { ...flows, refund: { ...flows.refund, slots: 'order_id' } },
      responses: { ...(json.responses as object), greet_reply: [], order_status_done: [{ text: 'Done', buttons: [{ title: 'More' }] }] },
      settings: { ...(json.settings as object), confidence_threshold: '0.5' },
    };
    const result = parseDialogue(broken, 'models/acme/bot.json dialogue');
    expect(result).toEqual({
      ok: false,
      problems: [
        'models/acme/bot.json dialogue: flows.refund.slots: must be a list, not "order_id"',
        'models/acme/bot.json dialogue: responses.greet_reply: needs at least one variation',
        'models/acme/bot.json dialogue: responses.order_status_done[0].buttons[0].payload: missing (must be text)',
        'models/acme/bot.json dialogue: settings.confidence_threshold: must be a number, not "0.5"',
      ],
    });
  });
});
