/**
 * Secret references in connection files: `${env:NAME}` and `${file:path}`, whole values or inside a
 * string (`mysql://app:${env:DB_PASSWORD}@db:3306/erp`). Resolution happens only when a connection
 * is opened; validation only checks that they resolve.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { readConfigText } from './text-file.js';

const REF = /\$\{(env|file):([^}]*)\}/g;

export interface SecretRef {
  kind: 'env' | 'file';
  name: string;
  /** Offset of `${` inside the string. */
  index: number;
}

export function findRefs(value: string): SecretRef[] {
  return [...value.matchAll(REF)].map((m) => ({ kind: m[1] as 'env' | 'file', name: m[2] ?? '', index: m.index ?? 0 }));
}

/** True when the string carries no literal text besides references (e.g. `${env:X}`). */
export function isOnlyRefs(value: string): boolean {
  return value.replace(REF, '').trim() === '' && findRefs(value).length > 0;
}

export interface RefProblem {
  ref: SecretRef;
  code: 'ENV_UNDEFINED' | 'FILE_REF_MISSING' | 'FILE_REF_NOT_FILE' | 'REF_INVALID';
  message: string;
}

export function checkRefs(value: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): RefProblem[] {
  const out: RefProblem[] = [];
  for (const ref of findRefs(value)) {
    if (ref.name.trim() === '') {
      out.push({ ref, code: 'REF_INVALID', message: `empty \${${ref.kind}:} reference` });
    } else if (ref.kind === 'env' && env[ref.name] === undefined) {
      out.push({
        ref,
        code: 'ENV_UNDEFINED',
        message: `environment variable ${ref.name} is not set (referenced as \${env:${ref.name}}); export it before running`,
      });
    } else if (ref.kind === 'file') {
      const path = isAbsolute(ref.name) ? ref.name : resolve(baseDir, ref.name);
      if (!existsSync(path)) {
        out.push({
          ref,
          code: 'FILE_REF_MISSING',
          message: `secret file ${ref.name} does not exist (referenced as \${file:${ref.name}}, relative to ${baseDir})`,
        });
      } else {
        const why = notAFile(path);
        if (why)
          out.push({
            ref,
            code: 'FILE_REF_NOT_FILE',
            message: `secret file ${ref.name} ${why} (referenced as \${file:${ref.name}}, relative to ${baseDir})`,
          });
      }
    }
  }
  return out;
}

/** Why a path that exists cannot hold a secret, or undefined when it is a regular file. */
function notAFile(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? undefined : 'is not a regular file';
  } catch (err) {
    return `cannot be examined (${(err as Error).message})`;
  }
}

export function resolveString(value: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(REF, (_m, kind: string, name: string) => {
    if (kind === 'env') {
      const v = env[name];
      if (v === undefined)
        throw new ConfigError(
          'ENV_UNDEFINED',
          `environment variable ${name} is not set (referenced as \${env:${name}})`,
        );
      return v;
    }
    const path = isAbsolute(name) ? name : resolve(baseDir, name);
    // Strict UTF-8, like every configuration file: a secret is never silently altered.
    const read = readConfigText(path);
    if (!read.ok) {
      const code = read.diagnostic.code === 'FILE_UNREADABLE' ? 'FILE_REF_MISSING' : read.diagnostic.code;
      throw new ConfigError(
        code,
        `cannot read secret file ${name} (referenced as \${file:${name}}): ${read.diagnostic.message}`,
        read.cause === undefined ? {} : { cause: read.cause },
      );
    }
    return read.text.replace(/\r?\n$/, '');
  });
}

/** Deep copy of a config object with every reference resolved. */
export function resolveRefs<T>(value: T, baseDir: string, env: NodeJS.ProcessEnv = process.env): T {
  if (typeof value === 'string') return resolveString(value, baseDir, env) as T;
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, baseDir, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, baseDir, env)])) as T;
  }
  return value;
}

const SECRET_NAME =
  /(^|_|-)(password|passwd|pwd|secret|client_?secret|token|refresh_?token|request_?token|api_?key|private_?key)$/i;

/** Property names that hold secrets whatever the connector schema says. */
export function looksLikeSecretName(name: string): boolean {
  return (
    SECRET_NAME.test(name) ||
    /^(password|secret|token|apiKey|clientSecret|refreshToken|requestToken|privateKey)$/i.test(name)
  );
}

/** A `scheme://user:password@host` URL whose password is literal text. */
export function urlHasLiteralPassword(value: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:([^@\s]+)@/i.exec(value);
  return m !== null && !isOnlyRefs(m[1] ?? '');
}
