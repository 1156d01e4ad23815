/**
 * A visitor going through the refund flow: waits for what the bot says (never for a clock), answers
 * as a person would, and reads the final view. A wait that never ends is reported as a stuck run
 * after a generous bound, which says nothing about speed.
 */
import type { Conversation } from '../../../src/conversation/types';
import { classify, lastBot, shownRefundId, type BotSaid } from './refund-bot';

/** How long a run may wait for one thing before it is called stuck (a loaded machine is slow, not stuck). */
export const PATIENCE_MS = 20_000;

export class Stuck extends Error {}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 2));

export async function eventually(condition: () => boolean, what: string, patienceMs = PATIENCE_MS): Promise<boolean> {
  const giveUp = Date.now() + patienceMs;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Stuck(`stuck waiting for ${what}`);
    await tick();
  }
  return true;
}

/** Like `eventually`, without failing: whether it happened within `ms`. */
export async function within(ms: number, condition: () => boolean): Promise<boolean> {
  const giveUp = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > giveUp) return false;
    await tick();
  }
  return true;
}

/** The bot answered everything sent after the first `seen` messages, and is not typing. */
export function answered(chat: Conversation, seen: number): boolean {
  const all = chat.messages.value;
  return all.length > seen && all.at(-1)!.from === 'bot' && !chat.typing.value;
}

export async function botReplies(chat: Conversation, seen: number, what: string): Promise<BotSaid> {
  await eventually(() => answered(chat, seen), what);
  return classify(lastBot(chat)!.text);
}

/** Says yes to the confirmation: the button when the bot offers it, else typed. */
export function confirm(chat: Conversation): void {
  const yes = chat.quickReplies.value.find((reply) => reply.id === '/affirm');
  const sent = yes ? chat.choose(yes) : chat.send('yes');
  if (!sent.ok) throw new Error(`the visitor could not answer (${sent.reason})`);
}

export function say(chat: Conversation, text: string): void {
  const sent = chat.send(text);
  if (!sent.ok) throw new Error(`the visitor could not send "${text}" (${sent.reason})`);
}

/** Asks for a refund of `order` and answers until the bot asks to confirm. */
export async function askForRefund(chat: Conversation, order: string): Promise<void> {
  let seen = chat.messages.value.length;
  say(chat, `I want a refund for ${order}`);
  const first = await botReplies(chat, seen, 'the question for the reason');
  if (first !== 'ask-reason') throw new Error(`the bot said "${lastBot(chat)?.text}" where it should ask for the reason`);
  seen = chat.messages.value.length;
  say(chat, 'it arrived broken');
  const second = await botReplies(chat, seen, 'the confirmation');
  if (second !== 'confirm') throw new Error(`the bot said "${lastBot(chat)?.text}" where it should ask to confirm`);
}

/** Waits until the bot is done with what it is doing (`quiet`: no turn in progress) and has the last word; what it said. */
export async function settled(chat: Conversation, quiet: () => boolean): Promise<BotSaid> {
  await eventually(() => quiet() && chat.messages.value.at(-1)?.from === 'bot' && !chat.typing.value, 'the bot to finish its turn');
  return classify(lastBot(chat)!.text);
}

/**
 * Goes on as a visitor would until the bot says how the refund went: once the bot has settled,
 * confirms again when asked again (at most `confirms` times), waits for more when the bot says it
 * is still working.
 */
export async function carryOn(chat: Conversation, quiet: () => boolean, confirms = 2): Promise<{ confirmedAgain: number }> {
  let confirmedAgain = 0;
  for (let step = 0; step < 8; step++) {
    const said = await settled(chat, quiet);
    if (said === 'done' || said === 'failed') break;
    if (said === 'confirm' && confirmedAgain < confirms) {
      confirmedAgain++;
      confirm(chat);
    } else if (said === 'wait' || said === 'offline' || said === 'online') {
      const shown = chat.messages.value.length;
      await eventually(() => chat.messages.value.length > shown, 'the bot to say more after it asked to wait');
    } else break;
  }
  return { confirmedAgain };
}

export interface View {
  texts: string[];
  /** Refund ids the bot said it created. */
  done: string[];
  /** Times the bot said the refund failed. */
  failed: number;
}

export function viewOf(chat: Conversation): View {
  const bot = chat.messages.value.filter((m) => m.from === 'bot').map((m) => m.text);
  return {
    texts: chat.messages.value.map((m) => `${m.from}: ${m.text}`),
    done: bot.map(shownRefundId).filter((id): id is string => id !== null),
    failed: bot.filter((text) => classify(text) === 'failed').length,
  };
}
