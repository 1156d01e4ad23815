/**
 * A bot with the demo bot's refund flow (bots/acme.yaml: order number, reason, a yes/no confirmation,
 * then `create_refund`), one variation per response so that what the bot said can be read back, a
 * fake Understanding that reads the few things a visitor types here, and a conversation on a page.
 */
import * as v from 'valibot';
import { DialogueBotSchema } from '../../../src/bot/dialogue-schema';
import { createConversationWithBot } from '../../../src/conversation/conversation';
import type { Locks } from '../../../src/conversation/session-sync';
import type { ChatMessage, Conversation, ConversationOptions, Understanding } from '../../../src/conversation/types';
import { en } from '../../../src/i18n/en';
import type { ParseResult } from '../../../src/nlu/parse';
import { aMenuBot, fetchReturning } from '../../../src/test/builders';
import type { Page } from './page';

const YES_NO = [
  { title: 'Yes, refund it', payload: '/affirm' },
  { title: 'No', payload: '/deny' },
];

export const refundDialogue = v.parse(DialogueBotSchema, {
  intentTitles: { refund_request: 'Refunds' },
  slots: {
    order_id: { entity: 'order_id', from_text: true, validate: { pattern: '^[A-Za-z]\\d{5}$' }, ask: 'ask_order_id', invalid: 'order_id_invalid' },
    refund_reason: { from_text: true, ask: 'ask_refund_reason' },
    refund_id: {},
  },
  flows: {
    refund: {
      intent: 'refund_request',
      title: 'your refund',
      slots: ['order_id', 'refund_reason'],
      confirm: 'confirm_refund',
      action: 'create_refund',
      done: 'refund_done',
      failed: 'refund_failed',
    },
  },
  responses: {
    ask_order_id: ['Which order is it?'],
    order_id_invalid: ['That is not an order number ({reason}). Which order is it?'],
    ask_refund_reason: ['What went wrong with the order?'],
    confirm_refund: [{ text: 'Refund order {order_id} because "{refund_reason}"? Shall I go ahead?', buttons: YES_NO }],
    refund_done: ['Refund {refund_id} was created for order {order_id}.'],
    refund_failed: [
      {
        text: "Sorry, I couldn't create the refund for {order_id}: {reason}. Would you like a person to take it from here?",
        buttons: [
          { title: 'Yes, a person please', payload: '/affirm' },
          { title: 'No thanks', payload: '/deny' },
        ],
      },
    ],
    please_wait: ['One moment, I am still working on your refund.'],
  },
});

const ORDER = /\b[A-Z]\d{5}\b/i;

/** Reads "I want a refund for B77777", "yes", "no"; anything else is out of scope (a reason, a question). */
export const refundUnderstanding: Understanding = {
  load: async () => ({ stage: 'full', backend: 'wasm', backendReason: 'test', modelBytes: 1, fromCache: false, loadMs: 1, warmupMs: 1 }),
  parse: async (text): Promise<ParseResult> => {
    const intent = /refund/i.test(text) ? 'refund_request' : /^\s*(yes|yep|go ahead)\b/i.test(text) ? 'affirm' : /^\s*(no|nope)\b/i.test(text) ? 'deny' : 'out_of_scope';
    const order = ORDER.exec(text);
    const entities = order ? [{ entity: 'order_id', value: order[0].toUpperCase(), text: order[0], start: order.index, end: order.index + order[0].length, confidence: 1, extractor: 'model' }] : [];
    return { text, stage: 'full', intent: { name: intent, confidence: 0.95 }, ranking: [{ name: intent, confidence: 0.95 }], entities, timings: { featurizeMs: 0, modelMs: 0, decodeMs: 0, totalMs: 0 } };
  },
};

export type BotSaid = 'ask-order' | 'ask-reason' | 'confirm' | 'done' | 'failed' | 'wait' | 'offline' | 'online' | 'other';

/** What a bot message is, read from its text (each response has one variation). */
export function classify(text: string): BotSaid {
  if (/Shall I go ahead\?$/.test(text)) return 'confirm';
  if (/^Refund \S+ was created for order \S+\.$/.test(text)) return 'done';
  if (text.startsWith("Sorry, I couldn't create the refund")) return 'failed';
  if (text.startsWith('One moment, I am still working')) return 'wait';
  if (text === en.offlineQueued) return 'offline';
  if (text === en.backOnline) return 'online';
  if (text.endsWith('Which order is it?')) return 'ask-order';
  if (text.endsWith('What went wrong with the order?')) return 'ask-reason';
  return 'other';
}

/** The refund id a "done" message shows. */
export function shownRefundId(text: string): string | null {
  return /^Refund (\S+) was created/.exec(text)?.[1] ?? null;
}

export const GREETING = aMenuBot().greeting;

export interface ChatSync {
  locks?: Locks;
  /** BroadcastChannel name shared by the tabs. */
  channel?: string;
}

/** A conversation with the refund bot on a page, kept on the visitor's IndexedDB. */
export function openChat(page: Page, indexedDB: IDBFactory, sync: ChatSync = {}, extra: Partial<ConversationOptions> = {}): Conversation {
  return createConversationWithBot({
    bot: '/models/refunds/',
    baseUrl: 'https://shop.example/',
    fetch: fetchReturning({ ...aMenuBot(), nlu: {}, dialogue: refundDialogue }),
    understanding: refundUnderstanding,
    replyDelayMs: 0,
    fulfill: page.fulfill,
    persistence: { store: page.store(indexedDB), locks: sync.locks ?? null, channel: sync.channel ? page.channel(sync.channel) : null },
    ...extra,
  });
}

export const texts = (chat: Conversation): string[] => chat.messages.value.map((m) => m.text);
export const lastBot = (chat: Conversation): ChatMessage | undefined => chat.messages.value.findLast((m) => m.from === 'bot');
