import { describe, expect, it } from 'vitest';
import type { StoryResult } from '../../dialogue/stories';
import { formatResults } from './test';

const passed = (name: string, closeCalls: StoryResult['closeCalls'] = []): StoryResult => ({ name, passed: true, transcript: [], closeCalls });

describe("parley test's summary", () => {
  it('lists the close calls of passing stories after the results, and counts them', () => {
    const failed: StoryResult = {
      name: 'refund',
      passed: false,
      failure: { step: 2, expected: 'bot: ask_order_id', actual: 'nothing' },
      transcript: ['user: refund please  [help 0.51]'],
      closeCalls: [{ step: 1, text: 'refund please', why: 'help 0.51, near confidence_threshold 0.5' }],
    };
    const text = formatResults([passed('greeting'), passed('e-mail form', [{ step: 3, text: 'bob at example', why: 'help 0.51, order_status 0.44 next' }]), failed]);
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['  ✓ greeting', '  ✓ e-mail form', '  ✗ refund']);
    expect(text).toContain('close calls: 1 passing step rests on a reading near a decision; a retrained model may read them otherwise');
    expect(text).toContain('  e-mail form, step 3: "bob at example"  help 0.51, order_status 0.44 next');
    // A failing story's close calls are in its failure already: not listed twice.
    expect(text).not.toContain('refund, step 1');
    expect(lines.at(-1)).toBe('2 passed, 1 failed (3 stories), 1 close call');
  });

  it('says nothing of close calls when there are none', () => {
    const text = formatResults([passed('greeting')]);
    expect(text).not.toContain('close call');
    expect(text.split('\n').at(-1)).toBe('1 passed, 0 failed (1 stories)');
  });
});
