/**
 * The demo's servers keep their ports between `sluice demo` invocations (with `persist`), when those
 * are still free: connections.yaml stays the same, and so does what the engine fingerprints of it. A
 * changed connection re-evaluates a pipeline's records; for a target that cannot be read back (the
 * SFTP batch file) that means sending every record again.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export type DemoPorts = Partial<Record<'concur' | 'b1' | 'ar' | 'sftp', number>>;

export function loadPorts(path: string): DemoPorts {
  if (!existsSync(path)) return {};
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(saved).filter(([, p]) => Number.isInteger(p) && (p as number) > 0 && (p as number) < 65536),
    ) as DemoPorts;
  } catch {
    return {}; // unreadable: any free ports
  }
}

export function savePorts(path: string, ports: DemoPorts): void {
  writeFileSync(path, `${JSON.stringify(ports)}\n`);
}

/** Starts a server on `wanted` when given, and on a port the system picks when that one is taken. */
export async function onPort<T>(
  wanted: number | undefined,
  start: (port: number | undefined) => Promise<T>,
): Promise<T> {
  if (wanted === undefined) return start(undefined);
  try {
    return await start(wanted);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return start(undefined);
  }
}
