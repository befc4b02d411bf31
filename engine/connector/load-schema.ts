/**
 * Loads a JSON Schema file that sits beside a module (connector `config.schema.json`, the envelope
 * schemas). The build copies JSON files into dist/ with the same layout, so a URL relative to
 * `import.meta.url` works both from sources (vitest) and from the compiled CLI.
 */
import { readFileSync } from 'node:fs';
import type { JsonSchema } from './types.js';

export function loadJsonSchema(url: URL): JsonSchema {
  return JSON.parse(readFileSync(url, 'utf8')) as JsonSchema;
}
