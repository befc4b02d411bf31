import { describe, expect, it } from 'vitest';
import { DecodeError } from './errors.js';
import { csvFields } from './format.js';
import { RAW_MAX_CHARS, firstInvalidByte, rawText } from './text.js';

describe('csvFields', () => {
  it('reads quoted and unquoted fields, doubled quotes, empty fields and multi-character delimiters', () => {
    expect(csvFields('a,"b,c","d""e",,""', ',')).toEqual(['a', 'b,c', 'd"e', '', '']);
    expect(csvFields('"x",', ',')).toEqual(['x', '']);
    expect(csvFields('"multi\nline"', ',')).toEqual(['multi\nline']);
    expect(csvFields('1::"a::b"::3', '::')).toEqual(['1', 'a::b', '3']);
  });

  it('refuses quotes inside unquoted fields and text after a closing quote, naming the field', () => {
    expect(() => csvFields('1,ab"c', ',')).toThrow(/quote inside the unquoted field 2/);
    expect(() => csvFields('1,"ab"c,3', ',')).toThrow(/after the closing quote of field 2/);
    expect(() => csvFields(' "a",b', ',')).toThrow(DecodeError);
  });
});

describe('row text', () => {
  it('finds the first invalid byte per encoding', () => {
    expect(firstInvalidByte(Buffer.from('café €😀'), 'utf8')).toBe(-1);
    expect(firstInvalidByte(Buffer.from([0x61, 0xed, 0xa0, 0x80]), 'utf8')).toBe(1); // a UTF-16 surrogate
    expect(firstInvalidByte(Buffer.from([0x61, 0xf4, 0x90, 0x80, 0x80]), 'utf8')).toBe(1); // beyond U+10FFFF
    expect(firstInvalidByte(Buffer.from([0x61, 0xe9]), 'latin1')).toBe(-1);
    expect(firstInvalidByte(Buffer.from([0x61, 0x62, 0xe9]), 'ascii')).toBe(2);
  });

  it('escapes invalid bytes as \\xNN and caps the text with an ellipsis', () => {
    expect(rawText(Buffer.from([0x61, 0xff, 0xc3, 0xa9, 0xc3]), 'utf8')).toBe('a\\xFFé\\xC3');
    const long = rawText(Buffer.from('é'.repeat(5000)), 'utf8');
    expect(long).toBe(`${'é'.repeat(RAW_MAX_CHARS)}…`);
    const longBad = rawText(Buffer.concat([Buffer.from([0xff]), Buffer.from('x'.repeat(9000))]), 'utf8');
    expect(longBad.startsWith('\\xFFxxx')).toBe(true);
    expect(longBad).toHaveLength(RAW_MAX_CHARS + 1);
    expect(rawText(Buffer.from('short'), 'utf8')).toBe('short');
  });
});
