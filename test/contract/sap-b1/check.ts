/**
 * One SAP Business One exchange against the vendored $metadata (exchange.ts), and each part of a
 * `$batch` with its answer: the multipart structure (no GET in a change set, Content-ID in v2 change
 * sets, 202 in v1 / 200 in v2; fact sheet §7) and every inner request as if sent alone. Answers of
 * injected faults are not the system's and are not checked.
 */
import type { Mismatch, TestExchange } from '../mismatch.js';
import { checkReply, checkRequest, type Add } from './exchange.js';
import { parseBatch } from './multipart.js';
import type { Version } from './values.js';

function checkBatch(
  x: TestExchange,
  version: Version,
  add: (part: string, side: Mismatch['side'], m: string, at?: string, spec?: string) => void,
): void {
  let requests;
  try {
    requests = parseBatch(x.request.body, x.request.headers['content-type'], 'request');
  } catch (err) {
    return add('', 'request', `the $batch body does not parse: ${(err as Error).message}`);
  }
  let replies: ReturnType<typeof parseBatch> = [];
  const res = x.response;
  if (res && x.fault === undefined) {
    if (res.status !== (version === 'v1' ? 202 : 200) && res.status < 400)
      add(
        '',
        'response',
        `$batch answered ${res.status}; ${version} answers ${version === 'v1' ? 202 : 200}`,
        undefined,
        'sap-b1-service-layer.md §7',
      );
    if (res.status < 400) {
      try {
        replies = parseBatch(res.body, res.headers['content-type'], 'response');
      } catch (err) {
        add('', 'response', `the $batch answer does not parse: ${(err as Error).message}`);
      }
    }
  }
  requests.forEach((part, i) => {
    const name = `part ${i + 1}: ${part.method} ${part.url}`;
    const partAdd: Add = (side, m, at, spec) => add(name, side, m, at, spec);
    if (part.changeSet !== undefined && part.method === 'GET')
      partAdd('request', 'a GET inside a change set (sap-b1-service-layer.md §7)');
    if (part.changeSet !== undefined && version === 'v2' && part.partHeaders['content-id'] === undefined)
      partAdd('request', 'no Content-ID: mandatory in v2 change sets (sap-b1-service-layer.md §7)');
    const cookie = x.request.headers.cookie;
    const checked = checkRequest(
      {
        method: part.method!,
        url: part.url!,
        headers: { ...part.headers, ...(cookie && { cookie }) },
        body: part.body,
      },
      partAdd,
    );
    const reply = replies[i];
    if (checked && reply)
      checkReply(checked, { status: reply.status!, headers: reply.headers, body: reply.body }, partAdd);
  });
}

export function checkSapB1Exchange(x: TestExchange): Mismatch[] {
  const out: Mismatch[] = [];
  const request = `${x.request.method} ${x.request.url}`;
  const add = (part: string, side: Mismatch['side'], message: string, at?: string, spec?: string): void => {
    out.push({
      test: x.test,
      system: 'sap-b1',
      request: part ? `${request} ${part}` : request,
      side,
      message,
      ...(at !== undefined && { at }),
      ...(spec && { spec }),
    });
  };
  const top: Add = (side, m, at, spec) => add('', side, m, at, spec);
  const checked = checkRequest(x.request, top);
  if (!checked) return out;
  if (checked.addressed.resource.kind === 'batch') checkBatch(x, checked.addressed.version, add);
  else if (x.response && x.fault === undefined) checkReply(checked, x.response, top);
  return out;
}
