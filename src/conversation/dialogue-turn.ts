/**
 * One visitor turn through the dialogue engine: the engine's step, then every backend action it asks
 * for (through the injected `fulfill`) fed back into the engine, until it has nothing left to do.
 * Returns what to show and what happened; the conversation owns the signals and the transcript.
 */
import type { DialogueBot } from '../bot/dialogue-schema';
import { step } from '../dialogue/engine';
import type { DialogueAction, DialogueEvent, DialogueState, PendingCall, SlotValue } from '../dialogue/types';
import { defaults } from '../defaults';
import { stableJson } from '../fulfillment/stable-json';

export type FulfillmentResult =
  | { ok: true; slots?: Record<string, SlotValue | null>; messages?: string[]; followUp?: 'handoff' | 'end' }
  /**
   * `message` is safe to show the visitor; `unavailable`: the backend is known to be down (no call
   * made); `uncertain`: the request may have been carried out (it timed out or was cut off), so asking
   * again must reuse its request id; `cancelled`: the conversation gave up on it (reset, forget, closed).
   */
  | { ok: false; message?: string; unavailable?: boolean; uncertain?: boolean; cancelled?: boolean };

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

/** Told when the call has to wait (offline) and when it goes out after all; and when to give up. */
export interface FulfillHooks {
  onQueued?: () => void;
  onResumed?: () => void;
  /** Aborted when the conversation no longer waits: nothing may be sent after it (not even a retry). */
  signal?: AbortSignal;
  /**
   * How long the caller waits, counted while online (the clock starts again after an offline wait):
   * every attempt and retry must end within it, so a late success is never thrown away.
   */
  budgetMs?: number;
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
  /** Aborted by a reset, a forget or a closed widget: a call still out is given up, never sent later. */
  signal?: AbortSignal;
  /** How long a backend call may take, retries included (defaults.fulfillmentDeadlineMs). */
  deadlineMs?: number;
  /**
   * Write-ahead: called with the state that records a call, before the call goes out, and awaited:
   * once it has resolved, a reload finds the call and makes it again with the same request id.
   */
  beforeCall?: (state: DialogueState) => Promise<void>;
}

export interface TurnOutcome {
  state: DialogueState;
  /** What the bot says, in order, with the buttons it offers. */
  replies: Array<{ text: string; buttons: Array<{ title: string; payload: string }> }>;
  handoff: string | null;
  ended: boolean;
  /** Every action the engine returned (for the host page's analytics and tests). */
  actions: DialogueAction[];
  /** The turn was given up (reset, forget, closed) while a call was out: nothing of it is to be shown or kept. */
  cancelled: boolean;
}

/** Uncertain calls remembered per session (the newest), so a session's state stays small. */
const MAX_PENDING_CALLS = 8;

export async function runTurn(bot: DialogueBot, state: DialogueState, event: DialogueEvent, fulfill: Fulfill, now: () => number, context: TurnContext = {}): Promise<TurnOutcome> {
  const outcome: TurnOutcome = { state, replies: [], handoff: null, ended: false, actions: [], cancelled: false };
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
        const fingerprint = fingerprintOf(action.slots);
        const known = outcome.state.pendingCalls?.find((pending) => pending.action === action.action && pending.fingerprint === fingerprint);
        // The same action with the same slots after an uncertain try (or after a reload) is the same request.
        const requestId = known?.requestId ?? `${outcome.state.sessionId}-${outcome.state.turn}-${action.action}`;
        outcome.state = withPendingCall(outcome.state, { requestId, action: action.action, fingerprint, status: 'out' });
        await context.beforeCall?.(outcome.state);
        const call: FulfillCall = {
          action: action.action,
          flow: action.flow,
          slots: action.slots,
          sessionId: outcome.state.sessionId,
          requestId,
          intent: context.intent ?? null,
          entities: context.entities ?? [],
          ...(context.locale && { locale: context.locale }),
          ...(bot.flows[action.flow]?.cache_seconds !== undefined && { cacheTtlMs: bot.flows[action.flow]!.cache_seconds! * 1000 }),
        };
        const answer = await callBackend(fulfill, call, context);
        if (!answer.ok && answer.cancelled) {
          outcome.cancelled = true;
          return outcome;
        }
        // A known answer settles the request; an unknown one keeps its id for the next try.
        const settled = answer.ok || !answer.uncertain;
        outcome.state = settled ? withoutPendingCall(outcome.state, requestId) : withPendingCall(outcome.state, { requestId, action: action.action, fingerprint, status: 'uncertain' });
        if (answer.ok) {
          for (const text of answer.messages ?? []) outcome.replies.push({ text, buttons: [] });
          if (answer.followUp === 'handoff') outcome.handoff = `the backend asked for a person after ${action.action}`;
          if (answer.followUp === 'end') outcome.ended = true;
        }
        next = answer.ok
          ? { type: 'fulfillment', action: action.action, ok: true, ...(answer.slots && { slots: answer.slots }), now: now() }
          : { type: 'fulfillment', action: action.action, ok: false, message: failureReason(answer), now: now() };
      }
    }
  }
  return outcome;
}

/** The visitor's reason; when the outcome is unknown it says so, and that asking again is safe (same request id). */
function failureReason(answer: Extract<FulfillmentResult, { ok: false }>): string {
  const reason = answer.message ?? 'the service did not answer';
  return answer.uncertain ? `${reason}, so it may have gone through; asking again will not do it twice` : reason;
}

function withPendingCall(state: DialogueState, call: PendingCall): DialogueState {
  const others = (state.pendingCalls ?? []).filter((pending) => pending.requestId !== call.requestId);
  return { ...state, pendingCalls: [...others, call].slice(-MAX_PENDING_CALLS) };
}

function withoutPendingCall(state: DialogueState, requestId: string): DialogueState {
  return { ...state, pendingCalls: (state.pendingCalls ?? []).filter((pending) => pending.requestId !== requestId) };
}

/**
 * A digest of the action's slots (not the slots: the state is stored, and slots may be personal).
 * 53-bit cyrb53: collisions between one session's few calls are out of the question.
 */
export function fingerprintOf(slots: Readonly<Record<string, SlotValue>>): string {
  const text = stableJson(slots);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * One backend call that never throws and never hangs: bounded by the deadline (a stuck promise must
 * not freeze the conversation) except while it waits for the connection to come back, when the
 * visitor is told and the clock starts again once online. The client is told the same deadline and
 * gives up within it; at the deadline the call is aborted, so nothing it does later is thrown away
 * unseen. A reset or a closed widget (`signal`) cancels it. Also used for the handoff call.
 */
export function callBackend(
  fulfill: Fulfill,
  call: FulfillCall,
  context: Pick<TurnContext, 'notify' | 'signal' | 'deadlineMs'> = {},
): Promise<FulfillmentResult> {
  const ms = context.deadlineMs ?? defaults.fulfillmentDeadlineMs;
  const controller = new AbortController();
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (result: FulfillmentResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', cancel);
      resolve(result);
    };
    const cancel = () => {
      controller.abort(context.signal?.reason);
      finish({ ok: false, message: 'the conversation was closed', cancelled: true });
    };
    if (context.signal?.aborted) return cancel();
    context.signal?.addEventListener('abort', cancel, { once: true });
    const arm = () => {
      timer = setTimeout(() => {
        controller.abort(new DOMException('the fulfillment deadline passed', 'TimeoutError'));
        finish({ ok: false, message: 'the service took too long to answer', uncertain: true });
      }, ms);
    };
    arm();
    const hooks: FulfillHooks = {
      signal: controller.signal,
      budgetMs: ms,
      onQueued: () => {
        clearTimeout(timer);
        context.notify?.('offline');
      },
      onResumed: () => {
        context.notify?.('online');
        arm();
      },
    };
    fulfill(call, hooks).then(finish, (error: unknown) => {
      // The error's own text may be technical: it goes to the console, the visitor gets a plain reason.
      console.error('[parley] the fulfillment call failed:', error);
      finish({ ok: false, message: 'our service could not be reached', uncertain: true });
    });
  });
}
