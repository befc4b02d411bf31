/** Test helpers: a token for the emulator and JSON calls against it (plain fetch, no connector). */
import type { ArPlatformEmulator } from './index.js';

export interface Reply {
  status: number;
  headers: Headers;
  json: any;
}

export async function tokenFor(emu: ArPlatformEmulator): Promise<string> {
  const res = await fetch(emu.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emu.credentials.clientId,
      client_secret: emu.credentials.clientSecret,
    }).toString(),
  });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

/** A JSON call with a bearer token; `path` is below the origin (`/v1/payments?limit=2`) or absolute. */
export async function call(
  emu: ArPlatformEmulator,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Reply> {
  const res = await fetch(path.startsWith('http') ? path : `${emu.url}${path}`, {
    method,
    headers: {
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    ...(signal && { signal }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
