import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createArticleRetriever } from '../../nlu/retrievers/article-retriever';
import type { IndexedArticle } from '../../nlu/retrievers/index-format';
import { readKnowledge } from './articles';
import { fitLogistic, tuneRetrieval, PRIOR_WEIGHTS } from './tune';

const locate = (keys: ReadonlyArray<string | number>) => ({ file: 'bot.yaml', line: 7, path: keys.join('.') });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-help-'));
  mkdirSync(join(dir, 'help'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'help', name), text);
  return dir;
}

describe('reading help articles', () => {
  it('reads Markdown front matter and splits passages by heading', () => {
    const dir = folder({
      'returns-and-refunds.md': '---\ntitle: Returns and refunds\nurl: /help/returns.html\nquestions: [can I send it back]\ntags: [returns]\noffer_person: true\n---\nFree returns within 30 days.\n\n## How do I send it back?\nPrint the label.\n',
    });
    const { articles, problems } = readKnowledge(dir, ['help'], locate);
    expect(problems).toEqual([]);
    expect(articles).toEqual([
      {
        id: 'returns-and-refunds',
        title: 'Returns and refunds',
        url: '/help/returns.html',
        tags: ['returns'],
        questions: ['can I send it back'],
        offerPerson: true,
        passages: [
          { heading: null, text: 'Free returns within 30 days.' },
          { heading: 'How do I send it back?', text: 'Print the label.' },
        ],
      },
    ]);
  });

  it('names the file and line of broken front matter, a missing title, an empty or duplicate article', () => {
    const dir = folder({
      'a-broken.md': '---\ntitle: Broken\nquestions: [one, two\n---\nText.\n',
      'b-untitled.md': '---\nurl: /help/b.html\n---\nSome text without a title.\n',
      'c-empty.md': '---\ntitle: Empty\n---\n\n',
      'd-first.md': '---\ntitle: Same title\n---\nOne text.\n',
      'e-second.md': '---\ntitle: Same title\n---\nAnother text.\n',
      'f-bad-type.md': '---\ntitle: Typed\ntags:\n  - ok\n  - 3\n---\nText.\n',
      'g-unclosed.md': '---\ntitle: Never closed\nText.\n',
    });
    const { problems } = readKnowledge(dir, ['help', 'missing-folder'], locate);
    const at = (file: string) => problems.filter((p) => p.file.endsWith(file)).map((p) => `${p.line} ${p.path}: ${p.message}`);
    expect(at('a-broken.md')[0]).toMatch(/^[34] front matter: /);
    expect(at('b-untitled.md')).toEqual([expect.stringMatching(/^1 title: the article has no title/)]);
    expect(at('c-empty.md')).toEqual([expect.stringMatching(/^4 body: the article is empty/)]);
    expect(at('e-second.md')).toEqual([expect.stringMatching(/title: the title "Same title" is also in .*d-first\.md/)]);
    expect(at('f-bad-type.md')).toEqual([expect.stringMatching(/^5 tags\.1: /)]);
    expect(at('g-unclosed.md')).toEqual([expect.stringMatching(/^1 front matter: .*never closed/)]);
    expect(problems.find((p) => p.file === 'bot.yaml')).toMatchObject({ line: 7, path: 'knowledge.sources.1', message: expect.stringMatching(/missing-folder does not exist/) });
  });

  it("takes an HTML page's main content, without its navigation, header or footer", () => {
    const dir = folder({
      'shipping.html': `<html><head><title>Shipping</title><link rel="canonical" href="/help/shipping.html"></head><body>
        <header>Acme Outfitters</header><nav><a href="/">Home</a> Sign in</nav>
        <main><h1>Shipping</h1><p>We ship in <a href="/help/countries.html">30 countries</a>.</p><h2>Costs</h2><ul><li>Free over $50</li><li>$5 otherwise</li></ul></main>
        <footer>© Acme</footer><script>alert(1)</script></body></html>`,
    });
    const { articles, problems } = readKnowledge(dir, ['help'], locate);
    expect(problems).toEqual([]);
    expect(articles[0]).toMatchObject({
      id: 'shipping',
      title: 'Shipping',
      url: '/help/shipping.html',
      passages: [
        { heading: null, text: 'We ship in [30 countries](/help/countries.html).' },
        { heading: 'Costs', text: '- Free over $50\n\n- $5 otherwise' },
      ],
    });
    expect(JSON.stringify(articles)).not.toMatch(/Sign in|alert|© Acme/);
  });
});

describe('calibration', () => {
  it('fits a logistic model that ranks right answers above wrong ones', () => {
    const rows = [
      ...Array.from({ length: 20 }, (_, i) => ({ x: [2 + i / 10, 1, 0.9] as const, y: 1 as const })),
      ...Array.from({ length: 20 }, (_, i) => ({ x: [0.5 + i / 40, 0.1, 0.3] as const, y: 0 as const })),
    ];
    const c = fitLogistic(rows);
    const p = (x: readonly [number, number, number]) => 1 / (1 + Math.exp(-(c.bias + c.score * x[0] + c.margin * x[1] + c.coverage * x[2])));
    expect(p([2.5, 1, 0.9])).toBeGreaterThan(0.9);
    expect(p([0.6, 0.1, 0.3])).toBeLessThan(0.1);
  });

  it('with one class only, it says so by its bias and nothing else', () => {
    expect(fitLogistic([{ x: [1, 1, 1], y: 1 }])).toEqual({ bias: 2, score: 0, margin: 0, coverage: 0 });
  });

  it('tunes weights on held-out expected questions and puts the thresholds where made-up questions are declined', () => {
    const topics = ['tent', 'boot', 'jacket', 'lamp', 'pack', 'stove'];
    const articles: IndexedArticle[] = topics.map((topic) => ({
      id: topic,
      title: `Caring for your ${topic}`,
      url: null,
      tags: [],
      offerPerson: false,
      questions: [`how do I clean my ${topic}`, `${topic} cleaning`, `wash the ${topic}`],
      passages: [{ heading: null, text: `Clean the ${topic} with warm water and let the ${topic} dry in the shade.` }],
    }));
    const common = ['the', 'a', 'how', 'do', 'i', 'my', 'is', 'to', ...Array.from({ length: 400 }, (_, i) => `filler${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`)];
    const tuned = tuneRetrieval({ articles, neighbours: '', synonyms: {}, commonWords: common, seed: 3 });
    expect(tuned.figures.queries).toBe(18);
    expect(tuned.figures.top1).toBe(1);
    expect(tuned.thresholds.clarify).toBeLessThanOrEqual(tuned.thresholds.answer);
    const retriever = createArticleRetriever({ articles, neighbours: '', synonyms: {} }, tuned.weights, tuned.calibration);
    const [best] = retriever.retrieve('how should I clean my boot');
    expect(best?.id).toBe('boot');
    expect(best!.confidence).toBeGreaterThanOrEqual(tuned.thresholds.answer);
    expect(Object.keys(tuned.weights).sort()).toEqual(Object.keys(PRIOR_WEIGHTS).sort());
  });
});
