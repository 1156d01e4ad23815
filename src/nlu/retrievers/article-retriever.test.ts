import { describe, expect, it } from 'vitest';
import { createArticleRetriever, confidenceOf } from './article-retriever';
import { extractAnswer, MAX_EXTRACT_CHARS, sentencesOf } from './extract';
import type { IndexedArticle, RetrievalCalibration, RetrievalWeights } from './index-format';
import { termsOf } from './terms';

const article = (id: string, title: string, text: string, extra: Partial<IndexedArticle> = {}): IndexedArticle => ({
  id,
  title,
  url: `/help/${id}.html`,
  tags: [],
  questions: [],
  offerPerson: false,
  passages: [{ heading: null, text }],
  ...extra,
});

const ARTICLES: IndexedArticle[] = [
  article('returns', 'Returns and refunds', 'You can return any item within 30 days of delivery. Refunds reach your card within 5 working days.', {
    questions: ['can I send it back'],
    offerPerson: true,
  }),
  article('shipping', 'Shipping times and costs', 'Orders leave our warehouse within one working day. Standard delivery takes 3 to 5 days.'),
  article('warranty', 'Warranty and repairs', 'Tents and packs carry a two year warranty against defects in materials and workmanship.'),
];
const WEIGHTS: RetrievalWeights = { title: 1, body: 1, prefix: 0.5, soft: 1, question: 1, softFloor: 0.5, k1: 1.2, b: 0.75 };
const CALIBRATION: RetrievalCalibration = { bias: -3, score: 2, margin: 1, coverage: 2 };
const retriever = (neighbours = '', synonyms: Record<string, string> = {}) => createArticleRetriever({ articles: ARTICLES, neighbours, synonyms }, WEIGHTS, CALIBRATION);

describe('article retriever', () => {
  it('ranks the article whose words the question shares first, stemmed ("refunded" meets "Refunds")', () => {
    const [best, ...rest] = retriever().retrieve('when will I be refunded for my return?');
    expect(best?.id).toBe('returns');
    expect(best?.url).toBe('/help/returns.html');
    expect(best?.offerPerson).toBe(true);
    expect(rest.every((match) => match.confidence < best!.confidence)).toBe(true);
  });

  it('answers with the sentences that answer, not the whole passage', () => {
    const [best] = retriever().retrieve('how long does standard delivery take');
    expect(best?.id).toBe('shipping');
    expect(best?.extract).toContain('Standard delivery takes 3 to 5 days.');
  });

  it('matches a word no article has through its pretrained neighbours only', () => {
    // "guarantee" is in no article; its neighbour "warranti" (a stem) is.
    expect(retriever().retrieve('guarantee')).toEqual([]);
    const [best] = retriever('guarantee warranti:80').retrieve('guarantee');
    expect(best?.id).toBe('warranty');
    expect(retriever('guarantee warranti:80').signals('guarantee').find((s) => s.article === 2)?.signals[3]).toBeGreaterThan(0);
  });

  it("matches the author's expected questions", () => {
    const signals = retriever().signals('can I send it back');
    const returns = signals.find((s) => s.article === 0)!;
    expect(returns.signals[4]).toBeGreaterThan(0);
    // Left out (as training does for held-out questions), the question signal is gone.
    const held = retriever().signals('can I send it back', { question: { article: 0, index: 0 } }).find((s) => s.article === 0);
    expect(held?.signals[4] ?? 0).toBe(0);
  });

  it("folds the bot's synonyms into their canonical word", () => {
    expect(retriever().retrieve('tarp cover').length).toBe(0);
    expect(retriever('', { tarp: 'tents' }).retrieve('tarp cover')[0]?.id).toBe('warranty');
  });

  it('finds nothing for empty, punctuation-only or unrelated text, and bounds a huge message', () => {
    expect(retriever().retrieve('')).toEqual([]);
    expect(retriever().retrieve('?!… <script>')).toEqual([]);
    expect(retriever().retrieve('zebra quantum xylophone')).toEqual([]);
    const huge = `${'warranty '.repeat(50)}${'lorem '.repeat(200_000)}`;
    expect(retriever().retrieve(huge)[0]?.id).toBe('warranty');
  });

  it('a clearer win is a higher confidence', () => {
    expect(confidenceOf(CALIBRATION, 5, 1, 1)).toBeGreaterThan(confidenceOf(CALIBRATION, 5, 4.5, 1));
    expect(confidenceOf(CALIBRATION, 5, 1, 1)).toBeGreaterThan(confidenceOf(CALIBRATION, 5, 1, 0.3));
  });
});

describe('answer extract', () => {
  it('splits sentences and list items, keeping links whole', () => {
    expect(sentencesOf('First one. See [Returns. Policy](/help/returns.html) too.\n\n- Item one\n- Item two')).toEqual([
      'First one.',
      'See [Returns. Policy](/help/returns.html) too.',
      '- Item one',
      '- Item two',
    ]);
  });

  it('keeps the first sentence and adds the one that matches the question', () => {
    const text = 'We ship to 30 countries. Parcels are insured. Duties for Norway are paid on delivery. Ask us anything.';
    expect(extractAnswer(text, termsOf('do I pay duties in Norway'))).toBe('We ship to 30 countries. Duties for Norway are paid on delivery.');
  });

  it('never cuts inside a sentence, and stays under the length limit when it has a choice', () => {
    const long = `${'A long sentence about tents '.repeat(20).trim()}. Short answer about boots.`;
    const answer = extractAnswer(long, termsOf('boots'));
    expect(answer.endsWith('.')).toBe(true);
    expect(sentencesOf(long)).toContain(answer);
    expect(extractAnswer('Short. Boots are waterproof.', termsOf('boots')).length).toBeLessThanOrEqual(MAX_EXTRACT_CHARS);
  });
});
