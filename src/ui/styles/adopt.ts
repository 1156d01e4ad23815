/**
 * Styles go into the shadow root as constructed stylesheets: they need no `<style>` element, so a
 * page's strict Content-Security-Policy (no 'unsafe-inline' in style-src) does not block them.
 */
export function adoptStyles(root: ShadowRoot, cssTexts: readonly string[]): void {
  const sheets = cssTexts.map((css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    return sheet;
  });
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...sheets];
}
