/**
 * One visitor turn through the dialogue engine: the engine's step, then every backend action it asks
 * for (through the injected `fulfill`) fed back into the engine, until it has nothing left to do.
 * Returns what to show and what happened; the conversation owns the signals and the transcript.
 */
import type { DialogueBot } from '../bot/dialogue-schema';
import { step } from '../dialogue/engine';
import type { DialogueAction, DialogueEvent, DialogueState, SlotValue } from '../dialogue/types';

export type FulfillmentResult =
  | { ok: true; slots?: Record<string, SlotValue | null>; messages?: string[]; followUp?: 'handoff' | 'end' }
  /** `message` is safe to show the visitor; `unavailable`: the backend is known to be down (no call made). */
  | { ok: false; message?: string; unavailable?: boolean };

/** One backend action, with what the site's backend may want to know about the conversation. */
export interface FulfillCall {
  action: string;
  /** The flow asking for it ("handoff" for a handoff to a person). */
  flow: string;
  slots: Record<string, SlotValue>;
  sessionId: string;
  intent?: { name: string; confidence: number } | null;
  entities?: Array<{ entity: string; value: unknown; start?: number; end?: number }>;
  locale?: string;
  /** Only for a handoff: the conversation so far. */
  transcript?: Array<{ from: 'user' | 'bot'; text: string; at: string }>;
  /** The flow declares its answer cacheable for this long (`cache_seconds`). */
  cacheTtlMs?: number;
  /**
   * The request's idempotency key: the same for the same session, turn and action, so a call made
   * again after a reload is recognised by the backend as the one it may already have done.
   */
  requestId?: string;
}

/** Told when the call has to wait (offline) and when it goes out after all. */
export interface FulfillHooks {
  onQueued?: () => void;
  onResumed?: () => void;
}

/** Calls the site's backend for an action (injected: the widget's fulfillment client, or a test's). */
export type Fulfill = (call: FulfillCall, hooks?: FulfillHooks) => Promise<FulfillmentResult>;

/** What the backend may want to know besides the slots (from the conversation). */
export interface TurnContext {
  intent?: { name: string; confidence: number } | null;
  entities?: FulfillCall['entities'];
  locale?: string;
  /** Says something at once while the turn goes on (e.g. "you are offline, I will send it later"). */
  notify?: (notice: 'offline' | 'online') => void;
}

export interface TurnOutcome {
  state: DialogueState;
  /** What the bot says, in order, with the buttons it offers. */
  replies: Array<{ text: string; buttons: Array<{ title: string; payload: string }> }>;
  handoff: string | null;
  ended: boolean;
  /** Every action the engine returned (for the host page's analytics and tests). */
  actions: DialogueAction[];
}

/** A backend call the bot keeps waiting on is bounded: a stuck promise must not freeze the turn. */
const MAX_FULFILLMENT_MS = 30_000;

export async function runTurn(bot: DialogueBot, state: DialogueState, event: DialogueEvent, fulfill: Fulfill, now: () => number, context: TurnContext = {}): Promise<TurnOutcome> {
  const outcome: TurnOutcome = { state, replies: [], handoff: null, ended: false, actions: [] };
  let next: DialogueEvent | null = event;
  // Each fulfillment result is one more step; the engine asks for at most one action per step.
  for (let guard = 0; next && guard < 10; guard++) {
    const result = step(bot, outcome.state, next);
    outcome.state = result.state;
    outcome.actions.push(...result.actions);
    next = null;
    for (const action of result.actions) {
      if (action.type === 'say' || action.type === 'ask') outcome.replies.push({ text: action.text, buttons: action.buttons ?? [] });
      else if (action.type === 'handoff') outcome.handoff = action.reason;
      else if (action.type === 'end') outcome.ended = true;
      else if (action.type === 'call_fulfillment') {
        const call: FulfillCall = {
          action: action.action,
          flow: action.flow,
          slots: action.slots,
          sessionId: outcome.state.sessionId,
          requestId: `${outcome.state.sessionId}-${outcome.state.turn}-${action.action}`,
          intent: context.intent ?? null,
          entities: context.entities ?? [],
          ...(context.locale && { locale: context.locale }),
          ...(bot.flows[action.flow]?.cache_seconds !== undefined && { cacheTtlMs: bot.flows[action.flow]!.cache_seconds! * 1000 }),
        };
        const answer = await callBackend(fulfill, call, context.notify);
        if (answer.ok) {
          for (const text of answer.messages ?? []) outcome.replies.push({ text, buttons: [] });
          if (answer.followUp === 'handoff') outcome.handoff = `the backend asked for a person after ${action.action}`;
          if (answer.followUp === 'end') outcome.ended = true;
        }
        next = answer.ok
          ? { type: 'fulfillment', action: action.action, ok: true, ...(answer.slots && { slots: answer.slots }), now: now() }
          : { type: 'fulfillment', action: action.action, ok: false, ...(answer.message !== undefined && { message: answer.message }), now: now() };
      }
    }
  }
  return outcome;
}

/**
 * One backend call that never throws and never hangs: bounded (a stuck promise must not freeze the
 * conversation) except while it waits for the connection to come back, when the visitor is told and
 * the clock starts again once online. Also used for the handoff call.
 */
export function callBackend(fulfill: Fulfill, call: FulfillCall, notify: TurnContext['notify'], ms = MAX_FULFILLMENT_MS): Promise<FulfillmentResult> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => (timer = setTimeout(() => resolve({ ok: false, message: 'the service took too long to answer' }), ms));
    arm();
    const hooks: FulfillHooks = {
      onQueued: () => {
        clearTimeout(timer);
        notify?.('offline');
      },
      onResumed: () => {
        notify?.('online');
        arm();
      },
    };
    fulfill(call, hooks).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // The error's own text may be technical: it goes to the console, the visitor gets a plain reason.
        console.error('[parley] the fulfillment call failed:', error);
        resolve({ ok: false, message: 'our service could not be reached' });
      },
    );
  });
}
