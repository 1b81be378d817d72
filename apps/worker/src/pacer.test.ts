import { SinkPacer } from './pacer.js';

describe('SinkPacer', () => {
  test('a sink gets one second of sends as a burst, then waits for the next token', () => {
    let now = 1_000_000;
    const pacer = new SinkPacer(() => now);
    expect([pacer.take('s', 2), pacer.take('s', 2)]).toEqual([0, 0]);
    expect(pacer.take('s', 2)).toBe(500);
    now += 250;
    expect(pacer.take('s', 2)).toBe(250);
    now += 250;
    expect(pacer.take('s', 2)).toBe(0);
  });

  test('a slow rate spaces sends, and sinks are paced independently', () => {
    let now = 0;
    const pacer = new SinkPacer(() => now);
    expect(pacer.take('a', 0.5)).toBe(0);
    expect(pacer.take('a', 0.5)).toBe(2_000);
    expect(pacer.take('b', 0.5)).toBe(0);
    now += 2_000;
    expect(pacer.take('a', 0.5)).toBe(0);
  });

  test('a rate of 0 is unlimited', () => {
    const pacer = new SinkPacer(() => 0);
    for (let i = 0; i < 100; i++) expect(pacer.take('s', 0)).toBe(0);
  });
});
