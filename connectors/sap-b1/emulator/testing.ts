/**
 * A minimal Service Layer client over fetch, for tests that talk to the emulator directly (the
 * connector has its own client; this one keeps emulator tests independent of it).
 */
import type { SapB1Emulator } from './index.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;

  json: any;
}

export interface TestClient {
  root: string;
  cookie: string | undefined;
  login(credentials?: {
    CompanyDB?: string;
    UserName?: string;
    Password?: string;
    Language?: unknown;
  }): Promise<RawResponse>;
  request(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<RawResponse>;
}

export function testClient(emu: SapB1Emulator, version: 'v1' | 'v2' = 'v2'): TestClient {
  const client: TestClient = {
    root: `${emu.url}/b1s/${version}`,
    cookie: undefined,
    async login(credentials = {}) {
      const res = await client.request('POST', 'Login', {
        body: { CompanyDB: emu.companyDb, UserName: 'manager', Password: 'manager', ...credentials },
      });
      const cookies = res.headers.getSetCookie();
      if (res.status === 200) client.cookie = cookies.map((c) => c.split(';')[0]).join('; ');
      return res;
    },
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (client.cookie !== undefined) headers.cookie = client.cookie;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${client.root}/${path}`, {
        method,
        headers,
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        ...(options.signal && { signal: options.signal }),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
  };
  return client;
}
