import { Alert, Badge, Button, Card, Grid, Group, List, Skeleton, Stack, Text, Title, Typography } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CourseBundles } from './commerce/BundlePage';
import { PriceCard } from './commerce/PriceCard';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, call, type CatalogCourse, type LearnerOutline, type LessonLock, type SelfEnrollment } from '../api';
import { CourseProgress, EmptyState, ErrorState, formatDate, notify, notifyError, usePageTitle } from '../components/common';
import { useSession } from '../session';
import { useLanguageName } from './CatalogPage';
import { CheckIcon, CircleIcon, LockIcon } from '../components/icons';
import { CohortWaitlists } from './growth/CohortWaitlists';
import { WaitlistGate } from './growth/WaitlistGate';

type ContinueTarget = { reason: string; lesson: { id: string } | null };

export function useLockText() {
  const { t, i18n } = useTranslation();
  return (lock: LessonLock | null | undefined) =>
    lock ? t(`course.lockedReason.${lock.reason}`, { date: formatDate(lock.availableAt, i18n.language) }) : t('course.locked');
}

export function CoursePage() {
  const { slug = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const languageName = useLanguageName();
  const lockText = useLockText();

  const course = useQuery({
    queryKey: ['catalog', 'course', slug],
    queryFn: () => call<CatalogCourse>(api.GET('/api/v1/catalog/courses/{idOrSlug}', { params: { path: { idOrSlug: slug } } })),
  });
  const courseId = course.data?.id;
  const outline = useQuery({
    queryKey: ['outline', courseId],
    queryFn: () => call<LearnerOutline>(api.GET('/api/v1/me/courses/{courseId}/outline', { params: { path: { courseId: courseId! } } })),
    enabled: !!user && !!courseId,
  });
  const enrolled = !!outline.data?.enrollment && outline.data.enrollment.status !== 'revoked' && outline.data.enrollment.status !== 'expired';
  const target = useQuery({
    queryKey: ['continue', courseId],
    queryFn: () => call<ContinueTarget>(api.GET('/api/v1/me/courses/{courseId}/continue', { params: { path: { courseId: courseId! } } })),
    enabled: enrolled,
  });
  usePageTitle(course.data?.title);

  const enroll = useMutation({
    mutationFn: () => call<SelfEnrollment>(api.POST('/api/v1/courses/{courseId}/enroll', { params: { path: { courseId: courseId! } } })),
    onSuccess: async () => {
      notify({ color: 'green', message: t('course.enrolledNow') });
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['outline', courseId] }),
        qc.invalidateQueries({ queryKey: ['continue', courseId] }),
        qc.invalidateQueries({ queryKey: ['my-enrollments'] }),
      ]);
    },
    onError: (e) => {
      notifyError(e, t);
      // a full course shows its waitlist instead
      void qc.invalidateQueries({ queryKey: ['waitlist', courseId] });
    },
  });

  if (course.isPending)
    return (
      <Stack aria-busy="true">
        <Skeleton height={40} width="60%" />
        <Skeleton height={20} width="80%" />
        <Skeleton height={240} />
      </Stack>
    );
  if (course.isError) {
    if (course.error instanceof ApiError && course.error.status === 404)
      return (
        <EmptyState
          title={t('course.notFound')}
          action={
            <Button component={Link} to="/">
              {t('course.backToCatalog')}
            </Button>
          }
        />
      );
    return <ErrorState error={course.error} onRetry={() => void course.refetch()} />;
  }

  const c = course.data;
  const sections = outline.data?.sections ?? c.sections;
  const stateOf = new Map(
    (outline.data?.sections ?? []).flatMap((s) => s.lessons.map((l) => [l.id, { completed: l.completed, locked: l.locked, lock: l.lock }] as const)),
  );
  const firstLessonId = target.data?.lesson?.id ?? sections[0]?.lessons[0]?.id;
  const startLabel =
    target.data?.reason === 'completed' ? t('course.review') : target.data?.reason === 'start' ? t('course.start') : t('course.continue');

  return (
    <Grid gap="xl">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack>
          <div>
            <Title order={1}>{c.title}</Title>
            {c.subtitle && (
              <Text size="lg" c="dimmed">
                {c.subtitle}
              </Text>
            )}
          </div>
          <Group gap={6}>
            <Badge variant="light">{t(`level.${c.level}`)}</Badge>
            <Badge variant="light" color="gray">
              {languageName(c.language)}
            </Badge>
            {c.category && (
              <Badge variant="outline" color="gray">
                {c.category}
              </Badge>
            )}
            <Text size="sm" c="dimmed">
              {t('catalog.lessons', { count: c.lessonCount })} · {t('course.published', { date: formatDate(c.publishedAt, i18n.language) })}
            </Text>
          </Group>
          {c.instructors.length > 0 && (
            <Text size="sm">
              <strong>{t('course.instructors')}:</strong> {c.instructors.map((i) => i.name ?? '').filter(Boolean).join(', ')}
            </Text>
          )}
          {c.descriptionHtml && (
            <Typography>
              {/* descriptionHtml is sanitized by the server */}
              <div className="lesson-body" dangerouslySetInnerHTML={{ __html: c.descriptionHtml }} />
            </Typography>
          )}

          <Title order={2} size="h3">
            {t('course.outline')}
          </Title>
          {sections.length === 0 || sections.every((s) => s.lessons.length === 0) ? (
            <Text c="dimmed">{t('course.noLessons')}</Text>
          ) : (
            sections.map((s) => (
              <Card key={s.id} withBorder padding="sm" component="section" aria-labelledby={`section-${s.id}`}>
                <Title order={3} size="h5" id={`section-${s.id}`} mb="xs">
                  {s.title}
                </Title>
                <List listStyleType="none" spacing="xs">
                  {s.lessons.map((l) => {
                    const st = stateOf.get(l.id);
                    const locked = st ? st.locked : l.locked;
                    const canOpen = !!user && !locked;
                    return (
                      <List.Item key={l.id} data-testid="outline-lesson">
                        <Group gap="xs" wrap="nowrap" justify="space-between">
                          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                            <span style={{ display: 'inline-flex', flex: 'none' }}>{st?.completed ? <CheckIcon /> : locked ? <LockIcon /> : <CircleIcon />}</span>
                            {l.isPreview && !enrolled ? (
                              <Link to={`/courses/${c.slug}/preview/${l.id}`} aria-label={`${l.title}: ${t('preview.open')}`}>
                                {l.title}
                              </Link>
                            ) : canOpen ? (
                              <Link to={`/learn/${c.id}/lessons/${l.id}`}>{l.title}</Link>
                            ) : (
                              <Text size="sm" c={locked ? 'dimmed' : undefined}>
                                {l.title}
                              </Text>
                            )}
                            {st?.completed && <span className="visually-hidden-inline">({t('course.completed')})</span>}
                          </Group>
                          <Group gap={4} wrap="nowrap">
                            {l.isPreview && (
                              <Badge size="xs" variant="light" color="teal">
                                {t('course.preview')}
                              </Badge>
                            )}
                            <Badge size="xs" variant="outline" color="gray">
                              {t(`course.lessonType.${l.type}`, { defaultValue: l.type })}
                            </Badge>
                            {locked && (
                              <Badge size="xs" variant="light" color="gray" title={lockText(st?.lock)}>
                                {t('course.locked')}
                              </Badge>
                            )}
                          </Group>
                        </Group>
                        {locked && (
                          <Text size="xs" c="dimmed" ml={22}>
                            {lockText(st?.lock ?? { reason: 'not_enrolled' })}
                          </Text>
                        )}
                      </List.Item>
                    );
                  })}
                </List>
              </Card>
            ))
          )}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Card withBorder padding="md" pos="sticky" top={76}>
          <Stack>
            {!user && !c.isFree ? (
              <PriceCard courseId={c.id} />
            ) : !user ? (
              <Button component={Link} to={`/sign-in?next=${encodeURIComponent(`/courses/${slug}`)}`}>
                {t('course.signInToEnroll')}
              </Button>
            ) : outline.isPending ? (
              <Skeleton height={36} />
            ) : enrolled ? (
              <>
                <Alert color="green" variant="light">
                  {t('course.enrolled')}
                </Alert>
                {outline.data && (
                  <CourseProgress
                    percent={outline.data.progress.percent}
                    completed={outline.data.progress.completedLessons}
                    total={outline.data.progress.totalLessons}
                  />
                )}
                {firstLessonId && (
                  <Button onClick={() => navigate(`/learn/${c.id}/lessons/${firstLessonId}`)} loading={target.isPending}>
                    {startLabel}
                  </Button>
                )}
                <CohortWaitlists courseId={c.id} />
              </>
            ) : !c.isFree ? (
              <PriceCard courseId={c.id} />
            ) : (
              <WaitlistGate
                courseId={c.id}
                onEnrolled={() => Promise.all([qc.invalidateQueries({ queryKey: ['outline', courseId] }), qc.invalidateQueries({ queryKey: ['my-enrollments'] })])}
              >
                <Button onClick={() => enroll.mutate()} loading={enroll.isPending} disabled={enroll.isPending}>
                  {c.isFree ? t('course.enrollFree') : t('course.enroll')}
                </Button>
              </WaitlistGate>
            )}
            {!c.isFree && !enrolled && <CourseBundles courseId={c.id} />}
          </Stack>
        </Card>
      </Grid.Col>
    </Grid>
  );
}
