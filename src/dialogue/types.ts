/**
 * dialogue/ owns the dialogue engine: `step(bot, state, event) -> { state, actions }`, a pure function
 * over plain, serialisable data. It imports no DOM, fetch, worker or storage API: the conversation
 * layer feeds it parses and fulfillment results and carries out the actions it returns.
 */
import type { Button } from '../bot/dialogue-schema';

export type SlotValue = string | number | boolean;

/** What the engine needs from a parse (the NLU's ParseResult fits). */
export interface Understood {
  intent: { name: string; confidence: number };
  ranking: ReadonlyArray<{ name: string; confidence: number }>;
  entities: ReadonlyArray<{ entity: string; value: unknown; text?: string }>;
}

export type DialogueEvent =
  | { type: 'message'; text: string; parse: Understood; now: number; timeZone?: string }
  | { type: 'button'; payload: string; title?: string; parse?: Understood; now: number; timeZone?: string }
  | { type: 'fulfillment'; action: string; ok: true; slots?: Record<string, SlotValue | null>; now: number }
  | { type: 'fulfillment'; action: string; ok: false; message?: string; now: number }
  | { type: 'restart'; now: number }
  /** The visitor came back (a reload, another visit within the session expiry): pick up where it was. */
  | { type: 'resume'; now: number };

export type DialogueAction =
  | { type: 'say'; text: string; response: string; buttons?: Button[] }
  | { type: 'ask'; slot: string; text: string; response: string; buttons?: Button[] }
  | { type: 'set_slot'; slot: string; value: SlotValue | null }
  | { type: 'call_fulfillment'; action: string; flow: string; slots: Record<string, SlotValue> }
  | { type: 'handoff'; reason: string }
  | { type: 'end' };

/** An open form: the flow being filled, and where it stands. */
export interface FormState {
  flow: string;
  /** The slot the bot asked for last (null once all are filled). */
  asking: string | null;
  /** Failed answers to `asking` so far. */
  attempts: number;
  /** Waiting for yes/no before the action. */
  confirming: boolean;
  /** Waiting for the fulfillment result. */
  waiting: boolean;
}

export interface TurnRecord {
  turn: number;
  from: 'user' | 'bot';
  /** The intent (user) or response name (bot). */
  label: string;
}

/** Everything the engine remembers: plain JSON, stored with the session. */
export interface DialogueState {
  sessionId: string;
  turn: number;
  slots: Record<string, SlotValue>;
  form: FormState | null;
  /** A form interrupted by a confirmed switch question: "switch to X?" awaits yes/no. */
  pendingSwitch: { flow: string; slots: Record<string, SlotValue> } | null;
  /** A question answered by yes/no that is not a form confirmation: offering a person. */
  offeringHuman: boolean;
  /** Consecutive messages the bot did not understand. */
  fallbacks: number;
  /** The flow that ran last, for "and what about my other order?". */
  lastFlow: string | null;
  /** The last turns only (`settings.context_turns`). */
  history: TurnRecord[];
  ended: boolean;
  lastActivity: number;
  /**
   * Backend calls whose outcome is not known yet, written ahead of the call: `out` while it is being
   * made (a reload finds it and makes it again, with the same request id), `uncertain` after a call
   * that timed out or was cut off (it may have been done: asking again for the same action and slots
   * reuses its id, so the backend answers what it did). The engine carries them; the turn runner owns them.
   */
  pendingCalls?: PendingCall[];
}

export interface PendingCall {
  /** The request's idempotency key. */
  requestId: string;
  action: string;
  /** A digest of the action's slots: the same request is the same action with the same slots. */
  fingerprint: string;
  status: 'out' | 'uncertain';
}

export interface StepResult {
  state: DialogueState;
  actions: DialogueAction[];
}
