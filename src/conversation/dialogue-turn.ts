/**
 * One visitor turn through the dialogue engine: the engine's step, then every backend action it asks
 * for (through the injected `fulfill`) fed back into the engine, until it has nothing left to do.
 * Returns what to show and what happened; the conversation owns the signals and the transcript.
 */
import type { DialogueBot } from '../bot/dialogue-schema';
import { step } from '../dialogue/engine';
import type { DialogueAction, DialogueEvent, DialogueState, SlotValue } from '../dialogue/types';

export type FulfillmentResult = { ok: true; slots?: Record<string, SlotValue | null> } | { ok: false; message?: string };

/** Calls the site's backend for an action (injected: the widget's fulfillment client, or a test's). */
export type Fulfill = (request: { action: string; flow: string; slots: Record<string, SlotValue>; sessionId: string }) => Promise<FulfillmentResult>;

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

export async function runTurn(bot: DialogueBot, state: DialogueState, event: DialogueEvent, fulfill: Fulfill, now: () => number): Promise<TurnOutcome> {
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
        const answer = await withTimeout(
          fulfill({ action: action.action, flow: action.flow, slots: action.slots, sessionId: outcome.state.sessionId }).catch((error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) })),
          MAX_FULFILLMENT_MS,
        );
        next = answer.ok
          ? { type: 'fulfillment', action: action.action, ok: true, ...(answer.slots && { slots: answer.slots }), now: now() }
          : { type: 'fulfillment', action: action.action, ok: false, ...(answer.message !== undefined && { message: answer.message }), now: now() };
      }
    }
  }
  return outcome;
}

function withTimeout(promise: Promise<FulfillmentResult>, ms: number): Promise<FulfillmentResult> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, message: 'the service took too long to answer' }), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
