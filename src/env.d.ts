/** Replaced at build time with package.json's version. */
declare const __PARLEY_VERSION__: string;
