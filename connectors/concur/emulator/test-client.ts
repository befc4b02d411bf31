/** Raw HTTP helpers for the emulator's own tests (the connector has its own client). */
import { got } from 'got';
import type { ConcurEmulator } from './index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export async function raw(
  url: string,
  init: {
    method?: string;
    json?: unknown;
    form?: Record<string, string>;
    token?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<RawResponse> {
  const res = await got(url, {
    method: (init.method ?? 'GET') as 'GET',
    throwHttpErrors: false,
    retry: { limit: 0 },
    headers: {
      accept: 'application/json',
      ...(init.token && { authorization: `Bearer ${init.token}` }),
      ...init.headers,
    },
    ...(init.json !== undefined && { json: init.json }),
    ...(init.form !== undefined && { form: init.form }),
    ...(init.signal && { signal: init.signal }),
  });
  const text = res.body;
  const json = /json/.test(String(res.headers['content-type'] ?? '')) || /^\s*[[{]/.test(text);
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text && json ? (JSON.parse(text) as unknown) : text || undefined,
  };
}

export function passwordGrant(emu: ConcurEmulator, overrides: Record<string, string> = {}): Record<string, string> {
  const c = emu.credentials;
  return {
    client_id: c.clientId,
    client_secret: c.clientSecret,
    grant_type: 'password',
    credtype: 'authtoken',
    username: c.companyUuid,
    password: c.requestToken,
    ...overrides,
  };
}

/** A fresh company token from the company's region. */
export async function companyToken(emu: ConcurEmulator): Promise<{ access: string; refresh: string }> {
  const res = await raw(emu.tokenUrl, { method: 'POST', form: passwordGrant(emu) });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { access: res.body.access_token as string, refresh: res.body.refresh_token as string };
}

export async function api(
  emu: ConcurEmulator,
  token: string,
  method: string,
  path: string,
  json?: unknown,
  signal?: AbortSignal,
): Promise<RawResponse> {
  return raw(`${emu.baseUrl}${path}`, {
    method,
    token,
    ...(json !== undefined && { json }),
    ...(signal && { signal }),
  });
}

/** A user create User Provisioning accepts under the spec's rules (every required attribute), for the demo company. */
export function newUserBody(
  emu: ConcurEmulator,
  userName: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const [given = 'New', family = 'User'] = userName.split('@')[0]!.split('.');
  return {
    userName,
    active: true,
    timezone: 'America/Chicago',
    preferredLanguage: 'en-US',
    name: { givenName: given, familyName: family },
    emails: [{ value: userName, type: 'work' }],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      companyId: emu.credentials.companyUuid,
      startDate: '2025-04-01T00:00:00Z',
    },
    ...extra,
  };
}
