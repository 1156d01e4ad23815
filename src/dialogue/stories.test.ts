import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DialogueBotSchema, type DialogueBot } from '../bot/dialogue-schema';
import { runStory, StoriesSchema, type ParseText, type Story } from './stories';
import type { Understood } from './types';

const NOW = Date.parse('2026-11-22T10:00:00Z');

const bot: DialogueBot = v.parse(DialogueBotSchema, {
  intentTitles: { order_status: 'Order status', refund_request: 'Refunds' },
  settings: { confidence_threshold: 0.5 },
  slots: { order_id: { entity: 'order_id', from_text: true, ask: 'ask_order_id' } },
  flows: {
    order_status: { intent: 'order_status', slots: ['order_id'], action: 'order_status', done: 'order_done' },
    refund: { intent: 'refund_request', slots: ['order_id'], action: 'create_refund', done: 'refund_done' },
  },
  rules: { help: { response: 'help' } },
  responses: {
    ask_order_id: ['Which order?'],
    order_done: ['Done.'],
    refund_done: ['Refunded.'],
    help: ['I can help with orders.'],
    clarify: ['Did you mean one of these?'],
  },
});

/** A model that is sure every message is about an order. */
const sureOfOrders: ParseText = async (): Promise<Understood> => ({
  intent: { name: 'order_status', confidence: 0.97 },
  ranking: [{ name: 'order_status', confidence: 0.97 }],
  entities: [],
});

const story = (steps: unknown[]): Story => v.parse(StoriesSchema, { stories: [{ name: 'a story', steps }] }).stories[0]!;

describe('conversation tests', () => {
  it('follow the model, and fail with the conversation so far when the bot answers otherwise', async () => {
    const result = await runStory(bot, story([{ user: 'my card got charged' }, { bot: 'clarify' }]), sureOfOrders, NOW);
    expect(result.passed).toBe(false);
    expect(result.failure).toMatchObject({ step: 2, expected: 'bot: clarify' }); // steps count from 1
    expect(result.transcript[0]).toBe('user: my card got charged  [order_status 0.97]');
  });

  it('take a message as the intents a step gives, so a story of the dialogue holds whatever a model makes of the words', async () => {
    const steps = [{ user: 'my card got charged', understood: { refund_request: 0.4, order_status: 0.3 } }, { bot: 'clarify' }, { button: '/refund_request' }, { bot: 'ask_order_id' }];
    const result = await runStory(bot, story(steps), sureOfOrders, NOW);
    expect(result).toMatchObject({ passed: true });
    expect(result.transcript[0]).toBe('user: my card got charged  [refund_request 0.40 (given)]');
  });

  it('name an intent no flow or rule answers instead of passing on it', async () => {
    const result = await runStory(bot, story([{ user: 'hi', understood: { refund_requests: 0.4 } }, { bot: 'clarify' }]), sureOfOrders, NOW);
    expect(result.failure).toEqual({ step: 1, expected: 'understood: intents the bot has', actual: '"refund_requests", which no flow or rule answers' });
  });

  it('refuse confidences outside 0-1 and an empty ranking', () => {
    const parse = (understood: unknown) => v.safeParse(StoriesSchema, { stories: [{ name: 's', steps: [{ user: 'hi', understood }] }] });
    expect(parse({ help: 1.5 }).success).toBe(false);
    expect(parse({}).success).toBe(false);
    expect(parse({ help: 0.5 }).success).toBe(true);
  });
});
