import { useLayoutEffect, useRef } from 'preact/hooks';
import type { MarkdownRenderer } from '../markdown';

/** A bot message's text: safe markdown, sanitised into the element. */
export function BotText({ markdown, renderer }: { markdown: string; renderer: MarkdownRenderer }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (ref.current) renderer.render(markdown, ref.current);
  }, [markdown, renderer]);
  return <div class="bubble" ref={ref} />;
}
