/** The lazily loaded half of the script-tag embed: the loader imports this chunk and calls it. */
export { mountInShadow } from './mount';
export type { ParleyHandle } from './mount';
