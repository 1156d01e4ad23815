// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer } from './markdown';

const render = createMarkdownRenderer(window);

describe('bot markdown', () => {
  it('renders bold, italic and lists', () => {
    expect(render('**bold** and _it_')).toBe('<strong>bold</strong> and <em>it</em>');
    expect(render('- one\n- two')).toBe('<ul><li>one</li><li>two</li></ul>');
  });

  it('opens links in a new tab without giving the page a handle on the opener', () => {
    const html = render('[refunds](https://example.com/refunds)');
    const link = new DOMParser().parseFromString(html, 'text/html').querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.com/refunds');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('removes scripts, event handlers, images and javascript: links', () => {
    const html = render('<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3)) <b onclick="x()">b</b>');
    expect(html).not.toMatch(/<img|<script|onerror|onclick|javascript:/i);
    expect(html).toContain('<b>b</b>');
  });
});
