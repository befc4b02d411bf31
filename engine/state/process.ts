/** Whether a process recorded in the state store (lease holder, run) can still be alive. */
import { hostname } from 'node:os';

/** This machine, as leases and runs record it. */
export function thisHost(): string {
  return hostname();
}

/** Whether process `pid` exists on this host (a process we may not signal exists too). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process recorded as `host`/`pid` that certainly is not running: on this host, and its pid is gone. */
export function processGone(host: string | null, pid: number | string | null): boolean {
  return host === thisHost() && pid !== null && !processAlive(Number(pid));
}
