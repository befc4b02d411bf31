/**
 * connections.yaml: named connections, each naming its connector and carrying that connector's
 * config. Checked against the envelope schema and each connector's config schema; secrets must be
 * `${env:}` / `${file:}` references, and every reference must resolve.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { JsonSchema } from '../connector/types.js';
import type { Registry } from '../connector/registry.js';
import { loadJsonSchema } from '../connector/load-schema.js';
import { compileSchema, schemaDiagnostics } from './ajv.js';
import { alertDiagnostics, alertRules, type AlertRule } from './alerts.js';
import type { Alert } from './connections.generated.js';
import type { Diagnostic } from './diagnostics.js';
import { checkRefs, isOnlyRefs, looksLikeSecretName, urlHasLiteralPassword } from './refs.js';
import { YamlFile, type YamlPath } from './yaml-file.js';

export const CONNECTIONS_FILE = 'connections.yaml';
const envelope = loadJsonSchema(new URL('../../schemas/connections.schema.json', import.meta.url));

export interface ConnectionEntry {
  name: string;
  connector: string;
  /** Raw config (references unresolved), without the `connector` property. */
  config: Record<string, unknown>;
  path: YamlPath;
}

export interface ConnectionsFile {
  path: string;
  dir: string;
  file: YamlFile | undefined;
  entries: Map<string, ConnectionEntry>;
  diagnostics: Diagnostic[];
  /** Alerts declared for every pipeline using this file. */
  alerts: AlertRule[];
  /** Which connection each ENV_UNDEFINED diagnostic belongs to (they are warnings until a policy decides). */
  envUndefined: Map<Diagnostic, string>;
}

/**
 * How undefined `${env:}` references count: `used` (running: errors for the connections the pipeline
 * opens, warnings for the rest), `all` (validate --strict: errors everywhere), `warn` (validate in a
 * pull request, without production secrets: warnings only).
 */
export type EnvRefPolicy = 'used' | 'all' | 'warn';

/** Applies the policy to a connections file's diagnostics; `used` names the pipeline's connections. */
export function envRefDiagnostics(
  conns: ConnectionsFile,
  policy: EnvRefPolicy,
  used: ReadonlySet<string>,
): Diagnostic[] {
  return conns.diagnostics.map((d) => {
    const name = conns.envUndefined.get(d);
    if (name === undefined) return d;
    const error = policy === 'all' || (policy === 'used' && used.has(name));
    return error
      ? { ...d, severity: 'error' }
      : {
          ...d,
          message:
            `${d.message} (a warning while validating: \`sluice validate --strict\`, ` +
            'and every run that opens this connection, make it an error)',
        };
  });
}

/**
 * Where connections come from: an explicit path (flag or SLUICE_CONNECTIONS), else connections.yaml
 * beside the pipeline, in its parent directory, or in the working directory, first found.
 */
export function findConnectionsFile(pipelinePath: string | undefined, explicit?: string, cwd = process.cwd()): string {
  const chosen = explicit ?? process.env.SLUICE_CONNECTIONS;
  if (chosen) return resolve(cwd, chosen);
  const candidates: string[] = [];
  if (pipelinePath) {
    const dir = dirname(resolve(cwd, pipelinePath));
    candidates.push(join(dir, CONNECTIONS_FILE), join(dirname(dir), CONNECTIONS_FILE));
  }
  candidates.push(join(cwd, CONNECTIONS_FILE));
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

function diag(
  file: YamlFile,
  path: YamlPath,
  code: string,
  message: string,
  which: 'key' | 'value' = 'value',
): Diagnostic {
  const pos = file.locate(path, which);
  return { file: file.path, line: pos.line, col: pos.col, code, message, severity: 'error' };
}

const VALUE_KEYWORDS = new Set(['pattern', 'format', 'minLength', 'maxLength', 'enum', 'type', 'minimum', 'maximum']);

/**
 * A `${env:}`/`${file:}` reference cannot be checked against value constraints before it is
 * resolved; it is checked again, resolved, when the connection is opened.
 */
function refValueError(error: { keyword: string }, value: unknown): boolean {
  return VALUE_KEYWORDS.has(error.keyword) && typeof value === 'string' && isOnlyRefs(value);
}

/** Literal-secret and reference checks over one connection's config. */
function secretDiagnostics(
  file: YamlFile,
  entry: ConnectionEntry,
  schema: JsonSchema | undefined,
  dir: string,
  env: NodeJS.ProcessEnv,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (value: unknown, sub: JsonSchema | undefined, path: YamlPath, name: string): void => {
    if (typeof value === 'string') {
      for (const p of checkRefs(value, dir, env)) {
        const pos = file.locateInString(path, p.ref.index);
        out.push({
          file: file.path,
          line: pos.line,
          col: pos.col,
          code: p.code,
          message: p.message,
          severity: 'error',
        });
      }
      const secret = sub?.['x-secret'] === true || looksLikeSecretName(name);
      if (secret && value.trim() !== '' && !isOnlyRefs(value)) {
        out.push(
          diag(
            file,
            path,
            'LITERAL_SECRET',
            `"${name}" holds a literal secret; use \${env:NAME} or \${file:path} instead, and rotate the exposed value`,
          ),
        );
      } else if (urlHasLiteralPassword(value)) {
        out.push(
          diag(
            file,
            path,
            'LITERAL_SECRET',
            `"${name}" is a URL with a literal password; write the password as \${env:NAME}`,
          ),
        );
      }
      return;
    }
    const props = (sub?.properties ?? {}) as Record<string, JsonSchema>;
    if (Array.isArray(value))
      value.forEach((v, i) => walk(v, sub?.items as JsonSchema | undefined, [...path, i], name));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, props[k], [...path, k], k);
    }
  };
  walk(entry.config, schema, entry.path, entry.name);
  return out;
}

export function loadConnections(
  path: string,
  registry: Registry,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionsFile {
  const result: ConnectionsFile = {
    path,
    dir: dirname(path),
    file: undefined,
    entries: new Map(),
    diagnostics: [],
    alerts: [],
    envUndefined: new Map(),
  };
  if (!existsSync(path)) {
    result.diagnostics.push({
      file: path,
      line: 1,
      col: 1,
      code: 'CONNECTIONS_MISSING',
      message: `connections file not found; create ${CONNECTIONS_FILE} or pass --connections <file>`,
      severity: 'error',
    });
    return result;
  }
  // Appends without spreading: a file can have more problems than a call can take arguments.
  const add = (list: readonly Diagnostic[]): void => {
    for (const d of list) result.diagnostics.push(d);
  };
  const file = YamlFile.read(path);
  result.file = file;
  add(file.diagnostics);
  if (!file.ok) return result;
  const data = file.toJS() as Record<string, unknown> | null;
  add(schemaDiagnostics(compileSchema(envelope), data ?? {}, file, []));
  add(alertDiagnostics(file, data?.alerts, ['alerts'], result.dir, env));
  if (Array.isArray(data?.alerts)) result.alerts = alertRules(data.alerts as Alert[], 'connections', path, result.dir);
  const conns = (data?.connections ?? {}) as Record<string, Record<string, unknown>>;
  if (typeof conns !== 'object' || conns === null || Array.isArray(conns)) return result;
  for (const [name, raw] of Object.entries(conns)) {
    if (!raw || typeof raw !== 'object' || typeof raw.connector !== 'string') continue;
    const { connector, ...config } = raw;
    const entry: ConnectionEntry = { name, connector: connector as string, config, path: ['connections', name] };
    result.entries.set(name, entry);
    const def = registry.get(entry.connector);
    if (!def) {
      result.diagnostics.push(
        diag(
          file,
          [...entry.path, 'connector'],
          'CONNECTOR_UNKNOWN',
          `unknown connector "${entry.connector}" for connection "${name}"; known: ${registry.names().join(', ')}`,
        ),
      );
    } else {
      add(schemaDiagnostics(compileSchema(def.configSchema), config, file, entry.path, 'SCHEMA', refValueError));
    }
    for (const d of secretDiagnostics(file, entry, def?.configSchema, result.dir, env)) {
      if (d.code === 'ENV_UNDEFINED') {
        d.severity = 'warning';
        result.envUndefined.set(d, name);
      }
      result.diagnostics.push(d);
    }
  }
  return result;
}
