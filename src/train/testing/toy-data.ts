/** Small, fast stand-ins for tests: word vectors without the 300 MB package, and a toy support bot. */
import type { Example } from '../examples';
import { seededRandom } from '../random';
import type { WordVectors } from '../word-vectors';

/** Random unit vectors for a fixed list of words (deterministic). */
export function fakeWordVectors(words: readonly string[], dimensions = 8): WordVectors {
  const random = seededRandom(7);
  const table = new Map<string, Float32Array>();
  for (const word of words) {
    const vector = Float32Array.from({ length: dimensions }, () => random() - 0.5);
    const norm = Math.hypot(...vector);
    table.set(word, vector.map((v) => v / norm));
  }
  return { dimensions, vector: (word) => table.get(word), frequentWords: (count) => words.slice(0, count) };
}

const ORDER_TEMPLATES = ['where is my order {id}', 'track order {id}', 'status of {id} please', 'has {id} shipped', 'order {id} is late'];
const REFUND_TEMPLATES = ['i want a refund', 'refund my money', 'can i get my money back', 'give me a refund please', 'return and refund'];
const HOURS_TEMPLATES = ['when are you open', 'opening hours', 'what time do you close', 'are you open on sunday', 'business hours please'];

/** Three intents, one entity type (order_id), `perIntent` examples each. */
export function toySupportExamples(perIntent = 10): Example[] {
  const examples: Example[] = [];
  for (let i = 0; i < perIntent; i++) {
    const id = `${'ABCDEFGHKM'[i % 10]}${(13579 + i * 7919) % 90000 + 10000}`;
    const template = ORDER_TEMPLATES[i % ORDER_TEMPLATES.length]!;
    const start = template.indexOf('{id}');
    examples.push({ text: template.replace('{id}', id), intent: 'order_status', entities: [{ entity: 'order_id', start, end: start + id.length, value: id }] });
    examples.push({ text: REFUND_TEMPLATES[i % REFUND_TEMPLATES.length]! + (i >= 5 ? ' now' : ''), intent: 'refund', entities: [] });
    examples.push({ text: HOURS_TEMPLATES[i % HOURS_TEMPLATES.length]! + (i >= 5 ? ' today' : ''), intent: 'hours', entities: [] });
  }
  return examples;
}

export const TOY_WORDS = ['where', 'is', 'my', 'order', 'track', 'refund', 'money', 'open', 'hours', 'time', 'please', 'the', 'a'];
