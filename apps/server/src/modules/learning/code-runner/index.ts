/**
 * The code-runner's public surface: its Nest module and the event it emits when a graded
 * submission is judged (the gradebook subscribes). The sandbox and judge stay inside.
 */
export { CodeRunnerModule } from './code-runner.module.js';
export { CodeSubmissionJudged } from './code-runner.events.js';
// judgeCode: run code against tests inside the sandbox, for graded items of other modules (quiz code questions)
export { CodeRunnerService } from './code-runner.service.js';
export type { JudgeCodeInput, JudgeCodeResult } from './code-runner.service.js';
export { SandboxUnavailable } from './sandbox.js';
