/** The contract between a conversation and whatever shows it (the widget, or a team's own UI). */
import type { ReadonlySignal } from '@preact/signals-core';
import type { MenuBot } from '../bot/menu-bot';
import type { Strings } from '../i18n';
import type { ParseResult } from '../nlu/parse';
import type { FullStageEvent } from '../nlu/runtime/client';
import type { LightLoadInfo, LoadInfo, StageInfo } from '../nlu/runtime/protocol';
import type { SessionStore } from '../store/session-store';
import type { Fulfill } from './dialogue-turn';
import type { Channel, Locks } from './session-sync';

/** The language model, injected (the widget's is a Web Worker; tests give their own). */
export interface Understanding {
  /**
   * Loads until a stage can answer: the light stage when the bundle has one (the full model then
   * loads behind it), else the warm full model; rejects when none can.
   */
  load(): Promise<StageInfo>;
  /** Hears once whether the full model became warm behind the light stage, or failed to. */
  onFullStage?(listener: (event: FullStageEvent) => void): () => void;
  /**
   * Rejects with an error whose `code` is 'timeout' when the model did not answer in time (it may
   * only be slow, and is tried again), and with any other error when it is gone.
   */
  parse(text: string): Promise<ParseResult>;
}

export type UnderstandingState = 'none' | 'idle' | 'loading' | 'ready' | 'failed';

export interface QuickReply {
  id: string;
  label: string;
}

export type Rating = 'up' | 'down';

export interface ChatMessage {
  id: string;
  from: 'user' | 'bot';
  /** User text is plain text and must be shown as text; bot text is a safe markdown subset. */
  text: string;
  /** Epoch milliseconds. */
  at: number;
  quickReplies?: readonly QuickReply[];
  rating?: Rating;
}

export type ConversationStatus = 'idle' | 'loading' | 'ready' | 'failed';

export interface ConversationError {
  /** `forget-failed`: something stored could not be deleted (retry() tries forget() again). */
  code: 'bot-load-failed' | 'forget-failed';
  /** Safe to show to the visitor, in their language. */
  message: string;
  /** For the site's developers (shown in the console): what failed and where. */
  detail: string;
  /** True when calling `retry()` may fix it. */
  retryable: boolean;
}

export type SendResult = { ok: true; message: ChatMessage } | { ok: false; reason: 'empty' | 'too-long' | 'not-ready' };

export interface ConversationEvents {
  message: ChatMessage;
  feedback: { message: ChatMessage; rating: Rating };
  error: ConversationError;
  ready: { botName: string };
  /** The light stage can answer (typed messages are understood from now on; the full model may still load). */
  lightReady: LightLoadInfo;
  /** The full language model is loaded and warm: which backend runs it, and how long loading took. */
  modelReady: LoadInfo;
  /** The bot hands the conversation to a person: the host page connects one (live chat, ticket). */
  handoff: { reason: string; sessionId: string; slots: Record<string, string | number | boolean>; transcript: readonly ChatMessage[] };
  /** The bot ended the conversation (the visitor said goodbye). */
  end: { sessionId: string };
  /** What the language model made of a message. */
  understood: { message: ChatMessage; result: ParseResult };
}

export interface Conversation {
  readonly botName: ReadonlySignal<string>;
  readonly messages: ReadonlySignal<readonly ChatMessage[]>;
  /** Replies offered under the latest bot message; empty once the visitor has answered. */
  readonly quickReplies: ReadonlySignal<readonly QuickReply[]>;
  readonly typing: ReadonlySignal<boolean>;
  readonly status: ReadonlySignal<ConversationStatus>;
  readonly error: ReadonlySignal<ConversationError | null>;
  readonly maxMessageLength: number;
  /** 'none' for a bot without a language model; 'failed' once it could not load (buttons-only then). */
  readonly understanding: ReadonlySignal<UnderstandingState>;
  /** Starts loading the language model, if the bot has one (the widget calls it per its load policy). */
  warmUp(): void;
  /** Loads the bot and greets the visitor. Safe to call more than once. */
  start(): Promise<void>;
  /** Sends what the visitor typed. Whitespace-only text is not sent. */
  send(text: string): SendResult;
  /** Sends a quick reply as if the visitor had typed its label. */
  choose(reply: QuickReply): SendResult;
  rate(messageId: string, rating: Rating): void;
  /** Clears the transcript and greets again. */
  reset(): void;
  /**
   * Deletes everything kept for the visitor on this device (the conversations of every bot of the
   * site, in every tab; the cached model; cached answers), then starts afresh. Works before the bot
   * has loaded, and if it never does. Rejects, saying what is left, when something could not be deleted.
   */
  forget(): Promise<void>;
  /** Whether the conversation is kept on this device (false: IndexedDB cannot be used here). */
  readonly persistent: ReadonlySignal<boolean>;
  /** Tries a failed load again. */
  retry(): Promise<void>;
  dismissError(): void;
  on<K extends keyof ConversationEvents>(event: K, listener: (payload: ConversationEvents[K]) => void): () => void;
  dispose(): void;
}

export interface ConversationOptions {
  /** A bot bundle URL (folder holding `bot.json`, or the JSON file itself), or the bot itself. */
  bot: string | MenuBot;
  /** Replaces the bot's own greeting. */
  greeting?: string;
  strings?: Strings;
  maxMessageLength?: number;
  replyDelayMs?: number;
  botLoadTimeoutMs?: number;
  /** Injected I/O, for tests and for hosts that wrap fetch. */
  fetch?: typeof fetch;
  /** Base URL that a relative `bot` URL is resolved against; the page's URL by default. */
  baseUrl?: string;
  now?: () => number;
  understanding?: Understanding;
  /** Calls the site's backend for a flow's action (order lookup, refund...) and for handoffs. */
  fulfill?: Fulfill;
  /** How long a turn waits for one backend action, retries included (default defaults.fulfillmentDeadlineMs). */
  fulfillmentDeadlineMs?: number;
  /**
   * Called by forget() to delete what is kept besides the store (the model cache, the fulfillment
   * client's cached answers), with or without persistence. A rejection makes forget() reject.
   */
  clearCaches?: () => Promise<void>;
  /** The visitor's language, sent to the backend. */
  locale?: string;
  /** Where the conversation is kept between visits and shared between tabs (none: memory only). */
  persistence?: {
    store: Promise<SessionStore> | SessionStore;
    /** Other tabs of this bot hear of each turn here (BroadcastChannel). */
    channel?: Channel | null;
    /** Every tab of the site hears of forget() here, whatever bot it shows (BroadcastChannel "parley"). */
    siteChannel?: Channel | null;
    /** Turns run one at a time across tabs (navigator.locks). */
    locks?: Locks | null;
    /** Stored conversations are deleted after this many days (default 30). */
    retentionDays?: number;
  };
}
