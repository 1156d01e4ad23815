import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import fc from 'fast-check';
import { createFeaturizer, type FeaturizerConfig } from '../src/nlu/featurize';

/** The demo bot's real featurizer settings and vocabulary. */
const config = (JSON.parse(readFileSync('models/acme/bot.json', 'utf8')) as { nlu: { featurizer: FeaturizerConfig } }).nlu.featurizer;

const CURATED = [
  'Where’s my ORDER #A12345??',
  "i don't know, Miyazaki's songs",
  'pass\u200bword reset 👍🏽 please',
  'שלום, איפה ההזמנה שלי',
  'مرحبا أين طلبي',
  '注文はどこですか',
  'ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ',
  'e\u0301te\u0301 café cafe\u0301',
  'ǅemal Ⅻ ﬁle',
  '   ',
  '',
  '<script>alert(1)</script>',
  'x'.repeat(10_000),
];

test('the browser computes exactly the features the trainer computed (same code, another engine)', async ({ page }) => {
  await page.goto('/featurize/');
  await page.waitForFunction(() => typeof window.featurizeAll === 'function');
  const random = fc.sample(fc.string({ unit: 'binary', maxLength: 120 }), { numRuns: 300, seed: 42 });
  const texts = [...CURATED, ...random];
  const inBrowser = await page.evaluate(({ config, texts }) => window.featurizeAll(config, texts), { config, texts });
  const featurizer = createFeaturizer(config);
  const inNode = texts.map((text) => {
    const f = featurizer.featurize(text);
    return { tokens: [...f.tokens], mask: [...f.mask], ngrams: [...f.ngrams], sparse: [...f.sparse], tokenFeatures: [...f.tokenFeatures], spans: f.spans };
  });
  const mismatches = texts.filter((_, i) => JSON.stringify(inBrowser[i]) !== JSON.stringify(inNode[i]));
  console.log(`featurizer parity: ${texts.length} texts compared, ${mismatches.length} differ`);
  expect(mismatches).toEqual([]);
});
