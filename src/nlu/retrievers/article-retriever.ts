/**
 * The help-article retriever: which articles answer a question, with a calibrated confidence and the
 * sentences that answer. It runs in the NLU worker beside the extractors, on the same tokens, for
 * either stage. Each passage is scored on five signals, combined with weights `parley train` learned:
 *
 *   title     BM25 of the question's stems against the article's title, tags and the passage heading
 *   body      BM25 against the passage
 *   prefix    BM25 of the words' first letters ("striked" meets "strikethrough")
 *   soft      words the passage does not have, matched to words it has by pretrained vectors
 *   question  the best BM25 against one of the article's expected questions
 *
 * An article's score is its best passage's. The confidence is a logistic model over the best score,
 * its margin over the next article, and the share of the question's weight that the passage covers.
 */
import type { IndexedArticle, KnowledgeIndex, RetrievalCalibration, RetrievalWeights } from './index-format';
import { extractAnswer } from './extract';
import { MAX_QUERY_TERMS, plainText, termsOf, type Synonyms, type Term } from './terms';

export interface ArticleMatch {
  id: string;
  title: string;
  url: string | null;
  /** Calibrated: the chance that this article answers the question. */
  confidence: number;
  /** The passage that answers best (its index in the article), its heading and the sentences that answer (Markdown). */
  passage: number;
  heading: string | null;
  extract: string;
  offerPerson: boolean;
}

/** The five signals of one passage, before weighting. */
export interface PassageSignals {
  passage: number;
  article: number;
  signals: [title: number, body: number, prefix: number, soft: number, question: number];
  /** Share of the question's idf weight found in the passage (exactly, by prefix or by a neighbour). */
  coverage: number;
}

/** Leave-one-out at training time: score as if one expected question were not in the index. */
export interface Exclusion {
  question?: { article: number; index: number };
}

export interface ArticleRetriever {
  readonly articles: readonly IndexedArticle[];
  /** The best articles, most likely first (at most `limit`). */
  retrieve(text: string, limit?: number): ArticleMatch[];
  /** Every passage with a signal, unweighted (training tunes the weights on these). */
  signals(text: string, exclude?: Exclusion): PassageSignals[];
}

/** A BM25 field over documents of stems. */
class Field {
  private readonly postings = new Map<string, Array<{ doc: number; tf: number }>>();
  private readonly lengths: number[];
  private readonly averageLength: number;

  constructor(documents: readonly string[][], private readonly k1: number, private readonly b: number) {
    this.lengths = documents.map((terms) => terms.length);
    this.averageLength = this.lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, documents.length) || 1;
    documents.forEach((terms, doc) => {
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, tf });
      }
    });
  }

  idf(term: string): number {
    const N = this.lengths.length;
    const df = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (N - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /** idf x saturated tf of one term in each document that has it. */
  contributions(term: string): Array<{ doc: number; value: number; tf: number }> {
    const list = this.postings.get(term);
    if (!list) return [];
    const idf = this.idf(term);
    return list.map(({ doc, tf }) => ({ doc, tf, value: (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * this.lengths[doc]!) / this.averageLength)) }));
  }
}

export interface RetrieverData {
  articles: readonly IndexedArticle[];
  neighbours: string;
  synonyms: Readonly<Record<string, string>>;
}

export function createArticleRetriever(data: RetrieverData, weights: RetrievalWeights, calibration: RetrievalCalibration): ArticleRetriever {
  const synonyms: Synonyms = new Map(Object.entries(data.synonyms));
  const terms = (text: string) => termsOf(text, synonyms);
  const passages = data.articles.flatMap((article, articleIndex) => article.passages.map((passage) => ({ article: articleIndex, passage })));
  const titleTerms = passages.map(({ article, passage }) => terms([data.articles[article]!.title, ...data.articles[article]!.tags, passage.heading ?? ''].join(' ')));
  const bodyTerms = passages.map(({ passage }) => terms(plainText(passage.text)));
  const { k1, b } = weights;
  const title = new Field(titleTerms.map((list) => list.map((t) => t.stem)), k1, b);
  const body = new Field(bodyTerms.map((list) => list.map((t) => t.stem)), k1, b);
  const all = new Field(passages.map((_, i) => [...titleTerms[i]!, ...bodyTerms[i]!].map((t) => t.stem)), k1, b);
  const prefix = new Field(passages.map((_, i) => [...titleTerms[i]!, ...bodyTerms[i]!].map((t) => t.prefix)), k1, b);
  const questionDocs = data.articles.flatMap((article, articleIndex) => article.questions.map((question, index) => ({ article: articleIndex, index, text: question })));
  const questions = new Field(questionDocs.map((q) => terms(q.text).map((t) => t.stem)), k1, b);
  const passagesOf = data.articles.map(() => [] as number[]);
  passages.forEach(({ article }, i) => passagesOf[article]!.push(i));
  const neighbours = parseNeighbours(data.neighbours);

  function signals(text: string, exclude: Exclusion = {}): PassageSignals[] {
    const query = dedupe(termsOf(text, synonyms, MAX_QUERY_TERMS));
    const found = new Map<number, PassageSignals>();
    const entry = (passage: number): PassageSignals => {
      let signal = found.get(passage);
      if (!signal) found.set(passage, (signal = { passage, article: passages[passage]!.article, signals: [0, 0, 0, 0, 0], coverage: 0 }));
      return signal;
    };
    // How much each query word weighs: its idf in the passages (a word no passage has weighs the most).
    const weightOf = query.map((term) => all.idf(term.stem));
    const totalWeight = weightOf.reduce((sum, w) => sum + w, 0) || 1;
    const covered = new Map<number, number[]>();
    const cover = (passage: number, term: number, share: number) => {
      let list = covered.get(passage);
      if (!list) covered.set(passage, (list = new Array<number>(query.length).fill(0)));
      list[term] = Math.max(list[term]!, share);
    };

    query.forEach((term, t) => {
      for (const { doc, value } of title.contributions(term.stem)) {
        entry(doc).signals[0] += value;
        cover(doc, t, 1);
      }
      for (const { doc, value } of body.contributions(term.stem)) {
        entry(doc).signals[1] += value;
        cover(doc, t, 1);
      }
      for (const { doc, value } of prefix.contributions(term.prefix)) {
        entry(doc).signals[2] += value;
        cover(doc, t, 0.5);
      }
      // Words the passage lacks, by their nearest words that it has.
      const near = neighbours.get(term.word);
      if (!near) return;
      const best = new Map<number, { sim: number; value: number }>();
      for (const [stem, similarity] of near) {
        if (similarity < weights.softFloor || stem === term.stem) continue;
        for (const { doc, value } of all.contributions(stem)) {
          const scored = value * similarity;
          if ((best.get(doc)?.value ?? 0) < scored) best.set(doc, { sim: similarity, value: scored });
        }
      }
      for (const [doc, { sim, value }] of best) {
        if (covered.get(doc)?.[t] === 1) continue; // matched exactly already
        entry(doc).signals[3] += value;
        cover(doc, t, sim);
      }
    });

    // The expected questions: the best one of each article lifts all its passages.
    const byQuestion = new Map<number, number>();
    const questionCover = new Map<number, number[]>();
    query.forEach((term, t) => {
      for (const { doc, value } of questions.contributions(term.stem)) {
        const q = questionDocs[doc]!;
        if (exclude.question && exclude.question.article === q.article && exclude.question.index === q.index) continue;
        byQuestion.set(doc, (byQuestion.get(doc) ?? 0) + value);
        let list = questionCover.get(doc);
        if (!list) questionCover.set(doc, (list = new Array<number>(query.length).fill(0)));
        list[t] = 1;
      }
    });
    const bestQuestion = new Map<number, { value: number; doc: number }>();
    for (const [doc, value] of byQuestion) {
      const article = questionDocs[doc]!.article;
      if ((bestQuestion.get(article)?.value ?? 0) < value) bestQuestion.set(article, { value, doc });
    }
    for (const [article, { value, doc }] of bestQuestion) {
      for (const passage of passagesOf[article]!) {
        entry(passage).signals[4] = value;
        questionCover.get(doc)!.forEach((share, t) => share > 0 && cover(passage, t, share));
      }
    }

    for (const [passage, signal] of found) {
      const shares = covered.get(passage) ?? [];
      signal.coverage = shares.reduce((sum, share, t) => sum + share * weightOf[t]!, 0) / totalWeight;
    }
    return [...found.values()];
  }

  return {
    articles: data.articles,
    signals,
    retrieve(text, limit = 3) {
      const ranked = rankArticles(signals(text), weights);
      return ranked.slice(0, limit).map((hit, i) => {
        const article = data.articles[hit.article]!;
        const { passage } = passages[hit.passage]!;
        const passageIndex = article.passages.indexOf(passage);
        const next = ranked[i === 0 ? 1 : 0];
        const confidence = confidenceOf(calibration, hit.score, next?.score ?? 0, hit.coverage);
        return { id: article.id, title: article.title, url: article.url, confidence, passage: passageIndex, heading: passage.heading, extract: extractAnswer(passage.text, query(text)), offerPerson: article.offerPerson };
      });
    },
  };

  function query(text: string): Term[] {
    return termsOf(text, synonyms, MAX_QUERY_TERMS);
  }
}

export interface RankedArticle {
  article: number;
  passage: number;
  score: number;
  coverage: number;
}

/** Weighted passage scores, best passage per article, best article first (ties: index order). */
export function rankArticles(signals: readonly PassageSignals[], weights: Pick<RetrievalWeights, 'title' | 'body' | 'prefix' | 'soft' | 'question'>): RankedArticle[] {
  const w = [weights.title, weights.body, weights.prefix, weights.soft, weights.question];
  const best = new Map<number, RankedArticle>();
  for (const { passage, article, signals: s, coverage } of signals) {
    const score = s[0] * w[0]! + s[1] * w[1]! + s[2] * w[2]! + s[3] * w[3]! + s[4] * w[4]!;
    const kept = best.get(article);
    if (!kept || score > kept.score) best.set(article, { article, passage, score, coverage });
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.article - b.article);
}

/** The calibration's inputs: log scores (their scale differs from one help centre to another), margin, coverage. */
export function confidenceFeatures(score: number, otherScore: number, coverage: number): [score: number, margin: number, coverage: number] {
  const log = Math.log1p(Math.max(0, score));
  return [log, log - Math.log1p(Math.max(0, otherScore)), coverage];
}

/** `otherScore`: the best other article's score (for the best article, the runner-up's). */
export function confidenceOf(calibration: RetrievalCalibration, score: number, otherScore: number, coverage: number): number {
  const [log, margin, covered] = confidenceFeatures(score, otherScore, coverage);
  const z = calibration.bias + calibration.score * log + calibration.margin * margin + calibration.coverage * covered;
  return 1 / (1 + Math.exp(-z));
}

function dedupe(terms: Term[]): Term[] {
  const seen = new Set<string>();
  return terms.filter((term) => !seen.has(term.stem) && seen.add(term.stem));
}

/** `word stem:sim stem:sim` lines -> word -> [stem, similarity]. */
function parseNeighbours(text: string): Map<string, Array<[string, number]>> {
  const map = new Map<string, Array<[string, number]>>();
  for (const line of text.split('\n')) {
    const [word, ...pairs] = line.split(' ');
    if (!word || pairs.length === 0) continue;
    map.set(
      word,
      pairs.map((pair) => {
        const colon = pair.lastIndexOf(':');
        return [pair.slice(0, colon), Number(pair.slice(colon + 1)) / 100] as [string, number];
      }),
    );
  }
  return map;
}

export type { KnowledgeIndex };
