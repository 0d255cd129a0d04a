import { Anchor, MantineProvider, Notification, createTheme, darken, localStorageColorSchemeManager, type CSSVariablesResolver } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from './api';
import { Layout } from './components/Layout';
import { RequireAuth } from './components/RequireAuth';
import { accountRoutes } from './pages/account/routes';
import { adminRoutes } from './pages/admin/routes';
import { certificatesRoutes } from './pages/certificates/routes';
import { playerRoutes } from './pages/player/routes';
import { billingRoutes } from './pages/billing/routes';
import { commerceRoutes } from './pages/commerce/routes';
import { videoRoutes } from './pages/video/routes';
import { gradebookRoutes } from './pages/gradebook/routes';
import { growthRoutes } from './pages/growth/routes';
import { RefCapture } from './pages/growth/RefCapture';
import { assignmentsRoutes } from './pages/assignments/routes';
import { CatalogPage } from './pages/CatalogPage';
import { instructorRoutes } from './pages/instructor/routes';
import { mediaRoutes } from './pages/media/routes';
import { quizRoutes } from './pages/quiz/routes';
import { NotFoundPage } from './pages/NotFoundPage';

// The catalog is the landing page and ships in the main bundle; the other screens load on demand
// (each area's routes.tsx holds only lazy imports).
const CoursePage = lazy(() => import('./pages/CoursePage').then((m) => ({ default: m.CoursePage })));
const PreviewLessonPage = lazy(() => import('./pages/PreviewLessonPage').then((m) => ({ default: m.PreviewLessonPage })));
const LessonPage = lazy(() => import('./pages/LessonPage').then((m) => ({ default: m.LessonPage })));
const MyLearningPage = lazy(() => import('./pages/MyLearningPage').then((m) => ({ default: m.MyLearningPage })));
const SignInPage = lazy(() => import('./pages/SignInPage').then((m) => ({ default: m.SignInPage })));
const SignUpPage = lazy(() => import('./pages/SignUpPage').then((m) => ({ default: m.SignUpPage })));

const theme = createTheme({
  primaryColor: 'indigo',
  // darker shades keep text on filled buttons above 4.5:1 contrast
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  // links inside text must be recognisable without colour
  components: {
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    // a titled toast greys its message with gray-6 (3.3:1); the tuned dimmed colour passes
    Notification: Notification.extend({ styles: { description: { color: 'var(--mantine-color-dimmed)' } } }),
  },
});

// Mantine's default dimmed text and light/subtle/outline variants fall below 4.5:1 contrast (axe
// "color-contrast"); use darker shades in the light theme and lighter ones in the dark theme.
const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const light: Record<string, string> = { '--mantine-color-dimmed': t.colors.gray[7]!, '--mantine-color-placeholder': t.colors.gray[7]! };
  const dark: Record<string, string> = { '--mantine-color-dimmed': t.colors.dark[1]!, '--mantine-color-placeholder': t.colors.dark[1]! };
  // error text (field messages) and filled buttons with white text (red "Delete", green "Publish")
  light['--mantine-color-error'] = t.colors.red[9]!;
  dark['--mantine-color-error'] = t.colors.red[4]!;
  for (const name of Object.keys(t.colors)) {
    if (name === 'dark') continue;
    const c = t.colors[name]!;
    if (name !== t.primaryColor) {
      light[`--mantine-color-${name}-filled`] = c[9]!;
      light[`--mantine-color-${name}-filled-hover`] = darken(c[9]!, 0.1);
      dark[`--mantine-color-${name}-filled`] = c[9]!;
      dark[`--mantine-color-${name}-filled-hover`] = darken(c[9]!, 0.1);
    }
    light[`--mantine-color-${name}-outline`] = c[8]!;
    light[`--mantine-color-${name}-light-color`] = darken(c[9]!, 0.25);
    light[`--mantine-color-${name}-light-hover`] = c[1]!;
    light[`--mantine-color-${name}-text`] = c[8]!;
    dark[`--mantine-color-${name}-outline`] = c[3]!;
    dark[`--mantine-color-${name}-text`] = c[3]!;
  }
  return { variables: {}, light, dark };
};

const colorSchemeManager = localStorageColorSchemeManager({ key: 'lyceum.color-scheme' });

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager} cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <ModalsProvider>
          <BrowserRouter>
            <RefCapture />
            <Routes>
              <Route element={<Layout />}>
                <Route index element={<CatalogPage />} />
                <Route path="catalog" element={<CatalogPage />} />
                <Route path="courses/:slug" element={<CoursePage />} />
                <Route path="courses/:slug/preview/:lessonId" element={<PreviewLessonPage />} />
                <Route path="sign-in" element={<SignInPage />} />
                <Route path="sign-up" element={<SignUpPage />} />
                <Route element={<RequireAuth />}>
                  <Route path="my-learning" element={<MyLearningPage />} />
                  <Route path="learn/:courseId/lessons/:lessonId" element={<LessonPage />} />
                </Route>
                {accountRoutes()}
                {instructorRoutes()}
                {mediaRoutes()}
                {adminRoutes()}
                {certificatesRoutes()}
                {playerRoutes()}
                {billingRoutes()}
                {commerceRoutes()}
                {videoRoutes()}
                {gradebookRoutes()}
                {assignmentsRoutes()}
                {quizRoutes()}
                {growthRoutes()}
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </ModalsProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
