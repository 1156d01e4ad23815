/**
 * Text helpers for code that runs in the host page's main thread, where the page's built-ins are
 * Parley's too: a page may have replaced String.prototype.trim (a broken polyfill that answers '' or
 * throws), so the widget never calls it and trims here instead. `\s` matches exactly the characters
 * that trim() removes (white space and line terminators).
 */
const SPACE = /\s/;
const NOT_SPACE = /\S/;

/** `text` without white space at either end, like `text.trim()` on an untouched page. */
export function trimText(text: string): string {
  const start = text.search(NOT_SPACE);
  if (start < 0) return '';
  let end = text.length;
  while (SPACE.test(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Empty or only white space. */
export function isBlank(text: string): boolean {
  return !NOT_SPACE.test(text);
}
