/**
 * jsonata, as one function. The CLI and its transform threads run from bundles (scripts/bundle.mjs),
 * where this import costs nothing at start-up; a plain Node import of this 300 KB CommonJS module
 * (dist/ imported unbundled) makes Node scan its source for named exports first.
 */
import jsonata from 'jsonata';
import type jsonataModule from 'jsonata';

export { jsonata };
export type JsonataExpression = jsonataModule.Expression;
