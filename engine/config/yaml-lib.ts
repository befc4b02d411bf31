/**
 * yaml, loaded with `require`: importing this CommonJS package from ESM makes Node scan the source
 * of its entry and of every module it re-exports for named exports first, at every start-up.
 */
import { createRequire } from 'node:module';
import type * as yamlModule from 'yaml';

const require = createRequire(import.meta.url);

export const yaml = require('yaml') as typeof yamlModule;
