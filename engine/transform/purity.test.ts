import { describe, expect, it } from 'vitest';
import { impureCalls, programImpureCalls } from './purity.js';

describe('transform purity', () => {
  it('finds $now, $millis and $random wherever they are called', () => {
    expect(impureCalls('{ "id": id, "at": $now() }')).toEqual(['now']);
    expect(impureCalls('{ "x": lines.{ "t": $millis() + $random() } }').sort()).toEqual(['millis', 'random']);
    expect(impureCalls('( $f := function($v) { $now() }; $f(1) )')).toEqual(['now']);
  });

  it('finds nothing in a pure transform, even when a field is named like a function', () => {
    expect(impureCalls('{ "now": now, "total": $sum(lines.amount), "d": $lookup("m", code) }')).toEqual([]);
  });

  it('counts the functions of the libraries a transform imports, whether or not the transform calls them', () => {
    const lib = (text: string) => ({ path: '/p/mappings/lib.jsonata', text });
    expect(
      programImpureCalls({ transform: '$stamp($)', libraries: [lib('{ "stamp": function($r) { $now() } }')] }),
    ).toEqual(['now']);
    expect(
      programImpureCalls({
        transform: '$random()',
        libraries: [lib('{ "a": function() { $random() } }'), lib('{ "b": function() { $millis() } }')],
      }),
    ).toEqual(['random', 'millis']);
    expect(
      programImpureCalls({ transform: '$post($)', libraries: [lib('{ "post": function($d) { $d.x } }')] }),
    ).toEqual([]);
  });
});
