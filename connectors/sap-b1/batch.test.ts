import { describe, expect, it } from 'vitest';
import { buildBatch, parseBatchResponse } from './batch.js';

describe('$batch wire format', () => {
  it('puts each write in its own change set with a Content-ID and a /b1s/vN request line', () => {
    const { contentType, body } = buildBatch(
      [
        { method: 'POST', path: 'JournalEntries', json: { Memo: 'a' } },
        {
          method: 'PATCH',
          path: "BusinessPartners('C1')",
          json: { CreditLimit: 5 },
          headers: { 'If-Match': 'W/"AB"' },
        },
      ],
      'v1',
      'batch_X',
    );
    expect(contentType).toBe('multipart/mixed;boundary=batch_X');
    expect(body.startsWith('--batch_X\r\nContent-Type: multipart/mixed;boundary=changeset_')).toBe(true);
    expect(body.endsWith('--batch_X--\r\n')).toBe(true);
    expect(body).toContain(
      'Content-ID: 1\r\n\r\nPOST /b1s/v1/JournalEntries HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"Memo":"a"}',
    );
    expect(body).toContain(
      'Content-ID: 2\r\n\r\nPATCH /b1s/v1/BusinessPartners(\'C1\') HTTP/1.1\r\nContent-Type: application/json\r\nIf-Match: W/"AB"\r\n\r\n{"CreditLimit":5}',
    );
    expect(body.match(/--changeset_[0-9a-f-]+--/g)).toHaveLength(2);
  });

  it("reads change set answers and a failed change set's single error, in order", () => {
    const body = [
      '--batchresponse_1',
      'Content-Type: multipart/mixed;boundary=changesetresponse_a',
      '',
      '--changesetresponse_a',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'HTTP/1.1 201 Created',
      'Content-Type: application/json;odata=minimalmetadata;charset=utf-8',
      'Location: https://h:50000/b1s/v1/JournalEntries(7)',
      '',
      '{"JdtNum":7}',
      '--changesetresponse_a--',
      '--batchresponse_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/json',
      '',
      '{"error":{"code":-10,"message":{"lang":"en-us","value":"Unbalanced"}}}',
      '--batchresponse_1--',
      '',
    ].join('\r\n');
    const results = parseBatchResponse('multipart/mixed; boundary=batchresponse_1', body);
    expect(results).toHaveLength(2);
    expect(results?.[0]).toMatchObject({
      status: 201,
      body: { JdtNum: 7 },
      headers: { location: 'https://h:50000/b1s/v1/JournalEntries(7)' },
    });
    expect(results?.[1]).toMatchObject({ status: 400, body: { error: { code: -10 } } });
    expect(parseBatchResponse('application/json', '{}')).toBeUndefined();
  });

  it('reads a 204 part without a body', () => {
    const body =
      '--b\r\nContent-Type: multipart/mixed;boundary=c\r\n\r\n--c\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n\r\n--c--\r\n--b--\r\n';
    expect(parseBatchResponse('multipart/mixed;boundary=b', body)).toEqual([
      { status: 204, headers: {}, body: undefined, raw: '' },
    ]);
  });
});
