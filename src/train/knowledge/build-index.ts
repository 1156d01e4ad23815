/**
 * `parley train`'s knowledge step: articles -> the bundle's knowledge index (passages, neighbours,
 * learned weights, calibration and thresholds). Node only: it reads the pretrained vectors.
 */
import { termsOf } from '../../nlu/retrievers/terms';
import { KNOWLEDGE_FORMAT, type IndexedArticle, type KnowledgeIndex } from '../../nlu/retrievers/index-format';
import type { WordVectors } from '../word-vectors';
import { buildNeighbours, NEIGHBOUR_DEFAULTS, type NeighbourOptions } from './neighbours';
import { tuneRetrieval, type TuneResult } from './tune';

export interface BuiltKnowledge {
  index: KnowledgeIndex;
  tuned: TuneResult;
  seconds: number;
}

export function buildKnowledgeIndex(options: {
  articles: readonly IndexedArticle[];
  wordVectors: WordVectors;
  /** One-word synonyms of the bot's lookups (visitor word -> canonical word). */
  synonyms?: Readonly<Record<string, string>>;
  neighbours?: NeighbourOptions;
  seed?: number;
}): BuiltKnowledge {
  const started = performance.now();
  const synonyms = options.synonyms ?? {};
  const words = options.articles.flatMap((article) => termsOf([article.title, ...article.tags, ...article.questions, ...article.passages.flatMap((p) => [p.heading ?? '', p.text])].join('\n'), new Map(Object.entries(synonyms))).map((t) => t.word));
  const neighbours = buildNeighbours(words, options.wordVectors, options.neighbours ?? NEIGHBOUR_DEFAULTS);
  const tuned = tuneRetrieval({ articles: options.articles, neighbours, synonyms, commonWords: options.wordVectors.frequentWords(NEIGHBOUR_DEFAULTS.candidates), ...(options.seed !== undefined && { seed: options.seed }) });
  const index: KnowledgeIndex = {
    format: KNOWLEDGE_FORMAT,
    articles: [...options.articles],
    neighbours,
    synonyms: { ...synonyms },
    weights: tuned.weights,
    calibration: tuned.calibration,
    decision: { answer: tuned.thresholds.answer, clarify: tuned.thresholds.clarify, intentMargin: 0 },
  };
  return { index, tuned, seconds: (performance.now() - started) / 1000 };
}

/** The one-word synonyms of a definition's lookup entities, normalised like the retriever's words. */
export function lookupSynonyms(entities: Record<string, { lookup?: Array<{ value: string; synonyms?: string[] }> } | null> | undefined): Record<string, string> {
  const synonyms: Record<string, string> = {};
  for (const entity of Object.values(entities ?? {})) {
    for (const { value, synonyms: list } of entity?.lookup ?? []) {
      const canonical = termsOf(value).map((t) => t.word).join(' ');
      for (const synonym of list ?? []) {
        const words = termsOf(synonym).map((t) => t.word);
        if (words.length === 1 && canonical && words[0] !== canonical) synonyms[words[0]!] = canonical;
      }
    }
  }
  return synonyms;
}
