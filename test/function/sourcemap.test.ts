import { decodeSegment, dropSources, encodeSegment } from '../../src/function/private/sourcemap';

describe('Base64 VLQ', () => {
  test.each([[[0]], [[1, -1, 15, -16]], [[16, 1000, -1000, 123456]], [[0, 0, 0, 0, 0]]])('round trip %j', (values) => {
    expect(decodeSegment(encodeSegment(values))).toEqual(values);
  });

  test('known encodings from the source map spec examples', () => {
    expect(encodeSegment([0, 0, 0, 0])).toBe('AAAA');
    expect(encodeSegment([16])).toBe('gB');
    expect(decodeSegment('2HwcqxB')).toEqual([123, 456, 789]);
  });

  test('bad characters are refused', () => {
    expect(() => decodeSegment('A*')).toThrow(/invalid base64 VLQ character/);
  });
});

describe('dropSources', () => {
  // line 1: col 0 -> a.ts 0:0, col 5 -> node_modules/x.js 3:2, col 9 -> a.ts 1:4 with name 0
  // line 2: col 2 -> node_modules/x.js 4:0, col 7 -> b.ts 0:1
  const segments = [
    [[0, 0, 0, 0], [5, 1, 3, 2], [4, -1, -2, 2, 0]],
    [[2, 1, 3, -4], [5, 1, -4, 1]],
  ];
  const map = {
    version: 3,
    sources: ['a.ts', '../node_modules/x/index.js', 'b.ts'],
    sourcesContent: ['A', 'X', 'B'],
    names: ['n'],
    mappings: segments.map((line) => line.map(encodeSegment).join(',')).join(';'),
  };

  test('keeps the remaining mappings pointing at the same places', () => {
    const out = dropSources(map, (s) => s.includes('node_modules/'));
    expect(out.sources).toEqual(['a.ts', 'b.ts']);
    expect(out.sourcesContent).toEqual(['A', 'B']);
    // decode back to absolute positions
    let src = 0, line = 0, col = 0, name = 0;
    const absolute = out.mappings.split(';').map((l) => {
      let gen = 0;
      return l.split(',').filter(Boolean).map((seg) => {
        const v = decodeSegment(seg);
        gen += v[0]; src += v[1]; line += v[2]; col += v[3];
        if (v.length > 4) name += v[4];
        return v.length > 4 ? [gen, out.sources[src], line, col, name] : [gen, out.sources[src], line, col];
      });
    });
    expect(absolute).toEqual([
      [[0, 'a.ts', 0, 0], [9, 'a.ts', 1, 4, 0]],
      [[7, 'b.ts', 0, 1]],
    ]);
  });

  test('dropping nothing keeps the mappings identical', () => {
    expect(dropSources(map, () => false).mappings).toBe(map.mappings);
  });
});
