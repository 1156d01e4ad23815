/**
 * Bot text supports a safe markdown subset: bold, italic, links (new tab, rel=noopener) and lists.
 * snarkdown turns markdown into HTML; a sanitiser then keeps only the tags and URLs allowed here: the
 * browser's own HTML Sanitizer (`Element.setHTML`) where it exists, else DOMPurify, fetched as a separate
 * chunk only by browsers that need it.
 */
import snarkdown from 'snarkdown';

export const ALLOWED_TAGS = ['strong', 'em', 'b', 'i', 'a', 'ul', 'ol', 'li', 'br', 'p', 'code'];
const SAFE_URL = /^(?:https?:|mailto:|tel:|\/|#)/i;

type Sanitize = (html: string, into: HTMLElement) => void;

export interface MarkdownRenderer {
  /** Renders `markdown` as sanitised HTML into `element` (plain text until a fallback sanitiser arrives). */
  render(markdown: string, element: HTMLElement): void;
}

interface NativeSanitizing {
  setHTML(html: string, options: { sanitizer: { elements: string[]; attributes: string[] } }): void;
}

/** Links open in a new tab without a handle on this page; only safe URL schemes survive. */
function fixLinks(element: HTMLElement): void {
  for (const link of element.querySelectorAll('a')) {
    const href = link.getAttribute('href') ?? '';
    if (!SAFE_URL.test(href)) link.removeAttribute('href');
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
  }
}

const nativeSanitize: Sanitize = (html, into) => {
  (into as unknown as NativeSanitizing).setHTML(html, { sanitizer: { elements: ALLOWED_TAGS, attributes: ['href'] } });
  fixLinks(into);
};

async function loadDomPurify(window: Window & typeof globalThis): Promise<Sanitize> {
  const { default: createDOMPurify } = await import('dompurify');
  const purify = createDOMPurify(window);
  return (html, into) => {
    into.innerHTML = purify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR: ['href'], ALLOWED_URI_REGEXP: SAFE_URL });
    fixLinks(into);
  };
}

/** CommonMark's backslash escapes (`\*`, `\-`, `\<`), which snarkdown does not know. */
const BACKSLASH_ESCAPE = /\\([!-/:-@[-`{-~])/g;

/**
 * Markdown to (unsanitised) HTML. An escaped character becomes a numeric character reference first, so
 * it shows as itself and is never read as markup: the engine escapes visitors' values this way.
 * Every `$` becomes one too: snarkdown puts a link's address in with a string replacement, which would
 * expand `$&` or `$'` in it (the link's tag or text again, inside the address).
 */
export function markdownToHtml(markdown: string): string {
  const escaped = markdown.replace(BACKSLASH_ESCAPE, (_, char: string) => `&#${char.charCodeAt(0)};`).replace(/\$/g, '&#36;');
  return snarkdown(escaped);
}

export function createMarkdownRenderer(window: Window & typeof globalThis): MarkdownRenderer {
  const hasNative = typeof (window.Element.prototype as Partial<NativeSanitizing>).setHTML === 'function';
  let fallback: Promise<Sanitize> | undefined;
  if (!hasNative) fallback = loadDomPurify(window);
  return {
    render(markdown, element) {
      const html = markdownToHtml(markdown);
      if (hasNative) return nativeSanitize(html, element);
      element.textContent = markdown;
      void fallback!.then((sanitize) => {
        // The element may show another message by now (re-rendered); only fill it if not.
        if (element.textContent === markdown) sanitize(html, element);
      });
    },
  };
}
