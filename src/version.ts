/** Parley's version: package.json's, set at build time; "dev" when running from source (tsx). */
export const PARLEY_VERSION: string = typeof __PARLEY_VERSION__ === 'string' ? __PARLEY_VERSION__ : 'dev';
