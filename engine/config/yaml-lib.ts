/**
 * yaml, as one object. The CLI runs from a bundle (scripts/bundle.mjs), where this import costs
 * nothing at start-up; a plain Node import of the package's CommonJS build would make Node scan the
 * source of its entry and of every module it re-exports for named exports first.
 */
import yaml from 'yaml';

export { yaml };
