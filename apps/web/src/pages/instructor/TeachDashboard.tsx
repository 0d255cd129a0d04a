import { Alert, Button, Card, Group, Image, Modal, Select, SimpleGrid, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, EmptyState, ErrorState, formatDate, formatNumber, LoadMore, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { usePermissions } from '../../session';
import { ImageIcon } from './icons';
import { courseKey, type CourseEditor, type CourseStatus, type CourseSummary, type CourseSummaryPage } from './model';

const STATUSES: CourseStatus[] = ['draft', 'published', 'archived'];
import { StatusBadge } from './StatusBadge';

function Cover({ url, size }: { url: string | null; size: number }) {
  return url ? (
    <Image src={url} alt="" w={size} h={(size * 9) / 16} radius="sm" fit="cover" />
  ) : (
    <Stack w={size} h={(size * 9) / 16} align="center" justify="center" bg="var(--mantine-color-default-hover)" style={{ borderRadius: 4, flexShrink: 0 }}>
      <ImageIcon />
    </Stack>
  );
}

function CourseRow({ course }: { course: CourseSummary }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder padding="sm" component="article" data-testid="teach-course">
      <Group wrap="nowrap" align="flex-start" gap="md">
        <Cover url={course.coverUrl} size={112} />
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Title order={2} size="h4">
            <Link to={`/teach/courses/${course.id}`} style={{ color: 'inherit' }}>
              {course.title}
            </Link>
          </Title>
          <Group gap={6}>
            <StatusBadge course={course} size="sm" />
          </Group>
          <Text size="sm" c="dimmed">
            {t('instructor.dashboard.learners', { count: course.learnerCount, formatted: formatNumber(course.learnerCount) })} ·{' '}
            {t('instructor.dashboard.updated', { date: formatDate(course.updatedAt, i18n.language) })}
          </Text>
        </Stack>
        <Button component={Link} to={`/teach/courses/${course.id}`} variant="default" size="xs" visibleFrom="xs" aria-label={t('instructor.dashboard.editCourse', { title: course.title })}>
          {t('instructor.dashboard.edit')}
        </Button>
      </Group>
    </Card>
  );
}

/** New course: title and optional slug; one Idempotency-Key per form so a double submit creates one course. */
function NewCourseModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const key = useRef(crypto.randomUUID());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!title.trim()) {
      setErrors({ title: t('instructor.form.required') });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const course = await call<CourseEditor>(
        api.POST('/api/v1/courses', {
          body: { title: title.trim(), ...(slug.trim() ? { slug: slug.trim() } : {}) },
          headers: { 'Idempotency-Key': key.current },
        }),
      );
      qc.setQueryData(courseKey(course.id), course);
      void qc.invalidateQueries({ queryKey: ['instructor', 'courses'] });
      key.current = crypto.randomUUID();
      setTitle('');
      setSlug('');
      onClose();
      navigate(`/teach/courses/${course.id}`);
    } catch (err) {
      const fields = bodyFieldErrors(err);
      if (Object.keys(fields).length) setErrors(fields);
      else if (err instanceof ApiError && err.code === 'slug_taken') setErrors({ slug: err.message });
      else notifyError(err, t);
      // a changed request needs a new key; the same one would replay or be refused
      key.current = crypto.randomUUID();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('instructor.dashboard.newCourse')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <TextInput label={t('instructor.details.title')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} data-autofocus maxLength={200} />
          <TextInput
            label={t('instructor.details.slug')}
            description={t('instructor.details.slugHint')}
            value={slug}
            onChange={(e) => setSlug(e.currentTarget.value)}
            error={errors.slug}
            maxLength={80}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('instructor.dashboard.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function TeachDashboard() {
  const { t } = useTranslation();
  usePageTitle(t('instructor.dashboard.title'));
  const perms = usePermissions();
  const [opened, { open, close }] = useDisclosure(false);
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const [status, setStatus] = useState<CourseStatus | null>(null);
  const allowed = perms.canAny('course.create', 'course.update', 'course.read_all');
  const canCreate = perms.can('course.create');

  const list = useInfiniteQuery({
    queryKey: ['instructor', 'courses', perms.activeOrganization?.id ?? null, debouncedQ, status],
    queryFn: ({ pageParam }) =>
      call<CourseSummaryPage>(
        api.GET('/api/v1/courses', { params: { query: { limit: 20, q: debouncedQ || undefined, status: status ?? undefined, cursor: pageParam ?? undefined } } }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    enabled: allowed,
  });

  if (perms.isLoading) return <PageLoading />;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t('instructor.dashboard.title')}</Title>
          <Text c="dimmed">{perms.activeOrganization ? t('instructor.dashboard.intro', { org: perms.activeOrganization.name }) : ''}</Text>
        </div>
        <Group gap="xs">
          {perms.can('media.manage') && <Button component={Link} to="/teach/media" variant="default">{t('media.nav')}</Button>}
          {perms.can('course.update') && <Button component={Link} to="/teach/question-banks" variant="default">{t('quiz.bank.openOrgBanks')}</Button>}
          {allowed && canCreate && <Button onClick={open}>{t('instructor.dashboard.newCourse')}</Button>}
        </Group>
      </Group>
      {!allowed ? (
        <Alert color="gray" title={t('instructor.dashboard.noAccessTitle')}>
          {t('instructor.dashboard.noAccess')}
        </Alert>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }} role="search">
            <TextInput type="search" label={t('instructor.dashboard.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
            <Select
              label={t('instructor.dashboard.status')}
              placeholder={t('instructor.dashboard.anyStatus')}
              clearable
              value={status}
              onChange={(v) => setStatus(v as CourseStatus | null)}
              data={STATUSES.map((v) => ({ value: v, label: t(`instructor.state.${v}`) }))}
            />
          </SimpleGrid>
          {list.isPending ? (
            <Stack aria-hidden="true">
              {[0, 1, 2].map((i) => (
                <Skeleton key={i} height={96} radius="md" />
              ))}
            </Stack>
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : items.length === 0 ? (
            debouncedQ || status ? (
              <EmptyState
                title={t('instructor.dashboard.noMatch')}
                hint={t('instructor.dashboard.noMatchHint')}
                action={
                  <Button
                    variant="light"
                    onClick={() => {
                      setQ('');
                      setStatus(null);
                    }}
                  >
                    {t('instructor.dashboard.clearSearch')}
                  </Button>
                }
              />
            ) : (
              <EmptyState
                title={t('instructor.dashboard.empty')}
                hint={t('instructor.dashboard.emptyHint')}
                action={canCreate ? <Button onClick={open}>{t('instructor.dashboard.createFirst')}</Button> : undefined}
              />
            )
          ) : (
            <Stack gap="sm" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
              {items.map((c) => (
                <CourseRow key={c.id} course={c} />
              ))}
            </Stack>
          )}
          <LoadMore query={list} label={t('instructor.dashboard.loadMore')} />
        </>
      )}
      <NewCourseModal opened={opened} onClose={close} />
    </Stack>
  );
}
