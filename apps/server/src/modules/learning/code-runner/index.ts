/**
 * The code-runner's public surface: its Nest module and the event it emits when a graded
 * submission is judged (the gradebook subscribes). The sandbox and judge stay inside.
 */
export { CodeRunnerModule } from './code-runner.module.js';
export { CodeSubmissionJudged } from './code-runner.events.js';
