// @vitest-environment jsdom
// jsdom has no Element.setHTML, so this covers the DOMPurify fallback; the e2e tests cover Chromium's own.
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../dialogue/responses';
import { createMarkdownRenderer } from './markdown';

const renderer = createMarkdownRenderer(window);

async function render(markdown: string): Promise<HTMLElement> {
  const element = document.createElement('div');
  renderer.render(markdown, element);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the fallback sanitiser is imported lazily
  await expect.poll(() => element.textContent !== markdown || !/[*_[<]/.test(markdown)).toBe(true);
  return element;
}

describe('bot markdown (DOMPurify fallback)', () => {
  it('renders bold, italic and lists', async () => {
    expect((await render('**bold** and _it_')).innerHTML).toBe('<strong>bold</strong> and <em>it</em>');
    expect((await render('- one\n- two')).innerHTML).toBe('<ul><li>one</li><li>two</li></ul>');
  });

  it('opens links in a new tab without giving the page a handle on the opener', async () => {
    const link = (await render('[refunds](https://example.com/refunds)')).querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.com/refunds');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('removes scripts, event handlers, images and javascript: links', async () => {
    const html = (await render('<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3)) <b onclick="x()">b</b>')).innerHTML;
    expect(html).not.toMatch(/<img|<script|onerror|onclick|javascript:/i);
    expect(html).toContain('<b>b</b>');
  });

  it('shows escaped characters as themselves: a visitor value in a response is text, never markup', async () => {
    const date = await render(`arrives on **${escapeMarkdown('2026-11-25')}**`);
    expect(date.innerHTML).toBe('arrives on <strong>2026-11-25</strong>');
    const hostile = await render(`reason: "${escapeMarkdown('*loud* [x](https://evil.example) <b>hi</b> &amp; \\')}"`);
    expect(hostile.textContent).toBe('reason: "*loud* [x](https://evil.example) <b>hi</b> &amp; \\"');
    expect(hostile.querySelector('a, b, em, strong')).toBeNull();
  });

  it("keeps $-patterns in a link's address as they are: the link and its text appear once", async () => {
    for (const pattern of ['$&', "$'", '$`', '$1']) {
      const element = await render(`see [the order](https://example.com/track?id=${escapeMarkdown(pattern)}) now`);
      expect(element.querySelector('a')?.getAttribute('href')).toBe(`https://example.com/track?id=${pattern}`);
      expect(element.textContent).toBe('see the order now');
    }
  });
});
