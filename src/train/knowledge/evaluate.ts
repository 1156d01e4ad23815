/**
 * `parley eval --knowledge`: an FAQ data set indexed as articles (entries that share a question are
 * the passages of one article, as the sections of a help-centre article are), scored on labelled
 * queries. A query without an answer (`faq_ids: []`) is right when the retriever declines it.
 */
import { readFileSync } from 'node:fs';
import { brotliCompressSync } from 'node:zlib';
import * as v from 'valibot';
import { createArticleRetriever } from '../../nlu/retrievers/article-retriever';
import type { IndexedArticle } from '../../nlu/retrievers/index-format';
import { DataFileError } from '../examples';
import type { WordVectors } from '../word-vectors';
import { buildKnowledgeIndex } from './build-index';

const FaqSchema = v.object({ id: v.string(), question: v.pipe(v.string(), v.minLength(1)), answer: v.pipe(v.string(), v.minLength(1)) });
const QuerySchema = v.object({ text: v.string(), faq_ids: v.array(v.string()) });
export type FaqEntry = v.InferOutput<typeof FaqSchema>;
export type LabelledQuery = v.InferOutput<typeof QuerySchema>;

export function readFaqFile<T>(file: string, schema: 'faq' | 'queries'): T[] {
  const rows: T[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!line.trim()) return;
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch (error) {
        throw new DataFileError(`${file}:${index + 1}: not JSON (${(error as Error).message})`);
      }
      const parsed = v.safeParse(schema === 'faq' ? FaqSchema : QuerySchema, data);
      if (!parsed.success) throw new DataFileError(`${file}:${index + 1}: ${parsed.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`).join('; ')}`);
      rows.push(parsed.output as T);
    });
  if (rows.length === 0) throw new DataFileError(`${file} has no rows`);
  return rows;
}

export interface KnowledgeEvalReport {
  articles: number;
  passages: number;
  queries: number;
  answerable: number;
  top1_accuracy: number;
  recall_at_3: number;
  mrr: number;
  /** Share of the queries without an answer that were declined; null when there are none. */
  no_answer_declined: number | null;
  /** Answered with a right entry, or rightly declined. */
  overall_accuracy: number;
  parse_ms_p50: number;
  parse_ms_p95: number;
  /** The index as bot.json carries it, and brotli-compressed as a server sends it. */
  index_bytes: number;
  index_bytes_brotli: number;
  train_seconds: number;
  thresholds: { answer: number; clarify: number };
  /** On the pseudo-queries training tuned on. */
  tuning: { queries: number; top1: number; recallAt3: number; mrr: number; negatives: number };
  worst: Array<{ text: string; expected: string[]; got: string | null; confidence: number }>;
}

export function runKnowledgeEvaluation(options: { faq: readonly FaqEntry[]; queries: readonly LabelledQuery[]; trainQueries?: readonly LabelledQuery[]; wordVectors: WordVectors; seed?: number }): KnowledgeEvalReport {
  const byQuestion = new Map<string, IndexedArticle & { ids: string[] }>();
  for (const entry of options.faq) {
    let article = byQuestion.get(entry.question);
    if (!article) byQuestion.set(entry.question, (article = { id: entry.id, title: entry.question, url: null, tags: [], questions: [], offerPerson: false, passages: [], ids: [] }));
    article.passages.push({ heading: null, text: entry.answer });
    article.ids.push(entry.id);
  }
  const grouped = [...byQuestion.values()];
  const articleOf = new Map<string, number>();
  grouped.forEach((article, i) => article.ids.forEach((id) => articleOf.set(id, i)));
  // Reviewed visitor questions become the articles' expected questions.
  for (const query of options.trainQueries ?? []) {
    const target = query.faq_ids.map((id) => articleOf.get(id)).find((i) => i !== undefined);
    if (target !== undefined) grouped[target]!.questions.push(query.text);
  }
  const articles: IndexedArticle[] = grouped.map(({ ids: _ids, ...article }) => article);
  const built = buildKnowledgeIndex({ articles, wordVectors: options.wordVectors, ...(options.seed !== undefined && { seed: options.seed }) });
  const { index } = built;
  const retriever = createArticleRetriever(index, index.weights, index.calibration);
  const idsOf = new Map(grouped.map((article) => [article.id, article.ids]));

  let top1 = 0;
  let recall = 0;
  let mrr = 0;
  let answerable = 0;
  let declined = 0;
  let overall = 0;
  const times: number[] = [];
  const worst: KnowledgeEvalReport['worst'] = [];
  for (const query of options.queries) {
    const started = performance.now();
    const hits = retriever.retrieve(query.text, 10);
    times.push(performance.now() - started);
    const answered = (hits[0]?.confidence ?? 0) >= index.decision.answer;
    if (query.faq_ids.length === 0) {
      if (!answered) {
        declined++;
        overall++;
      } else worst.push({ text: query.text, expected: [], got: hits[0]!.id, confidence: hits[0]!.confidence });
      continue;
    }
    answerable++;
    const position = hits.findIndex((hit) => (idsOf.get(hit.id) ?? []).some((id) => query.faq_ids.includes(id)));
    if (position === 0) {
      top1++;
      if (answered) overall++;
    } else worst.push({ text: query.text, expected: query.faq_ids.slice(0, 3), got: hits[0]?.id ?? null, confidence: hits[0]?.confidence ?? 0 });
    if (position >= 0 && position < 3) recall++;
    if (position >= 0) mrr += 1 / (position + 1);
  }
  times.sort((a, b) => a - b);
  const quantile = (q: number) => Math.round((times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0) * 1000) / 1000;
  const round = (x: number) => Math.round(x * 10000) / 10000;
  const noAnswer = options.queries.length - answerable;
  const json = JSON.stringify(index);
  return {
    articles: articles.length,
    passages: articles.reduce((sum, a) => sum + a.passages.length, 0),
    queries: options.queries.length,
    answerable,
    top1_accuracy: round(top1 / Math.max(1, answerable)),
    recall_at_3: round(recall / Math.max(1, answerable)),
    mrr: round(mrr / Math.max(1, answerable)),
    no_answer_declined: noAnswer > 0 ? round(declined / noAnswer) : null,
    overall_accuracy: round(overall / Math.max(1, options.queries.length)),
    parse_ms_p50: quantile(0.5),
    parse_ms_p95: quantile(0.95),
    index_bytes: Buffer.byteLength(json),
    index_bytes_brotli: brotliCompressSync(json).length,
    train_seconds: Math.round(built.seconds * 10) / 10,
    thresholds: { answer: index.decision.answer, clarify: index.decision.clarify },
    tuning: built.tuned.figures,
    worst: worst.sort((a, b) => b.confidence - a.confidence).slice(0, 25),
  };
}
