/**
 * Tokenisation that keeps character offsets into the ORIGINAL text: entities are spans of what the
 * visitor typed, whatever normalisation does to the token text.
 */
export interface Token {
  /** Normalised form used for features: NFKC, lower case, no zero-width characters, ’ -> '. */
  norm: string;
  /** End-exclusive UTF-16 offsets into the original text. */
  start: number;
  end: number;
}

// A word is letters, marks and digits, possibly joined by apostrophes or zero-width characters;
// any other visible character (punctuation, symbol, emoji) is a token of its own.
const TOKEN = /[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\p{Cf}]|['’](?=[\p{L}\p{N}]))*|\p{Extended_Pictographic}(?:\p{Cf}|\p{M}|\p{Emoji_Modifier}|\p{Extended_Pictographic})*|[^\s\p{L}\p{M}\p{N}\p{Cf}\p{Cc}]/gu;

export function normaliseToken(raw: string): string {
  return raw.normalize('NFKC').toLowerCase().replace(/\p{Cf}/gu, '').replace(/’/g, "'");
}

/** Splits text into tokens; stops after `limit` tokens so huge input costs no more than a long one. */
export function tokenize(text: string, limit = Number.POSITIVE_INFINITY): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    if (tokens.length >= limit) break;
    const norm = normaliseToken(match[0]);
    if (norm === '') continue;
    tokens.push({ norm, start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}
