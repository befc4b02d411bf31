/**
 * The reading and writing code of the http resources, loaded when a connection opens
 * (`ResourceEnv.io`): `validate` reads only the definitions.
 */
export { batchWriter } from './batch-write.js';
export { openSource } from './source.js';
export { openTargetWith } from './target.js';
