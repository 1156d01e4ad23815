/**
 * What `parley train` learns about a help centre, on held-out questions rather than by hand:
 *
 * 1. The retriever's weights, by coordinate ascent on the mean reciprocal rank of pseudo-queries:
 *    each expected question, left out of the index while it is asked; each title of an article with
 *    no questions, asked with every title hidden (so the title weight, which such queries cannot
 *    judge, keeps its prior). The body weight is the scale and stays 1.
 * 2. The confidence, a logistic model over the best score, its margin and its coverage, fitted on
 *    those queries (right or wrong at the top) and on as many made-up questions about nothing the
 *    articles cover: each pseudo-query with its content words swapped for random common words.
 * 3. The answer and clarification thresholds that are right most often on the same data.
 */
import { confidenceFeatures, createArticleRetriever, rankArticles, type Exclusion, type PassageSignals } from '../../nlu/retrievers/article-retriever';
import type { IndexedArticle, RetrievalCalibration, RetrievalWeights } from '../../nlu/retrievers/index-format';
import { termsOf } from '../../nlu/retrievers/terms';
import { seededRandom } from '../random';

export interface PseudoQuery {
  text: string;
  article: number;
  exclude: Exclusion;
  /** Titles hidden everywhere: the query was the title. */
  hideTitles: boolean;
}

export interface TuneInput {
  articles: readonly IndexedArticle[];
  neighbours: string;
  synonyms: Readonly<Record<string, string>>;
  /** Common words for made-up questions (most frequent first). */
  commonWords: readonly string[];
  seed?: number;
}

export interface TuneResult {
  weights: RetrievalWeights;
  calibration: RetrievalCalibration;
  thresholds: { answer: number; clarify: number };
  /** On the pseudo-queries, with the learned weights. */
  figures: { queries: number; top1: number; recallAt3: number; mrr: number; negatives: number };
}

export const PRIOR_WEIGHTS: RetrievalWeights = { title: 1, body: 1, prefix: 0.5, soft: 0.5, question: 1, softFloor: 0.5, k1: 1.2, b: 0.75 };
const MULTIPLIERS = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];
const SOFT_FLOORS = [0.5, 0.6, 0.7];
/** Function words a made-up question keeps ("how do I ... my ..."). */
const KEEP_COMMON = 150;

export function pseudoQueries(articles: readonly IndexedArticle[]): PseudoQuery[] {
  const queries: PseudoQuery[] = [];
  articles.forEach((article, a) => {
    article.questions.forEach((text, index) => queries.push({ text, article: a, exclude: { question: { article: a, index } }, hideTitles: false }));
    if (article.questions.length === 0) queries.push({ text: article.title, article: a, exclude: {}, hideTitles: true });
  });
  return queries;
}

type Signals = PassageSignals[];

function withoutTitles(signals: Signals): Signals {
  return signals.map((s) => ({ ...s, signals: [0, s.signals[1], s.signals[2], s.signals[3], s.signals[4]] }));
}

function measure(all: readonly Signals[], queries: readonly PseudoQuery[], weights: RetrievalWeights) {
  let top1 = 0;
  let recallAt3 = 0;
  let mrr = 0;
  all.forEach((signals, i) => {
    const ranked = rankArticles(signals, weights);
    const position = ranked.findIndex((hit) => hit.article === queries[i]!.article);
    if (position === 0) top1++;
    if (position >= 0 && position < 3) recallAt3++;
    if (position >= 0) mrr += 1 / (position + 1);
  });
  const n = Math.max(1, all.length);
  return { top1: top1 / n, recallAt3: recallAt3 / n, mrr: mrr / n };
}

export function tuneRetrieval(input: TuneInput): TuneResult {
  const queries = pseudoQueries(input.articles);
  const hasQuestions = queries.some((q) => !q.hideTitles);
  const untitled = input.articles.map((article) => ({ ...article, title: '', tags: [] }));
  const build = (weights: RetrievalWeights) => {
    const calibration = { bias: 0, score: 1, margin: 0, coverage: 0 };
    return { titled: createArticleRetriever(input, weights, calibration), untitled: createArticleRetriever({ ...input, articles: untitled }, weights, calibration) };
  };
  // A title asked as a question is scored against an index without titles (its own would answer it).
  const signalsOf = (retriever: ReturnType<typeof build>, text: string, q?: PseudoQuery) =>
    q?.hideTitles ? withoutTitles(retriever.untitled.signals(text, q.exclude)) : retriever.titled.signals(text, q?.exclude);

  let best = { weights: PRIOR_WEIGHTS, score: -1, signals: [] as Signals[], retriever: build(PRIOR_WEIGHTS) };
  for (const softFloor of SOFT_FLOORS) {
    const floorWeights = { ...best.weights, softFloor };
    const retriever = build(floorWeights);
    const signals = queries.map((q) => signalsOf(retriever, q.text, q));
    let weights = floorWeights;
    let score = objective(measure(signals, queries, weights));
    const tunable: Array<keyof RetrievalWeights> = ['prefix', 'soft', ...(hasQuestions ? (['title', 'question'] as const) : [])];
    for (let pass = 0; pass < 3; pass++) {
      let moved = false;
      for (const key of tunable) {
        for (const m of MULTIPLIERS) {
          const trial = { ...weights, [key]: m };
          const trialScore = objective(measure(signals, queries, trial));
          if (trialScore > score + 1e-9) {
            score = trialScore;
            weights = trial;
            moved = true;
          }
        }
      }
      if (!moved) break;
    }
    if (score > best.score) best = { weights, score, signals, retriever };
  }

  // Calibration data: the pseudo-queries with the tuned weights, and made-up questions.
  const random = seededRandom(input.seed ?? 1);
  const common = input.commonWords.slice(0, KEEP_COMMON);
  const keep = new Set(common);
  const fillers = input.commonWords.slice(KEEP_COMMON * 2).filter((word) => /^[a-z]{3,}$/.test(word));
  const rows: Array<{ x: [number, number, number]; y: 0 | 1; top3: boolean; negative: boolean }> = [];
  const row = (signals: Signals, article: number | null) => {
    const ranked = rankArticles(signals, best.weights);
    const top = ranked[0];
    const x = top ? confidenceFeatures(top.score, ranked[1]?.score ?? 0, top.coverage) : ([0, 0, 0] as [number, number, number]);
    const position = article === null ? -1 : ranked.findIndex((hit) => hit.article === article);
    rows.push({ x, y: position === 0 ? 1 : 0, top3: position >= 0 && position < 3, negative: article === null });
  };
  queries.forEach((q, i) => row(best.signals[i]!, q.article));
  if (fillers.length > 0) {
    for (const q of queries) {
      const words = termsOf(q.text).map((t) => t.word);
      const madeUp = words.map((word) => (keep.has(word) ? word : fillers[Math.floor(random() * fillers.length)]!)).join(' ');
      row(signalsOf(best.retriever, madeUp), null);
    }
  }
  const calibration = fitLogistic(rows);
  const confidence = (x: [number, number, number]) => 1 / (1 + Math.exp(-(calibration.bias + calibration.score * x[0] + calibration.margin * x[1] + calibration.coverage * x[2])));
  const scored = rows.map((r) => ({ ...r, p: confidence(r.x) }));
  const grid = Array.from({ length: 19 }, (_, i) => 0.05 * (i + 1));
  const accuracyAt = (t: number, right: (r: (typeof scored)[number]) => boolean) => scored.reduce((sum, r) => sum + ((r.p >= t ? right(r) : r.negative) ? 1 : 0), 0);
  const answer = argmax(grid, (t) => accuracyAt(t, (r) => r.y === 1));
  const clarify = argmax(grid.filter((t) => t <= answer), (t) => accuracyAt(t, (r) => r.top3));
  const figures = measure(best.signals, queries, best.weights);
  return { weights: best.weights, calibration, thresholds: { answer, clarify }, figures: { queries: queries.length, ...figures, negatives: rows.filter((r) => r.negative).length } };
}

function objective(m: { top1: number; recallAt3: number; mrr: number }): number {
  return m.mrr + 0.1 * m.top1;
}

function argmax(values: readonly number[], score: (value: number) => number): number {
  let best = values[0] ?? 0.5;
  let bestScore = -Infinity;
  for (const value of values) {
    const s = score(value);
    if (s > bestScore) {
      bestScore = s;
      best = value;
    }
  }
  return Math.round(best * 100) / 100;
}

/** Logistic regression by gradient descent, the classes weighed equally, a little L2. */
export function fitLogistic(rows: ReadonlyArray<{ x: readonly [number, number, number]; y: 0 | 1 }>): RetrievalCalibration {
  const positives = rows.filter((r) => r.y === 1).length;
  const negatives = rows.length - positives;
  if (positives === 0 || negatives === 0) return { bias: positives ? 2 : -2, score: 0, margin: 0, coverage: 0 };
  const weightOf = (y: 0 | 1) => (y === 1 ? rows.length / (2 * positives) : rows.length / (2 * negatives));
  let w = [0, 0, 0, 0]; // bias, score, margin, coverage
  const rate = 0.5;
  const l2 = 1e-3;
  for (let epoch = 0; epoch < 2000; epoch++) {
    const grad = [0, 0, 0, 0];
    for (const { x, y } of rows) {
      const z = w[0]! + w[1]! * x[0] + w[2]! * x[1] + w[3]! * x[2];
      const error = (1 / (1 + Math.exp(-z)) - y) * weightOf(y);
      grad[0]! += error;
      grad[1]! += error * x[0];
      grad[2]! += error * x[1];
      grad[3]! += error * x[2];
    }
    w = w.map((value, i) => value - (rate * (grad[i]! / rows.length + (i > 0 ? l2 * value : 0))));
  }
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { bias: round(w[0]!), score: round(w[1]!), margin: round(w[2]!), coverage: round(w[3]!) };
}
