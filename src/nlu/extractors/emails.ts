/**
 * Email addresses as people type them: "jane.doe@example.com", "o.brien+orders@sub.example.co.uk",
 * international letters included. Not quoted local parts, IP-address domains or comments: the
 * RFC allows them, people do not write them in a chat. The value has its domain in lower case.
 */
import { extractorDefaults } from './defaults';
import { searchableText } from './text';
import type { ExtractedEntity, Extractor } from './types';

const LOCAL_CHAR = /[\p{L}\p{N}._%+-]/u;
const DOMAIN_CHAR = /[\p{L}\p{N}.-]/u;
const LABEL = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)$/u;
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

export function createEmailExtractor(): Extractor {
  return {
    name: 'emails',
    extract(text) {
      const searched = searchableText(text);
      const found: ExtractedEntity[] = [];
      // From each "@", walk out over the characters an address can hold: linear, whatever the text.
      for (let at = searched.indexOf('@'); at !== -1; at = searched.indexOf('@', at + 1)) {
        let start = at;
        while (start > 0 && LOCAL_CHAR.test(searched[start - 1]!)) start--;
        let end = at + 1;
        while (end < searched.length && DOMAIN_CHAR.test(searched[end]!)) end++;
        // Sentence punctuation around an address is not part of it.
        while (searched[start] === '.') start++;
        while (end > at + 1 && /[.-]/.test(searched[end - 1]!)) end--;
        const local = searched.slice(start, at);
        const domain = searched.slice(at + 1, end);
        if (!validLocal(local) || !validDomain(domain)) continue;
        found.push({
          entity: 'email',
          value: `${local}@${domain.toLowerCase()}`,
          text: searched.slice(start, end),
          start,
          end,
          confidence: extractorDefaults.confidence.email,
          extractor: 'emails',
        });
        if (found.length >= extractorDefaults.maxEntitiesPerExtractor) break;
      }
      return found;
    },
  };
}

function validLocal(local: string): boolean {
  return local.length > 0 && local.length <= 64 && !local.endsWith('.') && !local.includes('..');
}

function validDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label)) && TOP_LEVEL.test(labels[labels.length - 1]!);
}
