/**
 * jsonata, loaded with `require`: importing this 300 KB CommonJS module from ESM makes Node scan its
 * source for named exports first, a cost every command that compiles JSONata paid at start-up.
 */
import { createRequire } from 'node:module';
import type jsonataModule from 'jsonata';

const require = createRequire(import.meta.url);

export const jsonata = require('jsonata') as typeof jsonataModule;
export type JsonataExpression = jsonataModule.Expression;
