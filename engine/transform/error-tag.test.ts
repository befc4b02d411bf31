import { describe, expect, it } from 'vitest';
import { RecordError } from '../errors.js';
import { parseErrorTag } from './error-tag.js';
import { Transform } from './transform.js';

describe('$error() tags', () => {
  it('reads [class] and [class CODE] at the start of the message, and nothing else', () => {
    expect(parseErrorTag('[config] no G/L account')).toEqual({ reasonClass: 'config', message: 'no G/L account' });
    expect(parseErrorTag('[data GL_MISSING] no account')).toEqual({
      reasonClass: 'data',
      code: 'GL_MISSING',
      message: 'no account',
    });
    expect(parseErrorTag('[urgent] x')).toEqual({ message: '[urgent] x' });
    expect(parseErrorTag('[data lower] x')).toEqual({ message: '[data lower] x' });
    expect(parseErrorTag('employee 7: [config] x')).toEqual({ message: 'employee 7: [config] x' });
    expect(parseErrorTag('[locked]')).toEqual({ reasonClass: 'locked', message: '[locked]' });
  });

  it('a tagged $error() is a record error of that class and code, untagged it is data / TRANSFORM_FAILED', async () => {
    const t = new Transform('id = 1 ? $error("[conflict DUPLICATE_REPORT] seen twice") : $error("bad " & id)');
    const tagged = await t.apply({ id: 1 }).catch((e: unknown) => e);
    expect(tagged).toBeInstanceOf(RecordError);
    expect(tagged).toMatchObject({ code: 'DUPLICATE_REPORT', reasonClass: 'conflict', message: 'seen twice' });
    const plain = await t.apply({ id: 2 }).catch((e: unknown) => e);
    expect(plain).toMatchObject({ code: 'TRANSFORM_FAILED', reasonClass: 'data', message: 'bad 2' });
  });
});
