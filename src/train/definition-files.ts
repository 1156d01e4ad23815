/**
 * Reads a bot definition from disk (Node only): one .yaml/.yml/.json file, or every such file of a
 * folder, merged. Returns the definition with the problems of the schema and of the lint checks.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { formatProblem, loadDefinitionFiles, type BotDefinition, type Problem, type SourceFile } from '../bot/definition';
import { lintDefinition } from '../bot/lint';

const DEFINITION_FILE = /\.(ya?ml|json)$/i;

export class DefinitionError extends Error {}

/** The files of a definition: the file itself, or the folder's definition files in name order. */
export function definitionFiles(path: string): string[] {
  if (!existsSync(path)) throw new DefinitionError(`${path} does not exist`);
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => DEFINITION_FILE.test(name) && !/(^|\.)tests\.(ya?ml|json)$/i.test(name))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new DefinitionError(`${path} has no .yaml, .yml or .json files`);
  return files;
}

export interface ReadDefinition {
  definition: BotDefinition | null;
  /** Errors and warnings, each with file and line. */
  problems: Problem[];
  /** Hash of every source file, to tell whether a bundle is current. */
  sha256: string;
  files: string[];
}

export function readDefinitionFiles(path: string): ReadDefinition {
  const files = definitionFiles(path);
  const sources: SourceFile[] = files.map((file) => ({ file, source: readFileSync(file, 'utf8') }));
  const hash = createHash('sha256');
  for (const { file, source } of sources) hash.update(basename(file)).update('\0').update(source).update('\0');
  const loaded = loadDefinitionFiles(sources);
  if (!loaded.ok) return { definition: null, problems: loaded.problems, sha256: hash.digest('hex'), files };
  return { definition: loaded.definition, problems: lintDefinition(loaded.definition, loaded.locate), sha256: hash.digest('hex'), files };
}

export const hasErrors = (problems: readonly Problem[]) => problems.some((p) => p.severity !== 'warning');

/** The definition, or a DefinitionError listing its errors (warnings are not errors). */
export function readValidDefinition(path: string): { definition: BotDefinition; sha256: string; warnings: Problem[] } {
  const read = readDefinitionFiles(path);
  if (!read.definition || hasErrors(read.problems)) throw new DefinitionError(read.problems.filter((p) => p.severity !== 'warning').map(formatProblem).join('\n'));
  return { definition: read.definition, sha256: read.sha256, warnings: read.problems };
}

export function defaultBundleName(path: string): string {
  const name = basename(path, extname(path));
  return name === 'bot' ? basename(join(path, '..')) : name;
}
