/**
 * Bot text supports a safe markdown subset: bold, italic, links (new tab, rel=noopener) and lists.
 * snarkdown turns markdown into HTML; DOMPurify then keeps only the tags and URLs allowed here.
 */
import createDOMPurify from 'dompurify';
import snarkdown from 'snarkdown';

const ALLOWED_TAGS = ['strong', 'em', 'b', 'i', 'a', 'ul', 'ol', 'li', 'br', 'p', 'code'];
const ALLOWED_ATTR = ['href'];
const SAFE_URL = /^(?:https?:|mailto:|tel:|\/|#)/i;

export type MarkdownRenderer = (markdown: string) => string;

export function createMarkdownRenderer(window: Window & typeof globalThis): MarkdownRenderer {
  const purify = createDOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  return (markdown) =>
    purify.sanitize(snarkdown(markdown), {
      ALLOWED_TAGS,
      ALLOWED_ATTR,
      ALLOWED_URI_REGEXP: SAFE_URL,
      // target/rel are added by the hook after filtering, so they survive.
      ADD_ATTR: ['target', 'rel'],
    });
}
