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

// English clitics become tokens of their own, as in the pretrained vectors' vocabulary:
// "miyazaki's" -> "miyazaki" "'s", "don't" -> "do" "n't".
const CLITIC = /(?:n['’]t|['’](?:s|re|ve|ll|d|m))$/i;

/** Splits text into tokens; stops after `limit` tokens so huge input costs no more than a long one. */
export function tokenize(text: string, limit = Number.POSITIVE_INFINITY): Token[] {
  const tokens: Token[] = [];
  const push = (raw: string, start: number) => {
    const norm = normaliseToken(raw);
    if (norm !== '' && tokens.length < limit) tokens.push({ norm, start, end: start + raw.length });
  };
  for (const match of text.matchAll(TOKEN)) {
    if (tokens.length >= limit) break;
    const clitic = CLITIC.exec(match[0]);
    if (clitic && clitic.index > 0) {
      push(match[0].slice(0, clitic.index), match.index);
      push(clitic[0], match.index + clitic.index);
    } else push(match[0], match.index);
  }
  return tokens;
}

/** The shape of a token as typed: capitals carry meaning (names, titles) that lower-casing drops. */
export function tokenShape(raw: string): string {
  if (/^\p{Lu}+$/u.test(raw)) return raw.length > 1 ? 'X' : 'Xx';
  if (/^\p{Lu}[\p{Ll}\p{M}'’]+$/u.test(raw)) return 'Xx';
  if (/^[\p{Ll}\p{M}'’]+$/u.test(raw)) return 'x';
  if (/^\p{N}+$/u.test(raw)) return 'd';
  if (/\p{N}/u.test(raw) && /\p{L}/u.test(raw)) return 'dx';
  return 'o';
}
