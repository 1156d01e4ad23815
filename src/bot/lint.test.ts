import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadDefinition, loadDefinitionFiles } from './definition';
import { lintDefinition } from './lint';

const FIXTURE = join(__dirname, 'fixtures', 'broken-dialogue.yaml');

describe('parley validate checks', () => {
  it('reports every cross-reference and data problem with its file, line and path', () => {
    const file = 'bots/broken.yaml';
    const loaded = loadDefinition(readFileSync(FIXTURE, 'utf8'), file);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(lintDefinition(loaded.definition, loaded.locate).map(formatProblem)).toEqual([
      'bots/broken.yaml:11: slots.order_id.entity: no entity named "order_number" (declare it under entities or mark it in examples)',
      'bots/broken.yaml:13: slots.order_id.validate.pattern: not a valid regular expression: Invalid regular expression: /([A-Z/u: Unterminated character class',
      'bots/broken.yaml:17: flows.order_status.slots[1]: no slot named "email" (declare it under slots)',
      'bots/broken.yaml:20: flows.refund.intent: no intent named "refund"',
      'bots/broken.yaml:22: flows.refund.confirm: no response named "confirm_refund" (add it under responses)',
      'bots/broken.yaml:20: warning: flows.refund: the flow neither answers (done) nor calls an action',
      'bots/broken.yaml:27: responses.order_done[0]: {order_state} is not a slot',
      'bots/broken.yaml:27: warning: responses.order_done: one variation only: 3 to 5 make the bot sound less robotic',
      'bots/broken.yaml:6: intents.refund_request.examples[3]: "where is my order" is also an example of "order_status" (examples[0])',
      'bots/broken.yaml:6: warning: intents.refund_request.examples: 4 examples: at least 10 are needed for the model to learn this intent',
      'bots/broken.yaml:6: warning: intents.refund_request.examples: 4 examples against 50 for "greet": heavily imbalanced, add examples here',
    ]);
  });

  it('warns when a form asks for a learned entity that no reply can fill while the light stage answers', () => {
    const source = [
      'name: X',
      'intents:',
      '  book:',
      '    examples:',
      ...Array.from({ length: 10 }, (_, i) => `      - "book a table for [${['Ann', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ivy', 'Jo'][i]}](guest) please"`),
      '  greet:',
      '    examples:',
      ...Array.from({ length: 10 }, (_, i) => `      - "hello ${i}"`),
      'slots:',
      '  guest:',
      '    entity: guest',
      '  guest_named:',
      '    entity: guest',
      '    from_text: true',
      'flows:',
      '  book:',
      '    intent: book',
      '    slots: [guest, guest_named]',
      '    done: booked',
      'responses:',
      '  booked: ["Booked.", "Done.", "All set."]',
      '',
    ].join('\n');
    const loaded = loadDefinition(source, 'bot.yaml');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const problems = lintDefinition(loaded.definition, loaded.locate).map(formatProblem).filter((p) => p.includes('light stage'));
    expect(problems).toEqual([
      'bot.yaml:29: warning: slots.guest: flow "book" fills this slot from "guest", which only the transformer finds: while the light stage answers, a reply cannot fill it (add from_text: true, or a rule for "guest" under entities)',
    ]);
  });

  it('merges a definition split over files and points at the right file', () => {
    const source = readFileSync(FIXTURE, 'utf8');
    const [head, responses] = source.split('responses:\n') as [string, string];
    const loaded = loadDefinitionFiles([
      { file: 'bot/main.yaml', source: head },
      { file: 'bot/responses.yaml', source: `responses:\n${responses.replace('Order {order_id} is {order_state}.', 'Order {order_id}.')}` },
    ]);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const problems = lintDefinition(loaded.definition, loaded.locate).map(formatProblem);
    expect(problems).toContain('bot/main.yaml:20: flows.refund.intent: no intent named "refund"');
    expect(problems).toContain('bot/responses.yaml:3: warning: responses.order_done: one variation only: 3 to 5 make the bot sound less robotic');
  });

  it('says when two files define the same entry', () => {
    const loaded = loadDefinitionFiles([
      { file: 'a.yaml', source: 'name: X\nresponses:\n  hi: ["a", "b"]\n' },
      { file: 'b.yaml', source: 'responses:\n  hi: ["c", "d"]\n' },
    ]);
    expect(loaded.ok ? [] : loaded.problems.map(formatProblem)).toEqual(['b.yaml:2: responses.hi: responses.hi is defined in more than one file']);
  });
});
