/**
 * Command-line options of a standalone emulator (`sluice emulate <name> ...`), parsed with
 * node:util `parseArgs`: every emulator declares its flags once (name, kind, where the value goes)
 * and gets the same syntax (`--flag value`, `--flag=value`), the same errors and its usage line.
 * Leading words (`emulate sap-b1` when handed a whole command line) are skipped. The errors are plain
 * messages (`sluice emulate` prints them and exits 2).
 */
import { parseArgs } from 'node:util';
import { parseFaultSpec, type FaultSpecBase } from './faults.js';

/** `fault`: a fault spec as text (`parseFaultSpec`), so a bad one fails before the emulator starts. */
export type FlagKind = 'string' | 'number' | 'port' | 'list' | 'boolean' | 'fault';

export interface FlagSpec<O> {
  /** The flag without dashes, e.g. `page-size`. */
  flag: string;
  kind: FlagKind;
  /** The option it sets. */
  option: keyof O & string;
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
}

/** What every emulator's command line has: where it listens and the faults it starts with. */
export interface CommonEmulatorArgs {
  port?: number;
  host?: string;
  faults?: FaultSpecBase[];
}

/**
 * An emulator's flag table: `--port <port>` and `--host <text>` first, then its own flags, then
 * `--fault <spec>` (repeatable).
 */
export function emulatorFlags<O extends CommonEmulatorArgs>(...own: readonly FlagSpec<O>[]): FlagSpec<O>[] {
  return [
    { flag: 'port', kind: 'port', option: 'port' },
    { flag: 'host', kind: 'string', option: 'host' },
    ...own,
    { flag: 'fault', kind: 'fault', option: 'faults', multiple: true },
  ];
}

/** `--flag value` pairs of an emulator into its options object; unknown flags and bad values throw. */
export function parseEmulatorArgv<O extends object>(argv: readonly string[], flags: readonly FlagSpec<O>[]): O {
  const first = argv.findIndex((a) => a.startsWith('--'));
  const args = joinValues(first < 0 ? [] : argv.slice(first), flags);
  const known = flags.map((f) => `--${f.flag}`).join(', ');
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        flags.map((f) => [
          f.flag,
          { type: f.kind === 'boolean' ? ('boolean' as const) : ('string' as const), multiple: f.multiple === true },
        ]),
      ),
    });
  } catch (err) {
    const unknown = /Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
    if (unknown) throw new Error(`unknown option ${unknown} (use ${known})`, { cause: err });
    const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec((err as Error).message)?.[1];
    if (missing) throw new Error(`${missing} needs a value`, { cause: err });
    throw new Error(`${(err as Error).message} (use ${known})`, { cause: err });
  }
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const raw = parsed.values[f.flag];
    if (raw === undefined) continue;
    const convert = (v: string | boolean): unknown => convertValue(`--${f.flag}`, f.kind, v);
    out[f.option] = Array.isArray(raw) ? raw.map(convert) : convert(raw);
  }
  return out as O;
}

/** `--flag value` as `--flag=value` for flags that take one, so a value may start with a dash. */
function joinValues<O>(args: readonly string[], flags: readonly FlagSpec<O>[]): string[] {
  const takesValue = new Set(flags.filter((f) => f.kind !== 'boolean').map((f) => `--${f.flag}`));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (takesValue.has(arg) && i + 1 < args.length) out.push(`${arg}=${args[++i]!}`);
    else out.push(arg);
  }
  return out;
}

function convertValue(flag: string, kind: FlagKind, v: string | boolean): unknown {
  if (typeof v === 'boolean') return v;
  switch (kind) {
    case 'number': {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
      return n;
    }
    case 'port': {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be 0-65535`);
      return n;
    }
    case 'fault':
      return parseFaultSpec(v);
    case 'list':
      return v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return v;
  }
}

/** The usage lines of the flags, for `sluice emulate <name> --help` texts. */
export function flagUsage<O>(flags: readonly FlagSpec<O>[]): string {
  const value: Record<FlagKind, string> = {
    string: ' <text>',
    number: ' <n>',
    port: ' <port>',
    list: ' <a,b>',
    boolean: '',
    fault: ' <spec>',
  };
  return flags.map((f) => `--${f.flag}${value[f.kind]}${f.multiple ? ' (repeatable)' : ''}`).join(' ');
}
