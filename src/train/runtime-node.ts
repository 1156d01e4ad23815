/**
 * The runtime's parser in Node, for evaluation, benchmarks and the CLI: the same createParser the
 * worker uses, over onnxruntime-web's WASM build (what visitors run) or onnxruntime-node.
 */
import type { NluBundle } from '../nlu/bundle';
import type { ExtractorsDefinition } from '../nlu/extractors';
import { createExtractors } from '../nlu/extractors';
import { createOrtRunner, type OrtApi } from '../nlu/runtime/model-runner';
import { createParser, type Parser } from '../nlu/parse';

export type NodeRuntime = 'web-wasm' | 'node';

export async function createNodeParser(bundle: NluBundle, model: Uint8Array, runtime: NodeRuntime = 'web-wasm', extractors: ExtractorsDefinition = { builtins: [] }): Promise<Parser> {
  let ort: OrtApi;
  if (runtime === 'web-wasm') {
    const web = await import('onnxruntime-web/wasm');
    web.env.wasm.numThreads = 1;
    ort = web as unknown as OrtApi;
  } else {
    ort = (await import('onnxruntime-node')) as unknown as OrtApi;
  }
  const options = runtime === 'node' ? { intraOpNumThreads: 1, interOpNumThreads: 1 } : { executionProviders: ['wasm'] };
  const runner = await createOrtRunner(ort, model, bundle.config, options);
  return createParser(bundle, runner, createExtractors(extractors));
}
