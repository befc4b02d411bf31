/**
 * Headless Chromium for the browser tests: Debian's `chromium` package, installed with apt-get
 * when missing (as mariadb.ts does for MariaDB) — never a browser download. playwright-core drives
 * it through `executablePath`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0)
    throw new Error('no Chromium at /usr/bin/chromium and not root: install it (apt-get install chromium) and rerun');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): void =>
    void execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    install();
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error('chromium installed but /usr/bin/chromium is missing');
  return CHROMIUM_PATH;
}
