/**
 * POSTs an alert payload. The URL is a secret (Slack and most chat webhooks carry their token in
 * it): it goes nowhere but the request, and a failure is described without it.
 */
export interface WebhookResult {
  ok: boolean;
  /** Why it failed, without the URL: an HTTP status or a network error code. */
  problem?: string;
}

export type PostJson = (url: string, body: unknown, timeoutMs: number) => Promise<WebhookResult>;

export const postJson: PostJson = async (url, body, timeoutMs) => {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'sluice' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? { ok: true } : { ok: false, problem: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    if (e.name === 'TimeoutError') return { ok: false, problem: `no answer within ${timeoutMs} ms` };
    return { ok: false, problem: e.cause?.code ?? e.name ?? 'request failed' };
  }
};
