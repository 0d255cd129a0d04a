export * from './errors.js';
export { ProblemFilter, sendProblem, toProblem, zodFieldErrors } from './problem.filter.js';
export type { Problem } from './problem.filter.js';
