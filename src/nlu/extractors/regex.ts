/**
 * Entities the bot defines with regular expressions. Patterns are checked when the extractor is
 * created, so a broken bot fails when it loads, with the entity named, not on a visitor's message.
 */
import { extractorDefaults } from './defaults';
import { searchableText } from './text';
import type { ExtractedEntity, Extractor, RegexEntityDefinition } from './types';

const ALLOWED_FLAGS = /^[imsuvg]*$/;

interface CompiledPattern {
  entity: string;
  regex: RegExp;
}

export function createRegexExtractor(definitions: readonly RegexEntityDefinition[]): Extractor {
  const patterns = definitions.map(compile);
  return {
    name: 'regex',
    extract(text) {
      const searched = searchableText(text);
      const found: ExtractedEntity[] = [];
      for (const { entity, regex } of patterns) {
        // The limit counts per pattern, so one pattern that matches everywhere cannot hide the others.
        let matches = 0;
        for (const match of searched.matchAll(regex)) {
          if (matches >= extractorDefaults.maxEntitiesPerExtractor) break;
          // A pattern that can match nothing (\d*) matches everywhere; only real spans count.
          if (match[0] === '') continue;
          matches += 1;
          found.push({
            entity,
            value: match[0],
            text: match[0],
            start: match.index,
            end: match.index + match[0].length,
            confidence: extractorDefaults.confidence.regex,
            extractor: 'regex',
          });
        }
      }
      return found;
    },
  };
}

function compile({ entity, pattern, flags = '' }: RegexEntityDefinition, index: number): CompiledPattern {
  const where = entity ? `Regex entity "${entity}"` : `Regex entity #${index + 1}`;
  if (!entity) throw new Error(`${where}: the entity needs a name.`);
  if (!ALLOWED_FLAGS.test(flags)) {
    throw new Error(`${where}: flags "${flags}" are not supported; use any of "i", "m", "s", "u", "v".`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags.includes('g') ? flags : `${flags}g`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${where}: the pattern /${pattern}/ is not a valid regular expression (${reason}).`, { cause: error });
  }
  const nested = nestedRepetition(pattern);
  if (nested !== undefined) {
    throw new Error(
      `${where}: the pattern repeats a group that itself repeats (${nested}), which can freeze the ` +
        'browser on some messages. Repeat the inner part only, e.g. (?:ab)+ or [a-z ]+ instead of (?:a+b?)+.',
    );
  }
  return { entity, regex };
}

/**
 * The first group that is repeated without bound while something inside it also repeats without
 * bound and nothing fixed separates one round from the next, like (a+)+ or (\w+\s?)*: the shape
 * behind catastrophic backtracking. (?:-\d+)* or ([a-z]+\.)+ pass, since "-" and "." mark each
 * round. A syntactic check of a pattern the RegExp constructor has accepted; it catches the common
 * shapes, not all, and the text length cap bounds the rest.
 */
export function nestedRepetition(pattern: string): string | undefined {
  // Per open group: whether something inside repeats without bound, and whether it has a fixed
  // character that every round must consume (a separator).
  const frames: Frame[] = [{ start: 0, unbounded: false, fixed: false, alternation: false, lookaround: false }];
  // The atom just read, waiting to see whether a quantifier follows it.
  let pending: Part | undefined;
  const add = (part: Part) => {
    const frame = frames[frames.length - 1]!;
    frame.unbounded ||= part.unbounded;
    frame.fixed ||= part.fixed;
  };
  let i = 0;
  while (i < pattern.length) {
    const quantifier = readQuantifier(pattern, i);
    if (quantifier) {
      if (pending?.unbounded && !pending.fixed && quantifier.unbounded) return pattern.slice(pending.start, quantifier.end);
      if (pending) {
        add({
          start: pending.start,
          unbounded: pending.unbounded || quantifier.unbounded,
          fixed: pending.fixed && quantifier.min >= 1 && !quantifier.unbounded,
        });
      }
      pending = undefined;
      i = quantifier.end;
      continue;
    }
    if (pending) add(pending);
    pending = undefined;
    const char = pattern[i]!;
    if (char === '(') {
      const end = skipGroupPrefix(pattern, i + 1);
      const lookaround = /^\(\?<?[=!]/.test(pattern.slice(i, end));
      frames.push({ start: i, unbounded: false, fixed: false, alternation: false, lookaround });
      i = end;
    } else if (char === ')') {
      const frame = frames.length > 1 ? frames.pop()! : frames[0]!;
      // A lookaround consumes nothing; an alternation has a fixed part only if every branch does,
      // which this check does not follow, so it assumes not.
      pending = {
        start: frame.start,
        unbounded: !frame.lookaround && frame.unbounded,
        fixed: !frame.lookaround && !frame.alternation && frame.fixed,
      };
      i += 1;
    } else if (char === '|') {
      frames[frames.length - 1]!.alternation = true;
      i += 1;
    } else if (char === '\\') {
      const end = skipEscape(pattern, i);
      pending = { start: i, unbounded: false, fixed: !/^\\[bB]$/.test(pattern.slice(i, end)) };
      i = end;
    } else if (char === '[') {
      const end = skipClass(pattern, i);
      pending = { start: i, unbounded: false, fixed: true };
      i = end;
    } else {
      pending = { start: i, unbounded: false, fixed: char !== '^' && char !== '$' };
      i += 1;
    }
  }
  return undefined;
}

interface Part {
  start: number;
  unbounded: boolean;
  fixed: boolean;
}

interface Frame extends Part {
  alternation: boolean;
  lookaround: boolean;
}

function skipEscape(pattern: string, i: number): number {
  const next = pattern[i + 1];
  // \p{...}, \u{...} and \k<name> carry a body; other escapes are one character after the backslash.
  if ((next === 'p' || next === 'P' || next === 'u') && pattern[i + 2] === '{') {
    const close = pattern.indexOf('}', i + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  if (next === 'k' && pattern[i + 2] === '<') {
    const close = pattern.indexOf('>', i + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  return i + 2;
}

/** To just after the class's closing "]" (a "]" right after "[" or "[^" closes an empty class). */
function skipClass(pattern: string, i: number): number {
  for (let j = i + 1; j < pattern.length; j++) {
    if (pattern[j] === '\\') j += 1;
    else if (pattern[j] === ']') return j + 1;
  }
  return pattern.length;
}

function skipGroupPrefix(pattern: string, i: number): number {
  if (pattern[i] !== '?') return i;
  const prefix = /^\?(?:<=|<!|<[^>]*>|[:=!]|[ims-]+:)/.exec(pattern.slice(i, i + 64));
  return i + (prefix?.[0].length ?? 1);
}

function readQuantifier(pattern: string, i: number): { min: number; unbounded: boolean; end: number } | undefined {
  const char = pattern[i];
  let quantifier: { min: number; unbounded: boolean; end: number };
  if (char === '*' || char === '+' || char === '?') {
    quantifier = { min: char === '+' ? 1 : 0, unbounded: char !== '?', end: i + 1 };
  } else if (char === '{') {
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 32));
    if (!braces) return undefined; // a literal "{"
    quantifier = { min: Number(braces[1]), unbounded: braces[2] !== undefined && braces[3] === '', end: i + braces[0].length };
  } else {
    return undefined;
  }
  if (pattern[quantifier.end] === '?') quantifier.end += 1; // lazy: the same worst case
  return quantifier;
}
