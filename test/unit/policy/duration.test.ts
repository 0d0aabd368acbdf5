import { describe, expect, it } from 'vitest';
import { isPast, parseDate, parseDuration, parseRotation, parseSize } from '../../../src/core/policy/duration.js';

const H = 3600 * 1000;
const D = 24 * H;

describe('rotation forms', () => {
  it.each([
    ['12h', { kind: 'duration', text: '12h', ms: 12 * H }],
    ['30d', { kind: 'duration', text: '30d', ms: 30 * D }],
    ['6w', { kind: 'duration', text: '6w', ms: 42 * D }],
    ['3mo', { kind: 'duration', text: '3mo', ms: 90 * D }],
    ['1y', { kind: 'duration', text: '1y', ms: 365 * D }],
    ['ephemeral', { kind: 'ephemeral', text: 'ephemeral' }],
    ['managed', { kind: 'managed', text: 'managed' }],
    ['never', { kind: 'never', text: 'never' }],
  ])('%s', (text, value) => {
    expect(parseRotation(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['3m', 'rotation-ish "3m" has an unknown unit "m" (write 3mo for months): use one of h, d, w, mo, y; or use ephemeral, managed, never'],
    ['0d', '"0d" is not a duration: write a whole number and a unit (h, d, w, mo, y), e.g. 90d; or use ephemeral, managed, never'],
    ['30', '"30" is not a duration: write a whole number and a unit (h, d, w, mo, y), e.g. 90d; or use ephemeral, managed, never'],
    ['1.5d', '"1.5d" is not a duration: write a whole number and a unit (h, d, w, mo, y), e.g. 90d; or use ephemeral, managed, never'],
    ['Never', '"Never" is not a duration: write a whole number and a unit (h, d, w, mo, y), e.g. 90d; or use ephemeral, managed, never'],
    ['toString', '"toString" is not a duration: write a whole number and a unit (h, d, w, mo, y), e.g. 90d; or use ephemeral, managed, never'],
    ['1constructor', '"1constructor" has an unknown unit "constructor": use one of h, d, w, mo, y; or use ephemeral, managed, never'],
  ])('%s is rejected', (text, error) => {
    expect(parseRotation(text)).toEqual({ ok: false, error: error.replace('rotation-ish ', '') });
  });

  it('durations', () => {
    expect(parseDuration('24h')).toEqual({ ok: true, value: D });
    expect(parseDuration('ephemeral').ok).toBe(false);
  });
});

describe('dates and sizes', () => {
  it.each([
    ['2027-03-31', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2027-13-01', false],
    ['31/03/2027', false],
    ['2027-3-31', false],
  ])('date %s valid → %s', (text, ok) => {
    expect(parseDate(text).ok).toBe(ok);
  });

  it('an exception is past only once its whole review-by day is over (UTC)', () => {
    const reviewBy = new Date('2026-06-15T00:00:00Z');
    expect(isPast(reviewBy, new Date('2026-06-15T23:59:59Z'))).toBe(false);
    expect(isPast(reviewBy, new Date('2026-06-16T00:00:00Z'))).toBe(true);
  });

  it.each([
    ['5MB', 5 * 1024 * 1024],
    ['5 mb', 5 * 1024 * 1024],
    ['512KB', 512 * 1024],
    ['1GiB', 1024 ** 3],
    ['1.5MB', 1.5 * 1024 * 1024],
    ['100', 100],
    ['100B', 100],
  ])('size %s = %d bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each(['5 apples', 'MB', '-1', '0', '__proto__'])('size %s is rejected', (text) => {
    expect(parseSize(text).ok).toBe(false);
  });
});
