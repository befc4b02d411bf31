import { describe, expect, it } from 'vitest';
import { impureCalls } from './purity.js';

describe('transform purity', () => {
  it('finds $now, $millis and $random wherever they are called', () => {
    expect(impureCalls('{ "id": id, "at": $now() }')).toEqual(['now']);
    expect(impureCalls('{ "x": lines.{ "t": $millis() + $random() } }').sort()).toEqual(['millis', 'random']);
    expect(impureCalls('( $f := function($v) { $now() }; $f(1) )')).toEqual(['now']);
  });

  it('finds nothing in a pure transform, even when a field is named like a function', () => {
    expect(impureCalls('{ "now": now, "total": $sum(lines.amount), "d": $lookup("m", code) }')).toEqual([]);
  });
});
