/**
 * The knowledge part of a bot bundle (`bot.json` -> `knowledge`): the help articles split into
 * passages, and what `parley train` learned about them. The bundle holds the passages' text (the
 * answers quote it, so it ships anyway) and no posting lists: the worker counts terms when it loads,
 * a few milliseconds for hundreds of passages, which keeps the index about half the size.
 */
import * as v from 'valibot';

export const KNOWLEDGE_FORMAT = 1;

const finite = v.pipe(v.number(), v.finite());
const probability = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

const PassageSchema = v.object({
  /** The section's heading, null for the text before the first heading. */
  heading: v.nullable(v.string()),
  /** The section as Markdown (links kept): what an answer quotes. */
  text: v.string(),
});

const ArticleSchema = v.object({
  id: v.string(),
  title: v.string(),
  url: v.nullable(v.string()),
  tags: v.array(v.string()),
  /** The author's `questions:` and reviewed visitor questions. */
  questions: v.array(v.string()),
  /** Answers about money, access, privacy or policy: offer a person beside the answer. */
  offerPerson: v.boolean(),
  passages: v.pipe(v.array(PassageSchema), v.minLength(1)),
});

/** How a passage's score is put together: learned at `parley train` on held-out questions. */
const WeightsSchema = v.object({
  title: finite,
  body: finite,
  prefix: finite,
  soft: finite,
  question: finite,
  /** The least cosine similarity at which two different words count as a match. */
  softFloor: probability,
  k1: v.pipe(v.number(), v.minValue(0)),
  b: probability,
});

/** Confidence that the best article answers: a logistic model over the score, its margin and coverage. */
const CalibrationSchema = v.object({
  bias: finite,
  score: finite,
  margin: finite,
  coverage: finite,
});

/** When the bot answers from an article, offers articles as choices, or lets a flow's intent win. */
const DecisionSchema = v.object({
  /** Answer from the best article at this confidence or more. */
  answer: probability,
  /** Offer the top articles as choices at this confidence or more (below `answer`). */
  clarify: probability,
  /** A flow's or rule's intent beats an answering article unless the article's confidence is higher by this much. */
  intentMargin: v.pipe(v.number(), v.minValue(-1), v.maxValue(1)),
});

export const KnowledgeIndexSchema = v.object({
  format: v.literal(KNOWLEDGE_FORMAT),
  articles: v.array(ArticleSchema),
  /**
   * Pretrained-vector neighbours of the index's words, one line per word the visitor may type:
   * `word stem:similarity stem:similarity ...`, similarities in hundredths. Words the articles do not
   * use still find the ones they do ("cost" -> "price").
   */
  neighbours: v.string(),
  /** One-word synonyms from the bot's lookups: visitor word -> canonical word. */
  synonyms: v.record(v.string(), v.string()),
  weights: WeightsSchema,
  calibration: CalibrationSchema,
  decision: DecisionSchema,
});

export type KnowledgeIndex = v.InferOutput<typeof KnowledgeIndexSchema>;
export type IndexedArticle = KnowledgeIndex['articles'][number];
export type RetrievalWeights = KnowledgeIndex['weights'];
export type RetrievalCalibration = KnowledgeIndex['calibration'];
export type KnowledgeDecision = KnowledgeIndex['decision'];

export function parseKnowledgeIndex(data: unknown, source: string): { ok: true; value: KnowledgeIndex } | { ok: false; problems: string[] } {
  const result = v.safeParse(KnowledgeIndexSchema, data);
  if (!result.success) return { ok: false, problems: result.issues.map((issue) => `${source}: ${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`) };
  return { ok: true, value: result.output };
}
