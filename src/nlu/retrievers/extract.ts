/**
 * The answer's words: the sentences of a passage that answer the question, not the whole article.
 * The passage's first sentence usually answers its heading (help articles are written that way), so
 * it is kept unless another sentence matches the question clearly better; at most three sentences,
 * in the passage's order, within a length a chat bubble reads well.
 */
import { plainText, termsOf, type Term } from './terms';

export const MAX_EXTRACT_CHARS = 360;
const MAX_SENTENCES = 3;

/** Splits Markdown into sentences and list items, keeping each one's Markdown (links, emphasis). */
export function sentencesOf(markdown: string): string[] {
  const sentences: string[] = [];
  for (const block of markdown.split(/\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)/)) {
    const line = block.replace(/\s*\n\s*/g, ' ').trim();
    if (!line) continue;
    // A full stop, question or exclamation mark, then a space and a capital, digit or mark, ends a
    // sentence, except inside a link's text: links are set aside while splitting.
    const links: string[] = [];
    const masked = line.replace(/!?\[[^\]]*\]\([^)]*\)/g, (link) => `\uE000${links.push(link) - 1}\uE000`);
    const parts = masked.split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}*_[(“"\uE000])/u);
    sentences.push(...parts.map((s) => s.replace(/\uE000(\d+)\uE000/g, (_, i: string) => links[Number(i)]!).trim()).filter(Boolean));
  }
  return sentences;
}

export function extractAnswer(markdown: string, query: readonly Term[]): string {
  const sentences = sentencesOf(markdown);
  if (sentences.length === 0) return '';
  const wanted = new Set(query.map((term) => term.stem));
  const overlap = sentences.map((sentence) => {
    const stems = new Set(termsOf(plainText(sentence)).map((term) => term.stem));
    let shared = 0;
    for (const stem of wanted) if (stems.has(stem)) shared++;
    return shared;
  });
  const chosen = new Set<number>([0]);
  let best = 0;
  overlap.forEach((shared, i) => {
    if (shared > overlap[best]!) best = i;
  });
  if (best !== 0) chosen.add(best);
  // The sentence after the best one often finishes its thought ("You can also ...").
  if (chosen.size < MAX_SENTENCES && best + 1 < sentences.length && overlap[best + 1]! > 0) chosen.add(best + 1);
  let text = '';
  for (const i of [...chosen].sort((a, b) => a - b)) {
    const next = text ? `${text} ${sentences[i]}` : sentences[i]!;
    if (text && next.length > MAX_EXTRACT_CHARS) break;
    text = next;
  }
  // Never cut inside a sentence: a cut could split a link's Markdown.
  return text;
}
