// The runtime's featurizer, as the browser runs it, for the parity test (e2e/featurize.spec.ts).
import { createFeaturizer, type FeaturizerConfig } from '../../src/nlu/featurize';

declare global {
  interface Window {
    featurizeAll(config: FeaturizerConfig, texts: string[]): unknown[];
  }
}

window.featurizeAll = (config, texts) => {
  const featurizer = createFeaturizer(config);
  return texts.map((text) => {
    const f = featurizer.featurize(text);
    return { tokens: [...f.tokens], mask: [...f.mask], ngrams: [...f.ngrams], sparse: [...f.sparse], tokenFeatures: [...f.tokenFeatures], spans: f.spans };
  });
};
