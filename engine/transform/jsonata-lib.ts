/**
 * jsonata, as one function. The CLI runs from a bundle (scripts/bundle.mjs), where this import costs
 * nothing at start-up; a plain Node import of this 300 KB CommonJS module (transform threads, tests
 * on dist/) makes Node scan its source for named exports first.
 */
import jsonata from 'jsonata';
import type jsonataModule from 'jsonata';

export { jsonata };
export type JsonataExpression = jsonataModule.Expression;
