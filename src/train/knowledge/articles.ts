/**
 * Reads a bot's help articles (Node only): Markdown files with YAML front matter, and HTML pages
 * (their main content, navigation dropped, parsed by node-html-parser). Each becomes an article of
 * passages, one per `##`/`###` section (an HTML page's h2/h3). Problems name the file and line:
 * missing titles, broken front matter, empty or duplicate articles.
 *
 *   ---
 *   title: Returns and refunds
 *   url: /help/returns-and-refunds.html
 *   questions: [what is your return policy, can I send it back]
 *   tags: [returns]
 *   offer_person: true
 *   ---
 *   Free returns within 30 days. ...
 *   ## How do I send it back?
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { parse as parseHtml, type HTMLElement } from 'node-html-parser';
import * as v from 'valibot';
import { LineCounter, parseDocument } from 'yaml';
import type { Locate, Problem } from '../../bot/definition';
import type { IndexedArticle } from '../../nlu/retrievers/index-format';

const ARTICLE_FILE = /\.(md|markdown|html?)$/i;
const ID = /^[a-z0-9][a-z0-9-]*$/;

const FrontMatterSchema = v.strictObject({
  id: v.optional(v.pipe(v.string(), v.regex(ID, 'use lower-case letters, digits and "-"'))),
  title: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'))),
  url: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
  questions: v.optional(v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty')))),
  tags: v.optional(v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty')))),
  offer_person: v.optional(v.boolean()),
});

export interface ReadKnowledge {
  articles: IndexedArticle[];
  problems: Problem[];
  /** Every article file read, for the bundle's source hash. */
  files: Array<{ file: string; source: string }>;
}

/** `base`: the folder the definition's paths are relative to. */
export function readKnowledge(base: string, sources: readonly string[], locate: Locate): ReadKnowledge {
  const problems: Problem[] = [];
  const files: ReadKnowledge['files'] = [];
  sources.forEach((source, index) => {
    const path = resolve(base, source);
    if (!existsSync(path)) {
      problems.push({ ...locate(['knowledge', 'sources', index]), message: `${source} does not exist (paths are relative to ${relative(process.cwd(), base) || '.'})` });
      return;
    }
    const found = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => ARTICLE_FILE.test(name))
          .sort()
          .map((name) => join(path, name))
      : [path];
    if (found.length === 0) problems.push({ ...locate(['knowledge', 'sources', index]), message: `${source} has no .md or .html files` });
    for (const file of found) files.push({ file: relative(process.cwd(), file) || file, source: readFileSync(file, 'utf8') });
  });

  const articles: Array<IndexedArticle & { file: string; line: number }> = [];
  for (const { file, source } of files) {
    const read = /\.html?$/i.test(file) ? readHtmlArticle(file, source) : readMarkdownArticle(file, source);
    problems.push(...read.problems);
    if (read.article) articles.push(read.article);
  }
  problems.push(...duplicates(articles));
  return { articles: articles.map(({ file: _file, line: _line, ...article }) => article), problems, files };
}

type ReadArticle = { article: (IndexedArticle & { file: string; line: number }) | null; problems: Problem[] };

export function readMarkdownArticle(file: string, source: string): ReadArticle {
  const problems: Problem[] = [];
  const problem = (line: number, path: string, message: string) => problems.push({ file, line, path, message });
  let front: v.InferOutput<typeof FrontMatterSchema> = {};
  let body = source;
  let bodyLine = 1;
  const opening = /^\uFEFF?---\r?\n/.exec(source);
  if (opening) {
    const close = /^---[ \t]*$/m.exec(source.slice(opening[0].length));
    if (!close) {
      problem(1, 'front matter', 'the front matter opened with --- is never closed (a line with --- alone)');
      return { article: null, problems };
    }
    const yamlText = source.slice(opening[0].length, opening[0].length + close.index);
    const lines = new LineCounter();
    const document = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const lineOf = (offset: number | undefined) => 1 + (offset === undefined ? 1 : lines.linePos(offset).line);
    if (document.errors.length > 0) {
      for (const error of document.errors) problem(lineOf(error.pos[0]), 'front matter', error.message.split('\n')[0]!);
      return { article: null, problems };
    }
    const parsed = v.safeParse(FrontMatterSchema, document.toJS() ?? {});
    if (!parsed.success) {
      for (const issue of parsed.issues) {
        const keys = (issue.path ?? []).map((item) => item.key as string | number);
        const node = keys.length ? document.getIn(keys, true) : undefined;
        const range = node && typeof node === 'object' && 'range' in node ? (node.range as [number, number, number] | undefined) : undefined;
        problem(lineOf(range?.[0]), keys.join('.') || 'front matter', issue.message);
      }
      return { article: null, problems };
    }
    front = parsed.output;
    body = source.slice(opening[0].length + close.index + close[0].length);
    // The body starts on the line after the closing ---.
    bodyLine = source.slice(0, opening[0].length + close.index + close[0].length).split('\n').length + 1;
  }

  const { title: heading, passages } = markdownPassages(body);
  const title = front.title ?? heading;
  if (!title) problem(1, 'title', 'the article has no title: add `title:` to its front matter (or start it with a "# Title" line)');
  if (passages.length === 0) problem(bodyLine, 'body', 'the article is empty: write what it answers below the front matter');
  if (!title || passages.length === 0) return { article: null, problems };
  const id = front.id ?? basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return {
    article: { id, title, url: front.url ?? null, tags: front.tags ?? [], questions: front.questions ?? [], offerPerson: front.offer_person ?? false, passages, file, line: 1 },
    problems,
  };
}

/** Sections by `##`/`###` heading; a leading `# Title` is the title; code fences are not headings. */
export function markdownPassages(markdown: string): { title: string | null; passages: IndexedArticle['passages'] } {
  const passages: IndexedArticle['passages'] = [];
  let title: string | null = null;
  let heading: string | null = null;
  let lines: string[] = [];
  let fenced = false;
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) passages.push({ heading, text });
    lines = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (match && match[1]!.length === 1 && title === null && passages.length === 0 && !lines.join('').trim()) {
      title = match[2]!;
      continue;
    }
    if (match && match[1]!.length <= 3) {
      flush();
      heading = match[2]!;
      continue;
    }
    lines.push(line);
  }
  flush();
  return { title, passages };
}

const DROPPED = 'script, style, noscript, template, nav, header, footer, aside, form, iframe, svg, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]';
const BLOCKS = 'h1, h2, h3, h4, p, li, pre, blockquote, dt, dd, td, th';

export function readHtmlArticle(file: string, source: string): ReadArticle {
  const root = parseHtml(source, { comment: false });
  const title = (root.querySelector('title')?.text ?? root.querySelector('h1')?.text ?? '').replace(/\s+/g, ' ').trim();
  const canonical = root.querySelector('link[rel=canonical]')?.getAttribute('href') ?? root.querySelector('meta[property="og:url"]')?.getAttribute('content') ?? null;
  for (const element of root.querySelectorAll(DROPPED)) element.remove();
  const main = root.querySelector('main') ?? root.querySelector('article') ?? root.querySelector('[role=main]') ?? root.querySelector('body') ?? root;
  const passages: IndexedArticle['passages'] = [];
  let heading: string | null = null;
  let paragraphs: string[] = [];
  const flush = () => {
    if (paragraphs.length) passages.push({ heading, text: paragraphs.join('\n\n') });
    paragraphs = [];
  };
  for (const element of main.querySelectorAll(BLOCKS)) {
    // A paragraph inside a list item (or a cell) is read with its parent.
    if (element.parentNode && (element.parentNode as HTMLElement).closest?.(BLOCKS)) continue;
    const tag = element.tagName.toLowerCase();
    const text = inlineMarkdown(element);
    if (!text) continue;
    if (tag === 'h1') continue;
    if (tag === 'h2' || tag === 'h3') {
      flush();
      heading = text;
    } else paragraphs.push(tag === 'li' ? `- ${text}` : text);
  }
  flush();
  const problems: Problem[] = [];
  if (!title) problems.push({ file, line: 1, path: 'title', message: 'the page has no <title> or <h1>' });
  if (passages.length === 0) problems.push({ file, line: 1, path: 'body', message: 'the page has no text in its main content' });
  if (!title || passages.length === 0) return { article: null, problems };
  const id = basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return { article: { id, title, url: canonical, tags: [], questions: [], offerPerson: false, passages, file, line: 1 }, problems };
}

/** An element's text with its links as Markdown links (safe ones only). */
function inlineMarkdown(element: HTMLElement): string {
  const copy = parseHtml(element.innerHTML);
  for (const link of copy.querySelectorAll('a')) {
    const href = link.getAttribute('href') ?? '';
    const text = link.text.replace(/\s+/g, ' ').trim();
    link.replaceWith(/^(https?:|\/|#|mailto:)/i.test(href) && text ? `[${text.replace(/[[\]]/g, '')}](${href.replace(/[()\s]/g, encodeURIComponent)})` : text);
  }
  return copy.text.replace(/\s+/g, ' ').trim();
}

function duplicates(articles: ReadonlyArray<IndexedArticle & { file: string; line: number }>): Problem[] {
  const problems: Problem[] = [];
  const seen = { id: new Map<string, string>(), title: new Map<string, string>(), body: new Map<string, string>() };
  for (const article of articles) {
    const body = article.passages.map((p) => p.text).join('\n').replace(/\s+/g, ' ').toLowerCase();
    const checks: Array<[keyof typeof seen, string, string]> = [
      ['id', article.id, `the article id "${article.id}" is also`],
      ['title', article.title.toLowerCase(), `the title "${article.title}" is also`],
      ['body', body, 'the same text is also'],
    ];
    for (const [kind, key, says] of checks) {
      const other = seen[kind].get(key);
      if (other) problems.push({ file: article.file, line: article.line, path: kind, message: `${says} in ${other}: ${kind === 'body' ? 'remove one of the two articles' : `give each article its own ${kind}`}` });
      else seen[kind].set(key, article.file);
    }
  }
  return problems;
}

/** The folder a definition's relative paths start from. */
export function definitionBase(definitionPath: string): string {
  return existsSync(definitionPath) && statSync(definitionPath).isDirectory() ? definitionPath : dirname(definitionPath);
}
