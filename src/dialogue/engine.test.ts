import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DialogueBotSchema, type DialogueBot } from '../bot/dialogue-schema';
import { markdownToHtml } from '../ui/markdown';
import { initialState, step } from './engine';
import type { DialogueAction, DialogueEvent, DialogueState, Understood } from './types';

const NOW = Date.parse('2026-11-22T10:00:00Z');

const bot: DialogueBot = v.parse(DialogueBotSchema, {
  intentTitles: { order_status: 'Order status', refund_request: 'Refunds', business_hours: 'Opening hours', pricing: 'Pricing', talk_to_human: 'Talk to a person' },
  settings: { confidence_threshold: 0.6, fallbacks_before_human: 2, max_slot_attempts: 2 },
  slots: {
    order_id: { entity: 'order_id', from_text: true, validate: { pattern: '^[A-Z]\\d{5}$' }, ask: 'ask_order_id' },
    reason: { from_text: true, ask: 'ask_reason' },
    email: { type: 'email', entity: 'email', from_text: true, ask: 'ask_email', remember: true },
    amount: { type: 'amount', entity: 'amount' },
    order_state: {},
  },
  flows: {
    order_status: { intent: 'order_status', slots: ['order_id'], action: 'order_status', done: 'order_done', failed: 'order_failed', title: 'your order' },
    refund: { intent: 'refund_request', slots: ['order_id', 'reason'], confirm: 'confirm_refund', action: 'create_refund', done: 'refund_done', handoff_if: { amount: { above: 200 } }, title: 'your refund' },
    password_reset: { intent: 'password_reset', slots: ['email'], action: 'password_reset', done: 'reset_done' },
    business_hours: { intent: 'business_hours', done: 'hours' },
  },
  rules: {
    goodbye: { response: 'bye', end: true },
    help: { response: 'help' },
    talk_to_human: { handoff: true },
  },
  responses: {
    ask_order_id: ['What is your order number?', 'Which order number?'],
    ask_reason: ['Why would you like a refund?'],
    ask_email: ['What is your email?'],
    confirm_refund: ['Refund order {order_id} because "{reason}"?'],
    order_done: [{ text: 'Order {order_id} has shipped.', if: { order_state: 'shipped' } }, { text: 'Order {order_id} is {order_state}.' }],
    order_failed: ['I could not look up order {order_id}: {reason}.'],
    refund_done: ['Refund for {order_id} created.'],
    reset_done: ['Reset link sent to {email}.'],
    hours: ['We are open 9 to 6.'],
    bye: ['Bye!', 'Goodbye!', 'See you!'],
    help: ['I can help with orders, refunds and passwords.'],
  },
});

const parse = (intent: string, confidence = 0.95, entities: Array<{ entity: string; value: unknown }> = [], ranking: Understood['ranking'] = []): Understood => ({
  intent: { name: intent, confidence },
  ranking: ranking.length ? ranking : [{ name: intent, confidence }],
  entities,
});
const say = (text: string, p: Understood): DialogueEvent => ({ type: 'message', text, parse: p, now: NOW });
const order = (id: string) => ({ entity: 'order_id', value: id });

/** Runs events in order; returns the final state and every step's actions. */
function run(events: DialogueEvent[], state: DialogueState = initialState('s1', NOW)) {
  const steps: DialogueAction[][] = [];
  for (const event of events) {
    const result = step(bot, state, event);
    state = result.state;
    steps.push(result.actions);
  }
  return { state, steps, last: steps.at(-1)! };
}
/** The order lookup, waiting for the backend. */
const orderAsked = (): DialogueEvent[] => [say('where is A12345', parse('order_status', 0.9, [order('A12345')]))];
/** What a visitor reads of markdown without tags: the HTML's character references as characters. */
const shown = (html: string) => html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
const texts = (actions: DialogueAction[]) => actions.flatMap((a) => (a.type === 'say' || a.type === 'ask' ? [a.text] : []));

describe('forms', () => {
  it('asks only for what is missing, in order, and calls the action once everything is there', () => {
    const { steps, state } = run([say('i want a refund', parse('refund_request')), say('A12345', parse('out_of_scope', 0.3)), say('it arrived broken', parse('out_of_scope', 0.2))]);
    expect(steps[0]).toContainEqual(expect.objectContaining({ type: 'ask', slot: 'order_id' }));
    expect(steps[1]).toContainEqual(expect.objectContaining({ type: 'ask', slot: 'reason' }));
    expect(texts(steps[2]!)).toEqual(['Refund order A12345 because "it arrived broken"?']);
    expect(state.form).toMatchObject({ flow: 'refund', confirming: true });
  });

  it('takes several slots from one message and never asks again for what was given', () => {
    const { steps } = run([say('refund A12345', parse('refund_request', 0.9, [order('A12345')]))]);
    expect(steps[0]!.filter((a) => a.type === 'ask').map((a) => (a as { slot: string }).slot)).toEqual(['reason']);
    const { last } = run([say('where is A12345', parse('order_status', 0.9, [order('A12345')]))]);
    expect(last).toContainEqual({ type: 'call_fulfillment', action: 'order_status', flow: 'order_status', slots: { order_id: 'A12345' } });
  });

  it('re-asks with the reason when a value is invalid, and gives up with an offer of a person', () => {
    const { steps, state } = run([
      say('reset my password', parse('password_reset')),
      say('bob at example', parse('out_of_scope', 0.2)),
      say('still bob', parse('out_of_scope', 0.2)),
      say('yes please', parse('affirm')),
    ]);
    expect(texts(steps[1]!)[0]).toMatch(/"bob at example" is not an email address/);
    expect(steps[1]).toContainEqual(expect.objectContaining({ type: 'ask', slot: 'email' }));
    expect(texts(steps[2]!)[0]).toMatch(/talk to a person/);
    expect(steps[3]).toContainEqual({ type: 'handoff', reason: 'visitor accepted a person' });
    expect(state.form).toBeNull();
  });

  it('leaves the form on cancel or stop, whatever the model says', () => {
    for (const words of ['cancel', 'stop please', 'never mind']) {
      const { last, state } = run([say('refund please', parse('refund_request')), say(words, parse('deny', 0.4))]);
      expect(state.form).toBeNull();
      expect(last[0]).toMatchObject({ type: 'say', response: 'form_cancelled' });
    }
  });
});

describe('confirmation', () => {
  const filled = [say('refund A12345', parse('refund_request', 0.9, [order('A12345')])), say('broken', parse('out_of_scope', 0.1))];

  it('yes runs the action with the slots', () => {
    const { last, state } = run([...filled, say('yes', parse('affirm'))]);
    expect(last).toContainEqual({ type: 'call_fulfillment', action: 'create_refund', flow: 'refund', slots: { order_id: 'A12345', reason: 'broken' } });
    expect(state.form?.waiting).toBe(true);
  });

  it('"no, the order is A12346" changes the value and confirms again', () => {
    const { last, state } = run([...filled, say('no, the order is A12346', parse('deny', 0.8, [order('A12346')]))]);
    expect(state.slots.order_id).toBe('A12346');
    expect(texts(last)).toEqual(['Refund order A12346 because "broken"?']);
  });

  it('no cancels the action', () => {
    const { last, state } = run([...filled, say('no', parse('deny'))]);
    expect(last.some((a) => a.type === 'call_fulfillment')).toBe(false);
    expect(state.form).toBeNull();
  });

  it('hands off instead of acting when the flow says so (a refund above the amount)', () => {
    const { last } = run([say('refund A12345 for $350', parse('refund_request', 0.9, [order('A12345'), { entity: 'amount', value: { amount: 350, currency: 'USD' } }])), say('broken', parse('out_of_scope', 0.1)), say('yes', parse('affirm'))]);
    expect(last).toContainEqual(expect.objectContaining({ type: 'handoff' }));
    expect(last.some((a) => a.type === 'call_fulfillment')).toBe(false);
  });

  it('the amount of a declined refund does not send the next refund to a person', () => {
    const big = [say('refund A12345 for $350', parse('refund_request', 0.9, [order('A12345'), { entity: 'amount', value: { amount: 350, currency: 'USD' } }])), say('broken', parse('out_of_scope', 0.1)), say('no', parse('deny'))];
    const { last } = run([...big, say('refund A12346', parse('refund_request', 0.9, [order('A12346')])), say('torn', parse('out_of_scope', 0.1)), say('yes', parse('affirm'))]);
    expect(last).toContainEqual({ type: 'call_fulfillment', action: 'create_refund', flow: 'refund', slots: { order_id: 'A12346', reason: 'torn' } });
  });
});

describe('resume after a reload', () => {
  it('recalls an open form with its question, and says nothing without one', () => {
    const { state } = run([say('i want a refund', parse('refund_request'))]);
    const resumed = step(bot, state, { type: 'resume', now: NOW });
    expect(texts(resumed.actions)[0]).toMatch(/^Back to your refund: (What is your order number\?|Which order number\?)$/);
    expect(resumed.state.turn).toBe(state.turn);
    expect(step(bot, initialState('s1', NOW), { type: 'resume', now: NOW }).actions).toEqual([]);
  });

  it('a backend call still out when the page closed is made again, in the same turn (same idempotency key)', () => {
    const { state } = run([say('where is my order A12345', parse('order_status', 0.9, [order('A12345')]))]);
    expect(state.form?.waiting).toBe(true);
    const resumed = step(bot, state, { type: 'resume', now: NOW });
    expect(resumed.actions).toEqual([{ type: 'call_fulfillment', action: 'order_status', flow: 'order_status', slots: { order_id: 'A12345' } }]);
    expect(resumed.state.turn).toBe(state.turn);
  });
});

describe('date and time slots', () => {
  const calls: DialogueBot = v.parse(DialogueBotSchema, {
    slots: { day: { type: 'date', entity: 'date', ask: 'ask_day' }, hour: { type: 'time', entity: 'time', ask: 'ask_hour' } },
    flows: { call: { intent: 'schedule_call', slots: ['day', 'hour'], action: 'schedule_call' } },
    responses: { ask_day: ['Which day?'], ask_hour: ['What time?'] },
  });

  it('one "tomorrow at 3pm" (a datetime entity) fills both the date and the time slot', () => {
    const { actions } = step(calls, initialState('s1', NOW), say('call me tomorrow at 3pm', parse('schedule_call', 0.9, [{ entity: 'datetime', value: '2026-11-23T15:00:00+01:00' }])));
    expect(actions).toContainEqual({ type: 'call_fulfillment', action: 'schedule_call', flow: 'call', slots: { day: '2026-11-23', hour: '15:00:00' } });
  });

  it('a date alone fills only the date and the time is asked for', () => {
    const { actions } = step(calls, initialState('s1', NOW), say('call me on friday', parse('schedule_call', 0.9, [{ entity: 'date', value: '2026-11-27' }])));
    expect(actions).toContainEqual(expect.objectContaining({ type: 'ask', slot: 'hour' }));
  });
});

describe('digressions and rules', () => {
  it('answers a side question mid-form, then resumes with a reminder', () => {
    const { last, state } = run([say('refund please', parse('refund_request')), say('are you open sunday?', parse('business_hours'))]);
    expect(texts(last)[0]).toBe('We are open 9 to 6.');
    expect(texts(last)[1]).toMatch(/^Back to your refund: (What is your order number\?|Which order number\?)$/);
    expect(state.form).toMatchObject({ flow: 'refund', asking: 'order_id' });
  });

  it('confirms a switch to another flow; no resumes, yes switches', () => {
    const start = [say('refund please', parse('refund_request')), say('actually where is my order A99999', parse('order_status', 0.9, [order('A99999')]))];
    const asked = run(start);
    expect(asked.last[0]).toMatchObject({ response: 'confirm_switch' });
    expect(asked.last[0]?.type === 'say' && asked.last[0].text).toMatch(/your refund.*your order/);

    const no = run([...start, say('no', parse('deny'))]);
    expect(no.state.form).toMatchObject({ flow: 'refund', asking: 'order_id' });
    const yes = run([...start, say('yes', parse('affirm'))]);
    expect(yes.last).toContainEqual({ type: 'call_fulfillment', action: 'order_status', flow: 'order_status', slots: { order_id: 'A99999' } });
  });

  it('rules always apply: help mid-form resumes, talk to a human hands off, goodbye ends', () => {
    const help = run([say('refund', parse('refund_request')), say('help', parse('help'))]);
    expect(texts(help.last)[0]).toBe('I can help with orders, refunds and passwords.');
    expect(help.state.form?.flow).toBe('refund');
    const human = run([say('refund', parse('refund_request')), say('a human please', parse('talk_to_human'))]);
    expect(human.last).toContainEqual(expect.objectContaining({ type: 'handoff' }));
    expect(human.state.form).toBeNull();
    const bye = run([say('bye', parse('goodbye'))]);
    expect(bye.last.at(-1)).toEqual({ type: 'end' });
    expect(bye.state.ended).toBe(true);
  });

  it('a bare answer to the question fills the slot, even when the model reads a rule\'s intent in it', () => {
    const answered = run([say('refund please', parse('refund_request')), say('A12345', parse('help', 0.9, [order('A12345')]))]);
    expect(answered.state.slots).toMatchObject({ order_id: 'A12345' });
    expect(texts(answered.last)).not.toContain('I can help with orders, refunds and passwords.');
    // With words besides the answer, the rule still applies.
    const help = run([say('refund please', parse('refund_request')), say('help me with A12345', parse('help', 0.9, [order('A12345')]))]);
    expect(texts(help.last)[0]).toBe('I can help with orders, refunds and passwords.');
  });
});

describe('digression threshold', () => {
  const askedForEmail = [say('reset my password', parse('password_reset'))];

  it('takes a message mid-question as the answer unless a rule or flow is sure enough to interrupt (0.7 by default)', () => {
    // Confident (over 0.6) but not sure enough to leave the question: a bad address, re-asked with the reason.
    const unsure = run([...askedForEmail, say('bob at example', parse('help', 0.65))]);
    expect(texts(unsure.last)).not.toContain('I can help with orders, refunds and passwords.');
    expect(unsure.last[0]).toMatchObject({ type: 'ask', response: 'slot_invalid', slot: 'email' });
    expect(unsure.state.form).toMatchObject({ flow: 'password_reset', asking: 'email', attempts: 1 });
    const sure = run([...askedForEmail, say('what can you do', parse('help', 0.75))]);
    expect(texts(sure.last)[0]).toBe('I can help with orders, refunds and passwords.');
    // Another flow's intent, the same way.
    const hours = run([...askedForEmail, say('bob at nine', parse('business_hours', 0.65))]);
    expect(texts(hours.last)).not.toContain('We are open 9 to 6.');
    expect(run([...askedForEmail, say('are you open sunday?', parse('business_hours', 0.75))]).last.flatMap((a) => (a.type === 'say' ? [a.text] : []))[0]).toBe('We are open 9 to 6.');
  });

  it('applies to the cancel intent too; the cancel words leave the form whatever the model says', () => {
    const unsure = run([...askedForEmail, say('bob at example', parse('cancel', 0.65))]);
    expect(unsure.last[0]).toMatchObject({ type: 'ask', response: 'slot_invalid', slot: 'email' });
    expect(unsure.state.form).toMatchObject({ flow: 'password_reset', asking: 'email' });
    const sure = run([...askedForEmail, say("let's drop this", parse('cancel', 0.75))]);
    expect(sure.last[0]).toMatchObject({ type: 'say', response: 'form_cancelled' });
    expect(sure.state.form).toBeNull();
    const words = run([...askedForEmail, say('never mind', parse('help', 0.9))]);
    expect(words.last[0]).toMatchObject({ type: 'say', response: 'form_cancelled' });
  });

  it('applies only while a form waits for an answer, and follows the setting', () => {
    expect(texts(run([say('help?', parse('help', 0.65))]).last)).toEqual(['I can help with orders, refunds and passwords.']);
    const lenient: DialogueBot = { ...bot, settings: { ...bot.settings, digression_threshold: 0.6 } };
    const result = step(lenient, run(askedForEmail).state, say('bob at example', parse('help', 0.65)));
    expect(texts(result.actions)[0]).toBe('I can help with orders, refunds and passwords.');
  });
});

describe('low confidence and fallbacks', () => {
  it('clarifies with the top advertised intents (those with a title) as buttons, and a button starts that flow', () => {
    const ranking = [
      { name: 'refund_request', confidence: 0.45 },
      { name: 'goodbye', confidence: 0.36 },
      { name: 'order_status', confidence: 0.35 },
      { name: 'pricing', confidence: 0.1 },
      { name: 'business_hours', confidence: 0.05 },
    ];
    const { last, state } = run([say('my order thing', parse('refund_request', 0.45, [], ranking))]);
    expect(last[0]).toMatchObject({
      response: 'clarify',
      buttons: [
        { title: 'Refunds', payload: '/refund_request' },
        { title: 'Order status', payload: '/order_status' },
        { title: 'Opening hours', payload: '/business_hours' },
      ],
    });
    const pressed = step(bot, state, { type: 'button', payload: '/order_status', title: 'Order status', now: NOW });
    expect(pressed.actions).toContainEqual(expect.objectContaining({ type: 'ask', slot: 'order_id' }));
  });

  it('out of scope: a fallback listing what the bot can do, then after repeated fallbacks an offer of a person', () => {
    const { steps, state } = run([say('tell me a joke', parse('out_of_scope', 0.9)), say('sing', parse('out_of_scope', 0.9)), say('no thanks', parse('deny'))]);
    expect(texts(steps[0]!)[0]).toMatch(/Order status, Refunds/);
    expect(steps[1]![0]).toMatchObject({ response: 'offer_human' });
    expect(steps[2]![0]).toMatchObject({ response: 'no_handoff' });
    expect(state.offeringHuman).toBe(false);
  });
});

describe('fulfillment results and context', () => {
  const asked = [say('where is A12345', parse('order_status', 0.9, [order('A12345')]))];

  it('says the done response with the slots the backend returned (conditions pick the variation)', () => {
    const { last, state } = run([...asked, { type: 'fulfillment', action: 'order_status', ok: true, slots: { order_state: 'shipped' }, now: NOW }]);
    expect(texts(last)).toEqual(['Order A12345 has shipped.']);
    expect(state.form).toBeNull();
  });

  it('a failed action says why and offers a person; a late duplicate result changes nothing', () => {
    const failed = run([...asked, { type: 'fulfillment', action: 'order_status', ok: false, message: 'the order service is down', now: NOW }]);
    expect(texts(failed.last)).toEqual(['I could not look up order A12345: the order service is down.']);
    expect(failed.state.offeringHuman).toBe(true);
    const again = step(bot, failed.state, { type: 'fulfillment', action: 'order_status', ok: true, now: NOW });
    expect(again.actions).toEqual([]);
  });

  it('"and A12346?" reuses the last flow; "what about my other order?" asks again instead of reusing', () => {
    const done = run([...asked, { type: 'fulfillment', action: 'order_status', ok: true, slots: { order_state: 'packed' }, now: NOW }]);
    const entityOnly = step(bot, done.state, say('and A12346?', parse('out_of_scope', 0.3, [order('A12346')])));
    // The first order's state is not sent (nor shown) for the second one.
    expect(entityOnly.actions).toContainEqual({ type: 'call_fulfillment', action: 'order_status', flow: 'order_status', slots: { order_id: 'A12346' } });
    const other = step(bot, done.state, say('what about my other order?', parse('order_status')));
    expect(other.actions).toContainEqual(expect.objectContaining({ type: 'ask', slot: 'order_id' }));
  });

  it('remembered slots are not asked again in a later flow of the same kind', () => {
    const first = run([say('reset password for a@b.co', parse('password_reset', 0.9, [{ entity: 'email', value: 'a@b.co' }])), { type: 'fulfillment', action: 'password_reset', ok: true, now: NOW }]);
    const again = step(bot, first.state, say('reset my password again', parse('password_reset')));
    expect(again.actions).toContainEqual({ type: 'call_fulfillment', action: 'password_reset', flow: 'password_reset', slots: { email: 'a@b.co' } });
  });

  it('keeps only the last context_turns turns of history', () => {
    const many = Array.from({ length: 30 }, () => say('help', parse('help')));
    const { state } = run(many);
    expect(state.history.length).toBe(bot.settings.context_turns * 2);
    expect(state.history.at(-1)).toMatchObject({ turn: 30, from: 'bot' });
  });
});

describe('responses', () => {
  it('picks the same variation for the same session and turn, and varies across sessions', () => {
    const byeIn = (session: string) => texts(step(bot, initialState(session, NOW), say('bye', parse('goodbye'))).actions)[0];
    expect(byeIn('a')).toBe(byeIn('a'));
    const seen = new Set(Array.from({ length: 30 }, (_, i) => byeIn(`session-${i}`)));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('escapes markdown and HTML in values the visitor gave', () => {
    const { last } = run([say('refund', parse('refund_request', 0.9, [order('A12345')])), say('[click](javascript:alert(1)) <b>', parse('out_of_scope', 0.1))]);
    expect(texts(last)[0]).toContain('\\[click\\]\\(javascript:alert\\(1\\)\\) \\<b\\>');
  });

  it('a visitor\'s reply quoted in a validation reason shows as text, never as a link', () => {
    const reply = "[Verify here](https://evil.example) $' $&";
    const { last } = run([say('where is my order', parse('order_status')), say(reply, parse('out_of_scope', 0.2))]);
    const html = markdownToHtml(texts(last)[0]!);
    expect(html).not.toMatch(/<a|<img/);
    expect(shown(html)).toMatch(/^That does not look right: "(.*)" is not in the expected format\. (What is your|Which) order number\?$/);
    expect(shown(html)).toContain(`"${reply}"`);
  });

  it("the bot's own markdown still renders where it is inserted: a re-asked question, a flow's title, what the bot can do", () => {
    const marked: DialogueBot = {
      ...bot,
      intentTitles: { ...bot.intentTitles, business_hours: 'Opening **hours**' },
      flows: { ...bot.flows, order_status: { ...bot.flows.order_status!, title: 'your **order**' } },
      responses: { ...bot.responses, ask_order_id: ['What is your **order number**?'] },
    };
    const inMarked = (events: DialogueEvent[]) => events.reduce((at, event) => step(marked, at.state, event), { state: initialState('s1', NOW), actions: [] as DialogueAction[] });
    const reasked = inMarked([say('where is my order', parse('order_status')), say('12345', parse('out_of_scope', 0.2))]);
    expect(markdownToHtml(texts(reasked.actions)[0]!)).toContain('<strong>order number</strong>');
    const resumed = inMarked([say('where is my order', parse('order_status')), say('when are you open?', parse('business_hours'))]);
    expect(markdownToHtml(texts(resumed.actions)[1]!)).toMatch(/^Back to your <strong>order<\/strong>: What is your <strong>order number<\/strong>\?$/);
    const fallback = inMarked([say('qwerty', parse('out_of_scope', 0.1))]);
    expect(markdownToHtml(texts(fallback.actions)[0]!)).toContain('Opening <strong>hours</strong>');
  });

  it('the backend\'s error message is text in the failed response', () => {
    const message = '<img src=x onerror=alert(1)> [x](javascript:alert(2)) **urgent** $`';
    const { last } = run([...orderAsked(), { type: 'fulfillment', action: 'order_status', ok: false, message, now: NOW }]);
    const html = markdownToHtml(texts(last)[0]!);
    expect(html).not.toMatch(/<a|<img|<strong/);
    expect(shown(html)).toBe(`I could not look up order A12345: ${message}.`);
  });
});

describe('robustness', () => {
  const intents = ['refund_request', 'order_status', 'password_reset', 'business_hours', 'help', 'goodbye', 'talk_to_human', 'affirm', 'deny', 'cancel', 'out_of_scope', 'unknown_intent'];
  const entity = fc.oneof(
    fc.record({ entity: fc.constant('order_id'), value: fc.oneof(fc.constant('A12345'), fc.string()) }),
    fc.record({ entity: fc.constant('email'), value: fc.oneof(fc.constant('a@b.co'), fc.string()) }),
    fc.record({ entity: fc.constant('amount'), value: fc.oneof(fc.record({ amount: fc.double({ noNaN: true }) }), fc.anything()) }),
  );
  const event: fc.Arbitrary<DialogueEvent> = fc.oneof(
    fc.record({ type: fc.constant('message' as const), text: fc.string({ maxLength: 40 }), parse: fc.record({ intent: fc.record({ name: fc.constantFrom(...intents), confidence: fc.double({ min: 0, max: 1, noNaN: true }) }), ranking: fc.constant([]), entities: fc.array(entity, { maxLength: 3 }) }), now: fc.integer({ min: 0, max: 4e12 }) }),
    fc.record({ type: fc.constant('button' as const), payload: fc.oneof(fc.constantFrom(...intents.map((i) => `/${i}`)), fc.string()), now: fc.constant(NOW) }),
    fc.record({ type: fc.constant('fulfillment' as const), action: fc.constantFrom('order_status', 'create_refund', 'password_reset', 'other'), ok: fc.constant(true as const), slots: fc.dictionary(fc.constantFrom('order_state', 'order_id'), fc.oneof(fc.string(), fc.constant(null))), now: fc.constant(NOW) }),
    fc.record({ type: fc.constant('fulfillment' as const), action: fc.constantFrom('order_status', 'create_refund'), ok: fc.constant(false as const), now: fc.constant(NOW) }),
    fc.constant({ type: 'restart' as const, now: NOW }),
    fc.constant({ type: 'resume' as const, now: NOW }),
  );

  it('never throws, and its state always survives a JSON round trip, for random event sequences', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 25 }), (events) => {
        let state = initialState('prop', NOW);
        for (const e of events) {
          const result = step(bot, state, e);
          expect(JSON.parse(JSON.stringify(result.state))).toEqual(result.state);
          state = result.state;
        }
      }),
      { numRuns: 300 },
    );
  });
});
