import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { DialogueBotSchema } from '../bot/dialogue-schema';
import type { ParseResult } from '../nlu/parse';
import type { LoadInfo } from '../nlu/runtime/protocol';
import { aMenuBot, fetchReturning } from '../test/builders';
import { createConversationWithBot } from './conversation';
import type { Fulfill } from './dialogue-turn';
import type { Understanding } from './types';
import { en } from '../i18n/en';

const dialogue = v.parse(DialogueBotSchema, {
  intentTitles: { order_status: 'Order status', hours: 'Opening hours' },
  slots: { order_id: { entity: 'order_id', from_text: true, ask: 'ask_order' }, order_state: {} },
  flows: {
    order_status: { intent: 'order_status', slots: ['order_id'], action: 'order_status', done: 'order_done' },
    hours: { intent: 'hours', done: 'hours_done' },
  },
  rules: { talk_to_human: { handoff: true, response: 'to_human' } },
  responses: {
    ask_order: ['What is your order number?'],
    order_done: ['Order {order_id} is {order_state}.'],
    hours_done: ['9 to 6.'],
    to_human: ['Getting a person for you.'],
  },
});

/** A model that knows three sentences, and fails on the texts of `failures` with their error. */
function fakeUnderstanding(failures: Record<string, Error> = {}): Understanding {
  const known: Record<string, { intent: string; entities?: Array<{ entity: string; value: string }> }> = {
    'where is my order': { intent: 'order_status' },
    A12345: { intent: 'out_of_scope', entities: [{ entity: 'order_id', value: 'A12345' }] },
    'a human please': { intent: 'talk_to_human' },
  };
  return {
    load: async () => ({ stage: 'full', backend: 'wasm', backendReason: 'test', modelBytes: 1, fromCache: false, loadMs: 1, warmupMs: 1 }) satisfies LoadInfo,
    parse: async (text) => {
      if (failures[text]) throw failures[text];
      const hit = known[text] ?? { intent: 'out_of_scope' };
      const result: ParseResult = {
        text,
        stage: 'full',
        intent: { name: hit.intent, confidence: 0.95 },
        ranking: [{ name: hit.intent, confidence: 0.95 }],
        entities: (hit.entities ?? []).map((e) => ({ ...e, text: e.value, start: 0, end: e.value.length, confidence: 1, extractor: 'model' })),
        timings: { featurizeMs: 0, modelMs: 0, decodeMs: 0, totalMs: 0 },
      };
      return result;
    },
  };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

function conversation(fulfill?: Fulfill, understanding = fakeUnderstanding()) {
  const bundle = { ...aMenuBot(), nlu: {}, dialogue };
  return createConversationWithBot({ bot: '/models/test/', baseUrl: 'https://shop.example/', fetch: fetchReturning(bundle), understanding, replyDelayMs: 0, ...(fulfill && { fulfill }) });
}

/** Starts the conversation and runs the order form with `orderId`. */
async function askForOrder(chat: ReturnType<typeof conversation>, orderId: string) {
  await chat.start();
  chat.send('where is my order');
  await settle();
  chat.send(orderId);
  await settle();
}

describe('conversation with the dialogue engine', () => {
  it('a form begun on the light stage goes on with the full model once it is warm; each message is understood once, by one stage', async () => {
    // The light stage answers until the test says the full model is warm.
    let fullReady: ((event: { ok: true; info: LoadInfo }) => void) | null = null;
    const base = fakeUnderstanding();
    let stage: 'light' | 'full' = 'light';
    const parses: string[] = [];
    const understanding: Understanding = {
      load: async () => ({ stage: 'light', loadMs: 1, fullModel: 'loading' }),
      onFullStage: (listener) => {
        fullReady = listener;
        return () => undefined;
      },
      parse: async (text) => {
        parses.push(text);
        return { ...(await base.parse(text)), stage };
      },
    };
    const fulfill = vi.fn<Fulfill>(async () => ({ ok: true, slots: { order_state: 'shipped' } }));
    const chat = conversation(fulfill, understanding);
    const heard: string[] = [];
    chat.on('lightReady', () => heard.push('lightReady'));
    chat.on('modelReady', (info) => heard.push(`modelReady ${info.backend}`));
    chat.on('understood', ({ result }) => heard.push(`understood ${result.text} by ${result.stage}`));
    await chat.start();
    chat.send('where is my order');
    await settle();
    expect(chat.messages.value.at(-1)?.text).toBe('What is your order number?');

    stage = 'full';
    fullReady!({ ok: true, info: { stage: 'full', backend: 'wasm', backendReason: 'test', modelBytes: 1, fromCache: false, loadMs: 1, warmupMs: 1 } });
    chat.send('A12345');
    await settle();
    expect(chat.messages.value.at(-1)?.text).toBe('Order A12345 is shipped.');
    expect(fulfill).toHaveBeenCalledTimes(1);
    expect(parses).toEqual(['where is my order', 'A12345']);
    expect(heard).toEqual(['lightReady', 'understood where is my order by light', 'modelReady wasm', 'understood A12345 by full']);
  });

  it('runs a form: asks the missing slot, calls the backend with it, answers with what it returned', async () => {
    const fulfill = vi.fn<Fulfill>(async () => ({ ok: true, slots: { order_state: 'shipped' } }));
    const chat = conversation(fulfill);
    await chat.start();
    chat.send('where is my order');
    await settle();
    expect(chat.messages.value.at(-1)?.text).toBe('What is your order number?');
    expect(chat.quickReplies.value).toEqual([]); // inside a form: no menu
    chat.send('A12345');
    await settle();
    expect(fulfill).toHaveBeenCalledWith(expect.objectContaining({ action: 'order_status', slots: { order_id: 'A12345' } }), expect.anything());
    expect(chat.messages.value.at(-1)?.text).toBe('Order A12345 is shipped.');
    expect(chat.quickReplies.value.map((q) => q.label)).toEqual(['Opening hours', 'Request a refund']); // the menu again
  });

  it('a backend failure is said plainly, with an offer of a person as buttons', async () => {
    const chat = conversation(async () => {
      throw new Error('connection refused');
    });
    await askForOrder(chat, 'A12345');
    // The technical error goes to the console; the visitor gets a plain reason.
    expect(chat.messages.value.at(-1)?.text).toContain('our service could not be reached');
    expect(chat.messages.value.at(-1)?.text).not.toContain('connection refused');
    const handoffs: string[] = [];
    chat.on('handoff', ({ reason }) => handoffs.push(reason));
    chat.choose(chat.quickReplies.value.find((q) => q.id === '/affirm')!);
    await settle();
    expect(handoffs).toEqual(['visitor accepted a person']);
    // The backend could not be told either: the visitor hears it, nothing throws.
    expect(chat.messages.value.at(-1)?.text).toMatch(/couldn’t reach our team/);
  });

  it('a menu topic the dialogue knows starts its flow; a handoff carries the transcript', async () => {
    const chat = conversation();
    await chat.start();
    chat.choose({ id: 'hours', label: 'Opening hours' });
    await settle();
    expect(chat.messages.value.at(-1)?.text).toBe('9 to 6.');
    const handoffs: Array<{ transcript: readonly unknown[] }> = [];
    chat.on('handoff', (event) => handoffs.push(event));
    chat.send('a human please');
    await settle();
    expect(chat.messages.value.at(-1)?.text).toBe('Getting a person for you.');
    expect(handoffs[0]?.transcript.length).toBeGreaterThanOrEqual(4);
  });

  it('tells the backend of a handoff with the transcript, and shows what it answers', async () => {
    const fulfill = vi.fn<Fulfill>(async (call) => (call.action === 'handoff' ? { ok: true, messages: ['Ticket T1001: a person will answer here.'] } : { ok: true }));
    const chat = conversation(fulfill);
    await chat.start();
    chat.send('a human please');
    await settle();
    const handoff = fulfill.mock.calls.find(([call]) => call.action === 'handoff')![0];
    expect(handoff.transcript?.map((m) => [m.from, m.text])).toContainEqual(['user', 'a human please']);
    expect(handoff.intent).toEqual({ name: 'talk_to_human', confidence: 0.95 });
    expect(chat.messages.value.slice(-2).map((m) => m.text)).toEqual(['Getting a person for you.', 'Ticket T1001: a person will answer here.']);
  });

  it("a long conversation's handoff still fits the backend's request limit: the newest messages, and a note of what was left out", async () => {
    const fulfill = vi.fn<Fulfill>(async () => ({ ok: true }));
    const chat = conversation(fulfill);
    await chat.start();
    for (let i = 0; i < 120; i++) chat.send(`message ${i} ${'x'.repeat(900)}`);
    for (let i = 0; i < 200; i++) await settle();
    chat.send('a human please');
    for (let i = 0; i < 50; i++) await settle();
    const handoff = fulfill.mock.calls.filter(([call]) => call.action === 'handoff').at(-1)![0];
    const bytes = new TextEncoder().encode(JSON.stringify(handoff)).byteLength;
    expect(bytes).toBeLessThan(64 * 1024);
    // The newest message is the last kept (handoffs come after the visitor's 100th message here, so earlier ones were left out).
    expect(handoff.transcript!.filter((m) => m.from === 'user').at(-1)?.text).toMatch(/^(a human please|message \d+ x+)$/);
    expect(handoff.transcript![0]!.text).toMatch(/^\(\d+ earlier messages left out\)$/);
  });

  it("a failed handoff shows the backend's reason as text: no link, no markup, no $& expansion", async () => {
    const fulfill = vi.fn<Fulfill>(async () => ({ ok: false, message: '[Verify here](https://evil.example) $& <b>now</b>' }));
    const chat = conversation(fulfill);
    await chat.start();
    chat.send('a human please');
    await settle();
    const said = chat.messages.value.at(-1)!.text;
    expect(said).toContain('\\[Verify here\\]\\(https://evil\\.example\\)');
    expect(said).not.toContain('{reason}'); // `$&` would have expanded to the matched token
    expect(said).not.toContain('<b>');
  });

  it('backend messages are shown after the answer, with the parse context sent along', async () => {
    const fulfill = vi.fn<Fulfill>(async () => ({ ok: true, slots: { order_state: 'packed' }, messages: ['Tracking: https://track.example/A12345'] }));
    const chat = conversation(fulfill);
    await askForOrder(chat, 'A12345');
    expect(fulfill.mock.calls[0]![0]).toMatchObject({ intent: { name: 'out_of_scope' }, entities: [{ entity: 'order_id', value: 'A12345', start: 0, end: 6 }] });
    expect(chat.messages.value.slice(-2).map((m) => m.text)).toEqual(['Tracking: https://track.example/A12345', 'Order A12345 is packed.']);
  });

  it('offline: the visitor is told at once that the request will go out when the connection is back', async () => {
    let goOnline: () => void = () => {};
    const fulfill: Fulfill = (_call, hooks) =>
      new Promise((resolve) => {
        hooks?.onQueued?.();
        goOnline = () => {
          hooks?.onResumed?.();
          resolve({ ok: true, slots: { order_state: 'shipped' } });
        };
      });
    const chat = conversation(fulfill);
    await askForOrder(chat, 'A12345');
    expect(chat.messages.value.at(-1)?.text).toContain('You seem to be offline');
    goOnline();
    await settle();
    expect(chat.messages.value.slice(-2).map((m) => m.text)).toEqual(['You’re back online, sending your request now.', 'Order A12345 is shipped.']);
  });
});

describe('when the model does not answer', () => {
  /** What the NLU client rejects with (src/nlu/runtime/client.ts). */
  const failure = (code: 'timeout' | 'worker-crashed') => Object.assign(new Error(`the language worker failed: ${code}`), { code });
  const lastText = (chat: ReturnType<typeof conversation>) => chat.messages.value.at(-1)?.text;

  it('a slow answer is said as such, and the next message is understood again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const chat = conversation(undefined, fakeUnderstanding({ 'a slow one': failure('timeout') }));
    await chat.start();
    chat.send('a slow one');
    await settle();
    expect(lastText(chat)).toBe(en.nluSlow);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('took too long'), expect.anything());
    chat.send('where is my order');
    await settle();
    expect(lastText(chat)).toBe('What is your order number?');
    // A miss, a success, a miss: never two in a row, so the model stays.
    chat.send('a slow one');
    await settle();
    expect(lastText(chat)).toBe(en.nluSlow);
    expect(chat.understanding.value).toBe('ready');
    warn.mockRestore();
  });

  it('a second slow answer in a row, or a crash, turns to the menu for good and says so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const slow = conversation(undefined, fakeUnderstanding({ 'a slow one': failure('timeout') }));
    await slow.start();
    slow.send('a slow one');
    await settle();
    slow.send('a slow one');
    await settle();
    expect(lastText(slow)).toBe(en.nluUnavailable);
    expect(slow.understanding.value).toBe('failed');
    slow.send('where is my order');
    await settle();
    expect(lastText(slow)).toBe(en.nluUnavailable);

    const crashed = conversation(undefined, fakeUnderstanding({ 'a crash': failure('worker-crashed') }));
    await crashed.start();
    crashed.send('a crash');
    await settle();
    expect(lastText(crashed)).toBe(en.nluUnavailable);
    expect(crashed.understanding.value).toBe('failed');
    expect(error).toHaveBeenCalledWith(expect.stringContaining('could not be understood'), expect.objectContaining({ code: 'worker-crashed' }));
    warn.mockRestore();
    error.mockRestore();
  });
});
