/** Who does an operator action: `--by`, else the OS user (for the audit trail). */
import { userInfo } from 'node:os';

export function actor(by?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (by !== undefined && by.trim() !== '') return by.trim();
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry (a container with a random uid): fall back to the environment.
  }
  return env.USER ?? env.LOGNAME ?? env.USERNAME ?? 'unknown';
}
