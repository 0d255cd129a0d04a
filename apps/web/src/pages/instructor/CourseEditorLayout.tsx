import { Anchor, Button, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api';
import { confirmAction, ErrorState, notify, notifyError, usePageTitle } from '../../components/common';
import { courseKey, courseState, useCourse, useCourseCache, type CourseEditor } from './model';
import { StatusBadge } from './StatusBadge';

/** Titles the page while the course loads (each tab titles itself once it is shown). */
function PageTitle({ title }: { title: string }) {
  usePageTitle(title);
  return null;
}

type Action = 'publish' | 'unpublish' | 'archive' | 'delete';

function EditorTabs({ courseId }: { courseId: string }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const base = `/teach/courses/${courseId}`;
  const tabs = [
    { to: base, label: t('instructor.tabs.details'), active: pathname === base || pathname === `${base}/` },
    { to: `${base}/curriculum`, label: t('instructor.tabs.curriculum'), active: pathname.startsWith(`${base}/curriculum`) || pathname.startsWith(`${base}/lessons`) },
    { to: `${base}/learners`, label: t('instructor.tabs.learners'), active: pathname.startsWith(`${base}/learners`) },
    { to: `${base}/gradebook`, label: t('gradebook.tab'), active: pathname.startsWith(`${base}/gradebook`) },
    { to: `${base}/certificate`, label: t('certificates.tab'), active: pathname.startsWith(`${base}/certificate`) },
    { to: `${base}/pricing`, label: t('commerce.pricing.tab'), active: pathname.startsWith(`${base}/pricing`) },
  ];
  return (
    <Group component="nav" aria-label={t('instructor.tabs.label')} gap={4} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }} pb={4}>
      {tabs.map((tab) => (
        <Button
          key={tab.to}
          component={NavLink}
          to={tab.to}
          end
          variant={tab.active ? 'light' : 'subtle'}
          color={tab.active ? undefined : 'gray'}
          aria-current={tab.active ? 'page' : undefined}
          size="sm"
        >
          {tab.label}
        </Button>
      ))}
    </Group>
  );
}

/** The frame of the course editor: title, state, publishing actions and the tabs. */
export function CourseEditorLayout() {
  const { courseId = '' } = useParams();
  const { t } = useTranslation();
  const course = useCourse(courseId);
  const cache = useCourseCache(courseId);
  const [busy, setBusy] = useState<Action | null>(null);
  const navigate = useNavigate();
  const qc = useQueryClient();

  if (course.isPending)
    return (
      <Stack aria-hidden="true">
        <PageTitle title={t('instructor.editor.title')} />
        <Skeleton height={36} width="60%" />
        <Skeleton height={24} width="30%" />
        <Skeleton height={300} />
      </Stack>
    );
  if (course.isError)
    return (
      <>
        <PageTitle title={t('instructor.editor.title')} />
        <ErrorState error={course.error} onRetry={() => void course.refetch()} />
      </>
    );
  const c = course.data;
  const state = courseState(c);

  const run = async (action: Action) => {
    if (action !== 'publish') {
      const ok = await confirmAction({
        title: t(`instructor.editor.${action}ConfirmTitle`),
        message: t(`instructor.editor.${action}ConfirmMessage`),
        confirmLabel: t(`instructor.editor.${action}`),
      });
      if (!ok) return;
    }
    setBusy(action);
    try {
      const path = { params: { path: { id: courseId } } };
      if (action === 'delete') {
        await call(api.DELETE('/api/v1/courses/{id}', path));
        notify({ color: 'green', message: t('instructor.editor.deleteDone', { title: c.draft.title }) });
        await qc.invalidateQueries({ queryKey: ['instructor', 'courses'] });
        void qc.invalidateQueries({ queryKey: ['catalog'] });
        navigate('/teach', { replace: true });
        qc.removeQueries({ queryKey: courseKey(courseId) });
        return;
      }
      const next =
        action === 'publish'
          ? await call<CourseEditor>(api.POST('/api/v1/courses/{id}/publish', path))
          : action === 'unpublish'
            ? await call<CourseEditor>(api.POST('/api/v1/courses/{id}/unpublish', path))
            : await call<CourseEditor>(api.POST('/api/v1/courses/{id}/archive', path));
      cache.set(next);
      notify({ color: 'green', message: t(`instructor.editor.${action}Done`) });
    } catch (err) {
      notifyError(err, t);
    } finally {
      setBusy(null);
    }
  };

  const stateText =
    state === 'changed'
      ? t('instructor.editor.stateChanged', { version: c.liveVersion })
      : state === 'published'
        ? t('instructor.editor.statePublished', { version: c.liveVersion })
        : state === 'archived'
          ? t('instructor.editor.stateArchived')
          : c.liveVersion
            ? t('instructor.editor.stateUnpublished')
            : t('instructor.editor.stateDraft');

  return (
    <Stack>
      <Anchor component={Link} to="/teach" size="sm">
        {t('instructor.editor.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={6} style={{ minWidth: 0, flex: '1 1 260px' }}>
          <Title order={1} style={{ overflowWrap: 'anywhere' }}>
            {c.draft.title}
          </Title>
          <Group gap="xs">
            <StatusBadge course={c} />
            <Text size="sm" c="dimmed" data-testid="course-state-text">
              {stateText}
            </Text>
          </Group>
        </Stack>
        <Group gap="xs">
          {c.status === 'published' && (
            <Button component={Link} to={`/courses/${c.slug}`} variant="default">
              {t('instructor.editor.viewInCatalog')}
            </Button>
          )}
          {c.can.publish && (state !== 'published' || c.hasUnpublishedChanges) && (
            <Button loading={busy === 'publish'} disabled={!!busy} onClick={() => void run('publish')}>
              {state === 'changed' ? t('instructor.editor.publishChanges') : t('instructor.editor.publish')}
            </Button>
          )}
          {c.can.publish && c.status === 'published' && (
            <Button variant="default" loading={busy === 'unpublish'} disabled={!!busy} onClick={() => void run('unpublish')}>
              {t('instructor.editor.unpublish')}
            </Button>
          )}
          {c.can.publish && c.status !== 'archived' && (
            <Button variant="outline" color="red" loading={busy === 'archive'} disabled={!!busy} onClick={() => void run('archive')}>
              {t('instructor.editor.archive')}
            </Button>
          )}
          {c.can.delete && c.learnerCount === 0 && (
            <Button variant="outline" color="red" loading={busy === 'delete'} disabled={!!busy} onClick={() => void run('delete')}>
              {t('instructor.editor.delete')}
            </Button>
          )}
        </Group>
      </Group>
      <EditorTabs courseId={courseId} />
      <Suspense fallback={<Skeleton height={300} aria-hidden="true" />}>
        <Outlet context={c} />
      </Suspense>
    </Stack>
  );
}
