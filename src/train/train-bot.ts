/** `parley train`: a bot definition file -> a bot bundle folder (bot.json + model.onnx). */
import { PARLEY_VERSION } from '../version';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractorsDefinition, trainingExamples } from '../bot/compile-examples';
import type { BotDefinition, Problem } from '../bot/definition';
import { dialogueOf } from '../bot/dialogue-bundle';
import { defaultBundleName, definitionFiles, readValidDefinition } from './definition-files';
import { writeBundle, type BotBundleFile } from './bundle-writer';
import { compileNlu } from './compile';
import { MODEL_SPEC_VERSION } from './export/onnx-graph';
import { NLU_BUNDLE_FORMAT } from '../nlu/bundle';
import { OUT_OF_SCOPE } from '../nlu/parse';
import type { HeldOutScores } from './calibration';
import { trainModel, type TrainedModel, type TrainProgress } from './trainer';
import type { WordVectors } from './word-vectors';

export { DefinitionError } from './definition-files';

/** A bot's definition path (a file, or a folder of definition files), checked to exist. */
export function resolveDefinitionFile(path: string): string {
  definitionFiles(path);
  return path;
}

/** The definition (errors throw a DefinitionError; warnings are returned) and the hash of its build. */
export function readDefinition(path: string): { definition: BotDefinition; sha256: string; warnings: Problem[] } {
  const read = readValidDefinition(path);
  // A new Parley, model spec or bundle format means a new bundle, even for the same definition.
  const sha256 = createHash('sha256').update(read.sha256).update(PARLEY_VERSION).update(MODEL_SPEC_VERSION).update(String(NLU_BUNDLE_FORMAT)).digest('hex');
  return { definition: read.definition, sha256, warnings: read.warnings };
}

export function defaultBundleDir(path: string): string {
  return join('models', defaultBundleName(path));
}

/** True when the bundle in `dir` was built from this exact definition by this version of Parley. */
export function bundleIsCurrent(dir: string, sha256: string, options: { draftWillDo?: boolean } = {}): boolean {
  try {
    const bot = JSON.parse(readFileSync(join(dir, 'bot.json'), 'utf8')) as Partial<BotBundleFile>;
    if (bot.source?.draft && !options.draftWillDo) return false;
    return bot.source?.sha256 === sha256 && existsSync(join(dir, bot.nlu?.model.file ?? 'model.onnx'));
  } catch {
    return false;
  }
}

export interface TrainBotSummary {
  name: string;
  intents: number;
  examples: number;
  /**
   * The held-out examples, scored as the runtime answers (threshold applied) by the network trained
   * without them; null when there were too few to hold any out.
   */
  heldOut: HeldOutScores | null;
  /** The light stage: its held-out scores and table bytes. */
  light: { heldOut: HeldOutScores | null; tableBytes: number };
  /** The final fit on all examples (see TrainedModel.refit), or null when there was none. */
  refit: TrainedModel['refit'];
  modelBytes: number;
  seconds: number;
  dir: string;
}

export async function trainBot(options: {
  definitionFile: string;
  outDir?: string;
  wordVectors: WordVectors;
  seed?: number;
  /** Train the final network again on all examples after validation (default trainDefaults.refit). */
  refit?: boolean;
  /** Run that final fit alongside the held-out run, in a second thread (default true; false: after it, less memory). */
  finalFitAlongside?: boolean;
  onProgress?: (progress: TrainProgress) => void;
}): Promise<TrainBotSummary> {
  const started = performance.now();
  const { definition, sha256 } = readDefinition(options.definitionFile);
  const examples = trainingExamples(definition);
  const trained = await trainModel({
    train: examples,
    wordVectors: options.wordVectors,
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.refit !== undefined && { refit: options.refit }),
    ...(options.finalFitAlongside !== undefined && { finalFitAlongside: options.finalFitAlongside }),
    outOfScopeLabel: OUT_OF_SCOPE,
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
      dialogue: dialogueOf(definition),
      source: { sha256, parleyVersion: PARLEY_VERSION, ...(options.refit === false && { draft: true as const }) },
    },
    model,
  );
  return {
    name: definition.name,
    intents: trained.labels.length,
    examples: examples.length,
    heldOut: trained.heldOut,
    light: { heldOut: trained.light.heldOut, tableBytes: trained.light.tableBytes },
    refit: trained.refit,
    modelBytes: model.byteLength,
    seconds: (performance.now() - started) / 1000,
    dir,
  };
}
