import { describe, expect, it } from 'vitest';
import { countBits, emptyBitmap, isComplete, markWatched, rangesProblem, secondsOf } from './watch-rules.js';

describe('watch rules', () => {
  it('counts a second when a range covers its middle', () => {
    expect(secondsOf([0, 2], 8)).toEqual({ from: 0, to: 1 });
    expect(secondsOf([0.4, 0.6], 8)).toEqual({ from: 0, to: 0 });
    expect(secondsOf([0.6, 1.4], 8)).toBeNull();
    expect(secondsOf([7, 9], 8)).toEqual({ from: 7, to: 7 });
  });

  it('keeps distinct seconds in a bitmap PostgreSQL get_bit reads as second s', () => {
    const { bitmap, distinct } = markWatched(emptyBitmap(10), 10, [[0, 2], [1, 3], [8, 10]]);
    expect(distinct).toBe(5);
    expect([...bitmap]).toEqual([0b0000_0111, 0b0000_0011]);
    expect(countBits(bitmap, 10)).toBe(5);
  });

  it('completes at 90% of the seconds, rounded up', () => {
    expect(isComplete(89, 100)).toBe(false);
    expect(isComplete(90, 100)).toBe(true);
    expect(isComplete(7, 8)).toBe(false);
  });

  it('refuses ranges outside the video, reversed, or more than could play in the time', () => {
    expect(rangesProblem([[0, 10]], 10, 20)).toBeNull();
    expect(rangesProblem([[0, 11]], 10, 20)).toMatch(/within the video/);
    expect(rangesProblem([[5, 5]], 10, 20)).toMatch(/end after/);
    expect(rangesProblem([[0, 10]], 10, 1)).toMatch(/more than could play/);
  });
});
