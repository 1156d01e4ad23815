/** Replaced at build time with package.json's version. */
declare const __PARLEY_VERSION__: string;
/** SHA-256 of onnxruntime's .wasm files by name, set when the NLU worker is built (see scripts/build.ts). */
declare const __PARLEY_ORT_WASM_SHA256__: Record<string, string> | undefined;
