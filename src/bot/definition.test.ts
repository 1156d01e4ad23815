import { describe, expect, it } from 'vitest';
import { formatProblem, loadDefinition, parseExample } from './definition';

const valid = `name: Test
intents:
  greet:
    examples:
      - hi
      - hello
  order_status:
    examples:
      - where is [A12345](order_id)
      - '[pro](plan){"value": "pro plan"} price'
entities:
  order_id:
    regex: '[A-Z]\\d{5}'
    flags: i
`;

describe('bot definition', () => {
  it('loads a valid definition', () => {
    const result = loadDefinition(valid, 'bot.yaml');
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.keys(result.definition.intents)).toEqual(['greet', 'order_status']);
  });

  it('points at the exact file, line and path of a problem', () => {
    const broken = valid.replace('      - hello\n', '      - 42\n').replace("    flags: i\n", '    flags: g\n');
    const result = loadDefinition(broken, 'bots/x.yaml');
    expect(result.ok).toBe(false);
    expect(result.problems.map(formatProblem)).toEqual([
      'bots/x.yaml:6: intents.greet.examples[1]: Invalid type: Expected string but received 42',
      'bots/x.yaml:14: entities.order_id.flags: only the flags i, m, s, u and v',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const result = loadDefinition('name: x\nintents:\n  greet: [unclosed\n', 'bad.yaml');
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ file: 'bad.yaml', line: expect.any(Number) });
    expect(result.problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects an unclosed entity markup in an example, at its line', () => {
    const result = loadDefinition(valid.replace('where is [A12345](order_id)', 'where is [A12345](order_id'), 'b.yaml');
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'b.yaml:9: intents.order_status.examples[0]: entity markup is not closed or has no entity name: write [text](entity)',
    ]);
  });
});

describe('inline entity markup', () => {
  it('turns markup into text and spans, with an optional canonical value', () => {
    const parsed = parseExample('is [pro](plan){"value": "pro plan"} cheaper than [basic](plan)?');
    expect(parsed).toEqual({
      ok: true,
      example: {
        text: 'is pro cheaper than basic?',
        entities: [
          { entity: 'plan', start: 3, end: 6, value: 'pro', canonical: 'pro plan' },
          { entity: 'plan', start: 20, end: 25, value: 'basic' },
        ],
      },
    });
  });
});
