import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../bot/definition';
import { DialogueBotSchema, type DialogueBot } from '../bot/dialogue-schema';
import { nearbyReadings, readStories, runStory, StoriesSchema, type ParseText, type Story } from './stories';
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

  it('point out the passing steps whose reading sits near a decision, and not the ones a step gives', async () => {
    const readings: Record<string, Understood> = {
      'where is my order': { intent: { name: 'order_status', confidence: 0.9 }, ranking: [{ name: 'order_status', confidence: 0.9 }, { name: 'help', confidence: 0.05 }], entities: [] },
      'what can you do': { intent: { name: 'help', confidence: 0.82 }, ranking: [{ name: 'help', confidence: 0.82 }, { name: 'refund_request', confidence: 0.7 }], entities: [] },
      // As unsure as it gets, but a bare answer to the form's question: the intent changes nothing.
      A12345: { intent: { name: 'order_status', confidence: 0.31 }, ranking: [{ name: 'order_status', confidence: 0.31 }, { name: 'refund_request', confidence: 0.28 }], entities: [{ entity: 'order_id', value: 'A12345', text: 'A12345' }] },
    };
    const parseText: ParseText = async (text) => readings[text]!;
    const steps = [{ user: 'where is my order' }, { bot: 'ask_order_id' }, { user: 'what can you do' }, { bot: 'help' }, { bot: 'resume_form' }, { user: 'what can you do', understood: { help: 0.82, refund_request: 0.7 } }, { bot: 'help' }, { bot: 'resume_form' }, { user: 'A12345' }, { action: 'order_status' }];
    const result = await runStory(bot, story(steps), parseText, NOW);
    expect(result).toMatchObject({ passed: true });
    expect(result.closeCalls).toEqual([{ step: 3, text: 'what can you do', why: 'help 0.82, refund_request 0.70 next' }]);
  });
});

describe('nearby readings', () => {
  const reading = (...ranking: Array<[string, number]>): Understood => {
    const [name, confidence] = ranking[0]!;
    return { intent: { name, confidence }, ranking: ranking.map(([n, c]) => ({ name: n, confidence: c })), entities: [] };
  };
  const near = (parse: Understood, confidenceThreshold: number, outOfScopeThreshold: number) =>
    nearbyReadings(parse, { confidence_threshold: confidenceThreshold }, outOfScopeThreshold).map((n) => [n.why, n.parse.intent.name, Number(n.parse.intent.confidence.toFixed(2))]);

  it('put the next intent on top when it is within 0.15 of the top', () => {
    expect(near(reading(['help', 0.7], ['order_status', 0.56]), 0.3, 0)).toEqual([['help 0.70, order_status 0.56 next', 'order_status', 0.7]]);
    expect(near(reading(['help', 0.7], ['order_status', 0.54]), 0.3, 0)).toEqual([]);
  });

  it('move a top confidence within 0.1 of confidence_threshold just across it, unless the model declined the message', () => {
    expect(near(reading(['help', 0.58]), 0.5, 0)).toEqual([['help 0.58, near confidence_threshold 0.5', 'help', 0.49]]);
    expect(near(reading(['help', 0.45]), 0.5, 0)).toEqual([['help 0.45, near confidence_threshold 0.5', 'help', 0.5]]);
    expect(near(reading(['help', 0.61]), 0.5, 0)).toEqual([]);
    expect(near({ ...reading(['help', 0.45]), intent: { name: 'out_of_scope', confidence: 0.55 } }, 0.5, 0)).toEqual([]);
  });

  it('check each dialogue threshold given', () => {
    const both = nearbyReadings(reading(['help', 0.66]), { confidence_threshold: 0.6, digression_threshold: 0.7 }, 0);
    expect(both.map((n) => [n.why, n.parse.intent.confidence])).toEqual([
      ['help 0.66, near confidence_threshold 0.6', 0.59],
      ['help 0.66, near digression_threshold 0.7', 0.7],
    ]);
  });

  it("answer or decline a message whose top confidence is within 0.1 of the model's out-of-scope threshold", () => {
    const declined = { ...reading(['help', 0.25]), intent: { name: 'out_of_scope', confidence: 0.75 } };
    expect(near(declined, 0.5, 0.3)).toEqual([["help 0.25, near the model's out-of-scope threshold 0.30", 'help', 0.25]]);
    expect(near(reading(['help', 0.35]), 0.5, 0.3)).toEqual([["help 0.35, near the model's out-of-scope threshold 0.30", 'out_of_scope', 0.65]]);
    expect(near(reading(['help', 0.95]), 0.5, 0.3)).toEqual([]);
  });
});

describe('reading a conversation tests file', () => {
  const file = 'bots/shop.tests.yaml';
  const storiesWith = (steps: string) => `now: "2026-11-22T10:00:00Z"\nstories:\n  - name: numbers\n    steps:\n${steps}`;
  const problems = (source: string) => {
    const read = readStories(source, file);
    return read.ok ? [] : read.problems.map(formatProblem);
  };

  it('says a message YAML reads as a number must be text, and to quote it', () => {
    const parsed = v.safeParse(StoriesSchema, { stories: [{ name: 'numbers', steps: [{ user: 12345 }] }] });
    expect(parsed.success ? [] : parsed.issues.map((issue) => issue.message)).toEqual(['the message must be text: YAML reads 12345 as a number, so quote it (user: "12345")']);
  });

  it('points at the file, line and path, like the definition does', () => {
    expect(problems(storiesWith('      - user: hello\n      - bot: greet_reply\n      - user: 12345\n      - button: 2\n      - bot: order_done\n        contains: 2026\n'))).toEqual([
      'bots/shop.tests.yaml:7: stories[0].steps[2].user: the message must be text: YAML reads 12345 as a number, so quote it (user: "12345")',
      'bots/shop.tests.yaml:8: stories[0].steps[3].button: button must be text: YAML reads 2 as a number, so quote it (button: "2")',
      'bots/shop.tests.yaml:10: stories[0].steps[4].contains: contains must be text: YAML reads 2026 as a number, so quote it (contains: "2026")',
    ]);
  });

  it("tells a step's own problem rather than that no kind of step fits", () => {
    expect(problems(storiesWith('      - user: hello\n        intnet: greet\n      - hello\n'))).toEqual([
      'bots/shop.tests.yaml:6: stories[0].steps[0].intnet: Invalid key: Expected never but received "intnet"',
      'bots/shop.tests.yaml:7: stories[0].steps[1]: a step is a map with one of user:, button:, bot:, action:, fulfillment:, handoff:, end:, slots:',
    ]);
  });

  it("reads the demo bot's tests", () => {
    const read = readStories(readFileSync('bots/acme.tests.yaml', 'utf8'), 'bots/acme.tests.yaml');
    expect(read.ok && read.stories.stories.length).toBeGreaterThan(40);
  });
});
