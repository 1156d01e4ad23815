/** Every default of the trainer, in one place; a bot or the CLI overrides what it needs. */
export const trainDefaults = {
  seed: 42,
  validFraction: 0.1,
  maxEpochs: 12,
  patience: 3,
  /**
   * With the defaults, training spans at least this many steps (more epochs for a small bot), and
   * early stopping waits at least minPatienceSteps without progress: in epochs alone, a bot of 70
   * examples stopped after 12 to 16 steps (see trainingBudget).
   */
  minSteps: 600,
  minPatienceSteps: 150,
  /**
   * Early stopping keeps later weights while their validation score (accuracy + entity F1) stays this
   * close to the best: on a small validation split epochs differ by a message or two, and the later
   * weights have trained longer. Patience still counts from the last strict improvement.
   */
  stoppingTolerance: 0.005,
  /**
   * A validation split carved out of the author's examples is theirs too: after early stopping, the
   * final network is trained again on all examples for the epochs it chose (confidence calibration
   * and the out-of-scope threshold still come from the held-out run). Costs a second training.
   */
  refit: true,
  batchSize: 64,
  learningRate: 2e-3,
  dropout: 0.25,
  /**
   * Dropout on the entity head's input: none, because finding an entity value never seen in training
   * (an order number) rests on a few features of its own token; a small bot misses some at 0.1.
   */
  entityHeadDropout: 0,
  /** Share of known words replaced by <unk> during training. */
  wordDropout: 0.25,
  /**
   * Share of words inside entity spans replaced by <unk>: entity values are open sets (order numbers,
   * names), so the model must find them from context and shape, not from having seen the value.
   */
  entityWordDropout: 0.5,
  /** Share of sentence features dropped during training, so the sparse path cannot just memorise. */
  sparseDropout: 0.4,
  /**
   * The out-of-scope threshold may cost in-scope answers at most this share (on validation): rejecting
   * what the bot cannot do must not make it fail what it can.
   */
  outOfScopeInScopeCost: 0.01,
  /**
   * Within that cost, the threshold only needs to reject this share of out-of-scope messages (on
   * validation): beyond it, answering in-scope messages right matters more than rejecting more.
   */
  outOfScopeRecallTarget: 0.6,
  /** Intent targets get this much probability spread over the other intents (less over-confidence). */
  labelSmoothing: 0.1,
  /** General English words added to the bot's own vocabulary (with their pretrained vectors). */
  generalWords: 5000,
  /**
   * A carved validation split holds out at least this many out-of-scope examples (at most
   * outOfScopeHeldOutShare of them), more than the tenth of the other intents, for the out-of-scope
   * threshold; early stopping still watches only a tenth of them (carveValidation says why).
   */
  outOfScopeHeldOut: 30,
  outOfScopeHeldOutShare: 0.3,
  /** The label of out-of-scope examples in a data set. */
  outOfScopeLabel: 'oos',
  model: { width: 128, layers: 2, heads: 4, ffnWidth: 256 },
  featurizer: {
    maxTokens: 32,
    ngramSizes: [3, 4, 5],
    ngramsPerToken: 24,
    ngramBuckets: 16384,
    sparseFeatures: 192,
    sparseBuckets: 16384,
    sparseCharSizes: [3, 4, 5],
    tokenFeaturesPerToken: 12,
    tokenFeatureBuckets: 16384,
  },
  /** Most bytes for the sparse path's int8 table; bots with many intents get fewer hash buckets. */
  sparseTableBytes: 1.5 * 1024 * 1024,
  /** Share of training examples that get a copy with a typo. */
  typoRate: 0.3,
  /** Share of examples with entities that get a copy with other values of the same entities. */
  entitySwapRate: 0.5,
  /** Learned tag transitions on the entity head (a CRF) instead of tagging each token alone. */
  entityCrf: true,
  /** Weight of the entity loss against the intent loss (both per token / per message means). */
  entityLossWeight: 1,
  /**
   * Validation and the final model use a running average of the weights over at most this many epochs
   * (0: the last weights): averaged weights sit in flatter minima and generalise better. Before that
   * cap the average spans about the last ninth of the steps so far (see WeightAverage), which is what
   * decides it in a 12-epoch run.
   */
  weightAveragingEpochs: 1,
  /**
   * The light stage (src/train/light-stage.ts): a linear model over the hashed sentence features that
   * plain JavaScript evaluates while the transformer loads.
   */
  lightStage: {
    buckets: 4096,
    epochs: 12,
    learningRate: 0.3,
    l2: 1e-6,
    featureDropout: 0.2,
    labelSmoothing: 0.05,
    typoRate: 0.3,
  },
} as const;
