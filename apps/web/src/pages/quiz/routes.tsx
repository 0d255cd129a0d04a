import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const QuestionBankPage = lazy(() => import('./QuestionBankPage').then((m) => ({ default: m.QuestionBankPage })));
const OrgQuestionBankPage = lazy(() => import('./QuestionBankPage').then((m) => ({ default: m.OrgQuestionBankPage })));
const GradingQueuePage = lazy(() => import('./GradingQueuePage').then((m) => ({ default: m.GradingQueuePage })));

/** The quiz screens' routes (question bank, grading queue), placed inside the app layout by App.tsx. */
export function quizRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="teach/question-banks" element={<OrgQuestionBankPage />} />
        <Route path="teach/courses/:courseId/question-bank" element={<QuestionBankPage />} />
        <Route path="teach/courses/:courseId/grading" element={<GradingQueuePage />} />
      </Route>
    </Fragment>
  );
}
