import { describe, expect, it } from 'vitest';
import { Conflict } from './errors.js';
import { toProblem } from './problem.filter.js';

describe('toProblem', () => {
  it('keeps extension members beside the problem’s own, which an extra cannot replace', () => {
    const { problem } = toProblem(new Conflict('The course is full.', 'course_full', { status: 'waitlisted', position: 3, code: 'x', title: 'y' }));
    expect(problem).toMatchObject({ status: 409, code: 'course_full', title: 'Conflict', detail: 'The course is full.', position: 3 });
  });
});
