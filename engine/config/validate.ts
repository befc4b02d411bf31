/** `sluice validate`: every pipeline under the given files/directories, every problem at once. */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Registry } from '../connector/registry.js';
import { CONNECTIONS_FILE, type ConnectionsFile } from './connections.js';
import { sortDiagnostics, uniqueDiagnostics, type Diagnostic } from './diagnostics.js';
import { loadPipeline } from './pipeline.js';

export function isPipelineFile(name: string): boolean {
  return /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name) && basename(name) !== CONNECTIONS_FILE;
}

/** Pipeline files named directly, and pipeline files found (non-recursively) in named directories. */
export function expandPipelinePaths(paths: readonly string[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      out.push(abs); // reported as unreadable by the loader
      continue;
    }
    if (isDir) {
      for (const name of readdirSync(abs).sort()) if (isPipelineFile(name)) out.push(join(abs, name));
    } else out.push(abs);
  }
  return [...new Set(out)];
}

export interface ValidateResult {
  files: string[];
  diagnostics: Diagnostic[];
}

export function validatePaths(
  paths: readonly string[],
  options: { registry: Registry; connectionsPath?: string; cwd?: string; env?: NodeJS.ProcessEnv; strict?: boolean },
): ValidateResult {
  const cwd = options.cwd ?? process.cwd();
  const files = expandPipelinePaths(paths, cwd);
  const diagnostics: Diagnostic[] = [];
  const connectionsCache = new Map<string, ConnectionsFile>();
  for (const f of files) {
    const r = loadPipeline(f, { ...options, cwd, envRefs: options.strict ? 'all' : 'warn', connectionsCache });
    for (const d of r.diagnostics) diagnostics.push(d); // no spread: there may be more than a call takes
  }
  // Paths relative to the working directory read better and are what GitHub annotations expect.
  for (const d of diagnostics) if (d.file.startsWith('/')) d.file = relative(cwd, d.file) || d.file;
  return { files, diagnostics: sortDiagnostics(uniqueDiagnostics(diagnostics)) };
}
