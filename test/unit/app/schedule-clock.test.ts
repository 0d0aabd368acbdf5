import { describe, expect, it } from 'vitest';
import { ScheduleClock } from '../../../src/app/schedule-clock.js';

describe('ScheduleClock', () => {
  it('makes a repository due once, then again when its own schedule has elapsed', () => {
    let now = 1_000_000;
    const clock = new ScheduleClock(() => now);
    const day = 24 * 60 * 60 * 1000;
    expect(clock.isDue('acme/api', day)).toBe(true);
    clock.record('acme/api');
    expect(clock.isDue('acme/api', day)).toBe(false);
    expect(clock.isDue('ACME/API', day)).toBe(false);
    now += 6 * 60 * 60 * 1000;
    expect(clock.isDue('acme/api', day)).toBe(false);
    expect(clock.isDue('acme/api', 6 * 60 * 60 * 1000)).toBe(true);
    now += day;
    expect(clock.isDue('acme/api', day)).toBe(true);
    expect(clock.isDue('acme/other', day)).toBe(true);
  });
});
