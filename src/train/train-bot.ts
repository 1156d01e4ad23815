/** `parley train`: a bot definition file -> a bot bundle folder (bot.json + model.onnx). */
import { PARLEY_VERSION } from '../version';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { extractorsDefinition, trainingExamples } from '../bot/compile-examples';
import { formatProblem, loadDefinition, type BotDefinition } from '../bot/definition';
import { writeBundle, type BotBundleFile } from './bundle-writer';
import { compileNlu } from './compile';
import { MODEL_SPEC_VERSION } from './export/onnx-graph';
import { NLU_BUNDLE_FORMAT } from '../nlu/bundle';
import { trainModel, type TrainProgress } from './trainer';
import type { WordVectors } from './word-vectors';

export class DefinitionError extends Error {}

/** A bot's definition: one file, or the `bot.yaml` of a folder. */
export function resolveDefinitionFile(path: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) {
    for (const name of ['bot.yaml', 'bot.yml', 'bot.json']) if (existsSync(join(path, name))) return join(path, name);
    throw new DefinitionError(`${path} has no bot.yaml`);
  }
  if (!existsSync(path)) throw new DefinitionError(`${path} does not exist`);
  return path;
}

export function readDefinition(file: string): { definition: BotDefinition; sha256: string } {
  const source = readFileSync(file, 'utf8');
  const loaded = loadDefinition(source, file);
  if (!loaded.ok) throw new DefinitionError(loaded.problems.map(formatProblem).join('\n'));
  // A new Parley, model spec or bundle format means a new bundle, even for the same definition.
  const sha256 = createHash('sha256').update(source).update(PARLEY_VERSION).update(MODEL_SPEC_VERSION).update(String(NLU_BUNDLE_FORMAT)).digest('hex');
  return { definition: loaded.definition, sha256 };
}

export function defaultBundleDir(definitionFile: string): string {
  const name = basename(definitionFile, extname(definitionFile));
  return join('models', name === 'bot' ? basename(join(definitionFile, '..')) : name);
}

/** True when the bundle in `dir` was built from this exact definition by this version of Parley. */
export function bundleIsCurrent(dir: string, sha256: string): boolean {
  try {
    const bot = JSON.parse(readFileSync(join(dir, 'bot.json'), 'utf8')) as Partial<BotBundleFile>;
    return bot.source?.sha256 === sha256 && existsSync(join(dir, bot.nlu?.model.file ?? 'model.onnx'));
  } catch {
    return false;
  }
}

export interface TrainBotSummary {
  name: string;
  intents: number;
  examples: number;
  validAccuracy: number;
  modelBytes: number;
  seconds: number;
  dir: string;
}

export async function trainBot(options: {
  definitionFile: string;
  outDir?: string;
  wordVectors: WordVectors;
  seed?: number;
  onProgress?: (progress: TrainProgress) => void;
}): Promise<TrainBotSummary> {
  const started = performance.now();
  const { definition, sha256 } = readDefinition(options.definitionFile);
  const examples = trainingExamples(definition);
  const trained = await trainModel({
    train: examples,
    wordVectors: options.wordVectors,
    ...(options.seed !== undefined && { seed: options.seed }),
    outOfScopeLabel: 'out_of_scope',
    ...(options.onProgress && { onProgress: options.onProgress }),
  });
  const { bundle, model } = compileNlu(trained);
  const dir = options.outDir ?? defaultBundleDir(options.definitionFile);
  writeBundle(
    dir,
    {
      name: definition.name,
      ...(definition.greeting !== undefined && { greeting: definition.greeting }),
      ...(definition.menu && { menu: definition.menu }),
      nlu: bundle,
      extractors: extractorsDefinition(definition),
      source: { sha256, parleyVersion: PARLEY_VERSION },
    },
    model,
  );
  const best = Math.max(...trained.history.map((h) => h.validAccuracy));
  return {
    name: definition.name,
    intents: trained.labels.length,
    examples: examples.length,
    validAccuracy: best,
    modelBytes: model.byteLength,
    seconds: (performance.now() - started) / 1000,
    dir,
  };
}
