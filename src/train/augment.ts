/**
 * Training-data augmentation, offsets always kept right: copies with a realistic typo outside entity
 * spans, and copies whose entity values are swapped for other values of the same entity (so the model
 * learns the context of an entity, not a list of the values it has seen).
 */
import type { EntitySpan, Example } from './examples';
import type { Random } from './random';

const KEYBOARD_NEIGHBOURS: Record<string, string> = {
  a: 'qwsz', b: 'vghn', c: 'xdfv', d: 'serfcx', e: 'wsdr', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', i: 'ujko', j: 'huikmn',
  k: 'jiolm', l: 'kop', m: 'njk', n: 'bhjm', o: 'iklp', p: 'ol', q: 'wa', r: 'edft', s: 'awedxz', t: 'rfgy', u: 'yhji',
  v: 'cfgb', w: 'qase', x: 'zsdc', y: 'tghu', z: 'asx',
};

/** A typo at `position`: a dropped, doubled, swapped or neighbouring-key letter. Returns the length change. */
function typo(text: string, position: number, random: Random): { text: string; delta: number } {
  const kind = Math.floor(random() * 4);
  const char = text[position]!;
  if (kind === 0) return { text: text.slice(0, position) + text.slice(position + 1), delta: -1 };
  if (kind === 1) return { text: text.slice(0, position) + char + text.slice(position), delta: 1 };
  if (kind === 2 && /[a-z]/i.test(text[position + 1] ?? '')) {
    return { text: text.slice(0, position) + text[position + 1] + char + text.slice(position + 2), delta: 0 };
  }
  const neighbours = KEYBOARD_NEIGHBOURS[char.toLowerCase()] ?? char;
  const replacement = neighbours[Math.floor(random() * neighbours.length)]!;
  return { text: text.slice(0, position) + replacement + text.slice(position + 1), delta: 0 };
}

export function addTypos(examples: readonly Example[], rate: number, random: Random): Example[] {
  const copies: Example[] = [];
  for (const example of examples) {
    if (random() >= rate) continue;
    // Letters inside words of 4+ letters, outside every entity span.
    const candidates: number[] = [];
    for (const match of example.text.matchAll(/\p{L}{4,}/gu)) {
      for (let i = match.index + 1; i < match.index + match[0].length; i++) {
        if (!example.entities.some((e) => i >= e.start && i < e.end)) candidates.push(i);
      }
    }
    if (candidates.length === 0) continue;
    const position = candidates[Math.floor(random() * candidates.length)]!;
    const changed = typo(example.text, position, random);
    copies.push({
      text: changed.text,
      intent: example.intent,
      entities: example.entities.map((e) =>
        e.start > position ? { ...e, start: e.start + changed.delta, end: e.end + changed.delta } : e,
      ),
    });
  }
  return copies;
}

/** The distinct values (as typed, with their canonical value) of each entity in the examples. */
function valuesByEntity(examples: readonly Example[]): Map<string, Array<{ surface: string; value: string }>> {
  const byEntity = new Map<string, Map<string, string>>();
  for (const example of examples) {
    for (const span of example.entities) {
      const surface = example.text.slice(span.start, span.end);
      if (!byEntity.has(span.entity)) byEntity.set(span.entity, new Map());
      byEntity.get(span.entity)!.set(surface, span.value);
    }
  }
  return new Map([...byEntity].map(([entity, values]) => [entity, [...values].map(([surface, value]) => ({ surface, value }))]));
}

export function swapEntityValues(examples: readonly Example[], rate: number, random: Random): Example[] {
  const pools = valuesByEntity(examples);
  const copies: Example[] = [];
  for (const example of examples) {
    if (example.entities.length === 0 || random() >= rate) continue;
    const ordered = [...example.entities].sort((a, b) => a.start - b.start);
    if (ordered.some((span, i) => i > 0 && span.start < ordered[i - 1]!.end)) continue; // overlapping spans: leave as is
    let text = '';
    let cursor = 0;
    let changed = false;
    const entities: EntitySpan[] = [];
    for (const span of ordered) {
      const pool = pools.get(span.entity)!;
      const pick = pool[Math.floor(random() * pool.length)]!;
      const original = example.text.slice(span.start, span.end);
      changed ||= pick.surface !== original;
      text += example.text.slice(cursor, span.start);
      entities.push({ entity: span.entity, start: text.length, end: text.length + pick.surface.length, value: pick.value });
      text += pick.surface;
      cursor = span.end;
    }
    if (changed) copies.push({ text: text + example.text.slice(cursor), intent: example.intent, entities });
  }
  return copies;
}
