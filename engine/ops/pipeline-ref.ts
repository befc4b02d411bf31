/**
 * Which pipeline an operator means: a pipeline file (its `name`) or a name the state store knows.
 * A name the store has never seen is refused, naming the ones it knows, instead of answering
 * "nothing needs attention" for a typo.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { yaml } from '../config/yaml-lib.js';
import { ConfigError } from '../errors.js';
import { knownPipelines } from '../state/attention-admin.js';
import type { StateStore } from '../state/store.js';

export interface PipelineRef {
  name: string;
  /** The pipeline file, when the reference was one. */
  file?: string;
}

const MAX_FILE = 4 * 1024 * 1024;

function looksLikeFile(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.ya?ml$/i.test(ref);
}

/** The `name` of pipeline file `path`. */
export function pipelineNameOf(path: string): string {
  let doc: unknown;
  try {
    if (statSync(path).size > MAX_FILE) throw new Error(`larger than ${MAX_FILE} bytes`);
    doc = yaml.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError(
      'PIPELINE_INVALID',
      `${path}: cannot read the pipeline's name (${(cause as Error).message}); run sluice validate ${path}`,
      { cause },
    );
  }
  const name = (doc as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || name.trim() === '')
    throw new ConfigError('PIPELINE_INVALID', `${path}: the pipeline has no name; run sluice validate ${path}`);
  return name;
}

export async function resolvePipeline(state: StateStore, ref: string, cwd = process.cwd()): Promise<PipelineRef> {
  const path = resolve(cwd, ref);
  if (existsSync(path) && statSync(path).isFile()) return { name: pipelineNameOf(path), file: path };
  if (looksLikeFile(ref))
    throw new ConfigError(
      'PIPELINE_MISSING',
      `${ref}: no such pipeline file (give a pipeline file or a pipeline name)`,
    );
  const known = await knownPipelines(state.knex);
  if (known.includes(ref)) return { name: ref };
  const list =
    known.length === 0
      ? 'it knows none yet'
      : `it knows ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`;
  throw new ConfigError(
    'PIPELINE_UNKNOWN',
    `the state store ${state.location.display} has no pipeline named "${ref}" (${list}); give the pipeline file or one of those names`,
  );
}
