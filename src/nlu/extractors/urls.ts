/**
 * Web addresses: with a scheme ("https://acme.com/help?x=1"), starting with "www.", or a bare domain
 * whose last label is a common top-level domain ("acme.co.uk/returns"). Bare domains need that list
 * because "it.It" (a missing space) or "invoice.pdf" must not become links. Not: other schemes
 * (ftp:, mailto:), IP addresses without a scheme, the domain of an email address. The value is the
 * URL normalised by the URL parser, with "https://" added when the text had no scheme.
 */
import { extractorDefaults } from './defaults';
import { searchableText } from './text';
import type { ExtractedEntity, Extractor } from './types';

/** Top-level domains that are not also short English words ("it", "in", "no", "me", ...). */
const BARE_TOP_LEVEL = [
  'com', 'org', 'net', 'edu', 'gov', 'info', 'biz', 'io', 'co', 'ai', 'app', 'dev', 'shop', 'store', 'online', 'site', 'tech',
  'uk', 'ie', 'de', 'fr', 'es', 'nl', 'ch', 'se', 'dk', 'fi', 'pl', 'pt', 'cz', 'eu', 'ca', 'au', 'nz', 'jp', 'cn', 'br', 'mx', 'ru',
];

/** Runs of characters a URL can be part of (whitespace, quotes and angle brackets end it). */
const RUN = /[^\s<>"'`]+/gu;
const SCHEME_OR_WWW = /(?:https?:\/\/|www\.)/iu;
const LABEL = String.raw`[\p{L}\p{N}]+(?:-+[\p{L}\p{N}]+)*`;
const BARE = new RegExp(String.raw`^(?:${LABEL}\.)+(?:${BARE_TOP_LEVEL.join('|')})(?::\d{2,5})?(?:[/?#].*)?$`, 'iu');
const TRAILING = /[.,;:!?'"\])}»…]$/u;

export function createUrlExtractor(): Extractor {
  return {
    name: 'urls',
    extract(text) {
      const found: ExtractedEntity[] = [];
      for (const run of searchableText(text).matchAll(RUN)) {
        if (run[0].length > extractorDefaults.urls.maxLength) continue;
        const candidate = findCandidate(run[0]);
        if (!candidate) continue;
        const href = normalise(candidate.text, candidate.hasScheme);
        if (!href) continue;
        const start = run.index + candidate.offset;
        const end = start + candidate.text.length;
        found.push({
          entity: 'url',
          value: href,
          text: text.slice(start, end),
          start,
          end,
          confidence: extractorDefaults.confidence.url,
          extractor: 'urls',
        });
        if (found.length >= extractorDefaults.maxEntitiesPerExtractor) break;
      }
      return found;
    },
  };
}

function findCandidate(run: string): { text: string; offset: number; hasScheme: boolean } | undefined {
  const scheme = SCHEME_OR_WWW.exec(run);
  if (scheme) {
    // "xwww.acme.com" or "foo.www.acme.com" is not the start of an address.
    if (scheme.index > 0 && /[\p{L}\p{N}.@_-]/u.test(run[scheme.index - 1]!)) return undefined;
    const text = trimTrailing(run.slice(scheme.index));
    return { text, offset: scheme.index, hasScheme: /^https?:/i.test(text) };
  }
  if (run.includes('@')) return undefined; // an email address's domain is the email's
  const offset = run.search(/[\p{L}\p{N}]/u);
  if (offset === -1) return undefined;
  const text = trimTrailing(run.slice(offset));
  return BARE.test(text) ? { text, offset, hasScheme: false } : undefined;
}

/** Drops sentence punctuation after an address, but keeps a ")" that closes a "(" inside it. */
function trimTrailing(candidate: string): string {
  let text = candidate;
  while (TRAILING.test(text)) {
    const last = text[text.length - 1];
    if (last === ')' && count(text, '(') >= count(text, ')')) break;
    text = text.slice(0, -1);
  }
  return text;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function normalise(candidate: string, hasScheme: boolean): string | undefined {
  try {
    const url = new URL(hasScheme ? candidate : `https://${candidate}`);
    // "https://" alone or "https://localhost" is not an address someone meant to share.
    return url.hostname.includes('.') && !url.hostname.startsWith('.') && !url.hostname.endsWith('.') ? url.href : undefined;
  } catch {
    return undefined;
  }
}
