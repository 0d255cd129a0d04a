import { Anchor, Button, Group, MultiSelect, NumberInput, Paper, SegmentedControl, Skeleton, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useOutletContext, useParams } from 'react-router';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, ErrorState, notify, notifyError, usePageTitle } from '../../components/common';
import { useUnloadGuard } from './CourseDetailsPage';
import { MarkdownEditor } from './MarkdownEditor';

// CodeMirror loads only with a code lesson
const AssignmentEditor = lazy(() => import('../assignments/AssignmentEditor').then((m) => ({ default: m.AssignmentEditor })));
const CodeExerciseEditor = lazy(() => import('../code/CodeExerciseEditor').then((m) => ({ default: m.CodeExerciseEditor })));
const QuizBuilder = lazy(() => import('../quiz/QuizBuilder').then((m) => ({ default: m.QuizBuilder })));
const LessonMediaPicker = lazy(() => import('../media/LessonMediaPicker').then((m) => ({ default: m.LessonMediaPicker })));
import { flatLessons, lessonKey, useCourseCache, type CourseEditor, type DraftLesson, type UpdateLessonBody } from './model';


type Drip = 'none' | 'days' | 'date';

const LESSON_FIELDS = new Set(['title', 'body', 'isPreview', 'required', 'dripDays', 'dripDate', 'prerequisiteLessonIds', 'durationSeconds']);

interface LessonForm {
  title: string;
  markdown: string;
  url: string;
  embedUrl: string;
  isPreview: boolean;
  required: boolean;
  drip: Drip;
  dripDays: number | string;
  /** `YYYY-MM-DDTHH:mm` in local time, as the datetime-local input takes it */
  dripDate: string;
  prerequisiteLessonIds: string[];
  /** minutes */
  duration: number | string;
}

const pad = (n: number) => String(n).padStart(2, '0');
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function formOf(l: DraftLesson): LessonForm {
  return {
    title: l.title,
    markdown: l.body.markdown ?? '',
    url: l.body.url ?? '',
    embedUrl: l.body.embedUrl ?? '',
    isPreview: l.isPreview,
    required: l.required,
    drip: l.dripDays != null ? 'days' : l.dripDate ? 'date' : 'none',
    dripDays: l.dripDays ?? '',
    dripDate: toLocalInput(l.dripDate),
    prerequisiteLessonIds: l.prerequisiteLessonIds,
    duration: l.durationSeconds != null ? Math.round(l.durationSeconds / 60) : '',
  };
}

/** The PATCH body: fields that differ from the saved lesson. */
function changes(type: DraftLesson['type'], from: LessonForm, to: LessonForm): UpdateLessonBody {
  const out: UpdateLessonBody = {};
  if (to.title !== from.title) out.title = to.title.trim();
  if (type === 'text' && to.markdown !== from.markdown) out.body = { markdown: to.markdown };
  if (type === 'link' && (to.url !== from.url || to.embedUrl !== from.embedUrl)) {
    out.body = { ...(to.url.trim() ? { url: to.url.trim() } : {}), ...(to.embedUrl.trim() ? { embedUrl: to.embedUrl.trim() } : {}) };
  }
  if (to.isPreview !== from.isPreview) out.isPreview = to.isPreview;
  if (to.required !== from.required) out.required = to.required;
  const days = (f: LessonForm) => (f.drip === 'days' && f.dripDays !== '' ? Number(f.dripDays) : null);
  const date = (f: LessonForm) => (f.drip === 'date' && f.dripDate ? new Date(f.dripDate).toISOString() : null);
  if (days(to) !== days(from)) out.dripDays = days(to);
  if (date(to) !== date(from)) out.dripDate = date(to);
  if ([...to.prerequisiteLessonIds].sort().join() !== [...from.prerequisiteLessonIds].sort().join()) out.prerequisiteLessonIds = to.prerequisiteLessonIds;
  const secs = (f: LessonForm) => (f.duration === '' ? null : Math.round(Number(f.duration) * 60));
  if (secs(to) !== secs(from)) out.durationSeconds = secs(to);
  return out;
}

export function LessonEditorPage() {
  const course = useOutletContext<CourseEditor>();
  const { lessonId = '' } = useParams();
  const lesson = useQuery({
    queryKey: lessonKey(course.id, lessonId),
    queryFn: () => call<DraftLesson>(api.GET('/api/v1/courses/{id}/lessons/{lessonId}', { params: { path: { id: course.id, lessonId } } })),
  });
  if (lesson.isPending)
    return (
      <Stack aria-hidden="true">
        <Skeleton height={28} width="40%" />
        <Skeleton height={300} />
      </Stack>
    );
  if (lesson.isError) return <ErrorState error={lesson.error} onRetry={() => void lesson.refetch()} />;
  return <LessonForm key={lesson.data.id} course={course} lesson={lesson.data} />;
}

function LessonForm({ course, lesson }: { course: CourseEditor; lesson: DraftLesson }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const cache = useCourseCache(course.id);
  usePageTitle(`${lesson.title} · ${course.draft.title}`);
  const saved = useMemo(() => formOf(lesson), [lesson]);
  const [form, setForm] = useState<LessonForm>(saved);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const diff = changes(lesson.type, saved, form);
  const dirty = Object.keys(diff).length > 0;
  useUnloadGuard(dirty);
  useEffect(() => setForm(saved), [saved]);
  const readOnly = !course.can.edit;
  const set = <K extends keyof LessonForm>(key: K, value: LessonForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const ordered = flatLessons(course.sections);
  const index = ordered.findIndex((l) => l.id === lesson.id);
  const prev = index > 0 ? ordered[index - 1] : undefined;
  const next = index >= 0 && index < ordered.length - 1 ? ordered[index + 1] : undefined;
  const section = course.sections.find((s) => s.id === lesson.sectionId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !dirty) return;
    if (!form.title.trim()) return setErrors({ title: t('instructor.form.required') });
    setBusy(true);
    setErrors({});
    try {
      const updated = await call<DraftLesson>(api.PATCH('/api/v1/courses/{id}/lessons/{lessonId}', { params: { path: { id: course.id, lessonId: lesson.id } }, body: diff }));
      qc.setQueryData(lessonKey(course.id, lesson.id), updated);
      await cache.refetch();
      notify({ color: 'green', message: t('instructor.lesson.saved') });
    } catch (err) {
      const fields = bodyFieldErrors(err);
      setErrors(fields);
      // a message for a field this form does not show goes to a toast
      if (!Object.keys(fields).some((k) => LESSON_FIELDS.has(k.split('.')[0]!))) notifyError(err, t);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const ok = await confirmAction({
      title: t('instructor.curriculum.deleteLessonTitle'),
      message: t('instructor.curriculum.deleteLessonMessage', { title: lesson.title }),
      confirmLabel: t('instructor.curriculum.delete'),
    });
    if (!ok) return;
    try {
      await call(api.DELETE('/api/v1/courses/{id}/lessons/{lessonId}', { params: { path: { id: course.id, lessonId: lesson.id } } }));
      await cache.refetch();
      navigate(`/teach/courses/${course.id}/curriculum`);
    } catch (err) {
      notifyError(err, t);
    }
  };

  const others = ordered.filter((l) => l.id !== lesson.id).map((l) => ({ value: l.id, label: l.title }));

  return (
    <Stack>
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="lesson-heading">
      <Stack>
        <Group justify="space-between" align="flex-end">
          <div>
            <Anchor component={Link} to={`/teach/courses/${course.id}/curriculum`} size="sm">
              {t('instructor.lesson.back')}
            </Anchor>
            <Title order={2} size="h3" id="lesson-heading" style={{ overflowWrap: 'anywhere' }}>
              {lesson.title}
            </Title>
            <Text size="sm" c="dimmed">
              {t(`instructor.lessonType.${lesson.type}`)}
              {section ? ` · ${section.title}` : ''}
            </Text>
          </div>
          <Group gap="xs" component="nav" aria-label={t('instructor.lesson.neighbours')}>
            {prev && (
              <Button component={Link} to={`/teach/courses/${course.id}/lessons/${prev.id}`} variant="default" size="xs">
                {t('instructor.lesson.previous', { title: prev.title })}
              </Button>
            )}
            {next && (
              <Button component={Link} to={`/teach/courses/${course.id}/lessons/${next.id}`} variant="default" size="xs">
                {t('instructor.lesson.next', { title: next.title })}
              </Button>
            )}
          </Group>
        </Group>

        <TextInput label={t('instructor.lesson.title')} required value={form.title} onChange={(e) => set('title', e.currentTarget.value)} error={errors.title} maxLength={200} readOnly={readOnly} />

        {lesson.type === 'text' && (
          <MarkdownEditor label={t('instructor.lesson.content')} value={form.markdown} onChange={(v) => set('markdown', v)} error={errors['body.markdown'] ?? errors.body} minRows={12} readOnly={readOnly} />
        )}
        {lesson.type === 'link' && (
          <Stack>
            <TextInput label={t('instructor.lesson.url')} description={t('instructor.lesson.urlHint')} type="url" value={form.url} onChange={(e) => set('url', e.currentTarget.value)} error={errors['body.url'] ?? errors.body} readOnly={readOnly} />
            <TextInput label={t('instructor.lesson.embedUrl')} description={t('instructor.lesson.embedUrlHint')} type="url" value={form.embedUrl} onChange={(e) => set('embedUrl', e.currentTarget.value)} error={errors['body.embedUrl']} readOnly={readOnly} />
          </Stack>
        )}
        {lesson.type === 'code' && <Text c="dimmed">{t('instructor.lesson.codeBelow')}</Text>}
        {lesson.type !== 'text' && lesson.type !== 'link' && lesson.type !== 'code' && lesson.type !== 'assignment' && lesson.type !== 'quiz' && lesson.type !== 'video' && lesson.type !== 'document' && (
          <Text c="dimmed">{t('instructor.lesson.noContentEditor')}</Text>
        )}

        <Paper withBorder p="md">
          <Stack>
            <Title order={3} size="h4">
              {t('instructor.lesson.settings')}
            </Title>
            <Switch label={t('instructor.lesson.freePreview')} description={t('instructor.lesson.freePreviewHint')} checked={form.isPreview} onChange={(e) => set('isPreview', e.currentTarget.checked)} disabled={readOnly} error={errors.isPreview} />
            <Switch label={t('instructor.lesson.required')} description={t('instructor.lesson.requiredHint')} checked={form.required} onChange={(e) => set('required', e.currentTarget.checked)} disabled={readOnly} error={errors.required} />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="drip-label">
                {t('instructor.lesson.drip')}
              </Text>
              <SegmentedControl
                aria-labelledby="drip-label"
                value={form.drip}
                onChange={(v) => set('drip', v as Drip)}
                disabled={readOnly}
                data={(['none', 'days', 'date'] as const).map((v) => ({ value: v, label: t(`instructor.lesson.drip_${v}`) }))}
                style={{ alignSelf: 'flex-start' }}
              />
            </Stack>
            {form.drip === 'days' && (
              <NumberInput label={t('instructor.lesson.dripDays')} min={0} max={3650} allowDecimal={false} value={form.dripDays} onChange={(v) => set('dripDays', v)} error={errors.dripDays} readOnly={readOnly} maw={240} />
            )}
            {form.drip === 'date' && (
              <TextInput label={t('instructor.lesson.dripDate')} type="datetime-local" value={form.dripDate} onChange={(e) => set('dripDate', e.currentTarget.value)} error={errors.dripDate} readOnly={readOnly} maw={280} />
            )}
            <MultiSelect
              label={t('instructor.lesson.prerequisites')}
              description={t('instructor.lesson.prerequisitesHint')}
              data={others}
              value={form.prerequisiteLessonIds}
              onChange={(v) => set('prerequisiteLessonIds', v)}
              error={errors.prerequisiteLessonIds}
              searchable
              clearable
              nothingFoundMessage={t('instructor.lesson.noOtherLessons')}
              readOnly={readOnly}
            />
            <NumberInput label={t('instructor.lesson.duration')} min={0} max={16000} allowDecimal={false} value={form.duration} onChange={(v) => set('duration', v)} error={errors.durationSeconds} readOnly={readOnly} maw={240} />
          </Stack>
        </Paper>

        {!readOnly && (
          <Group justify="space-between">
            <Button variant="outline" color="red" onClick={() => void remove()}>
              {t('instructor.lesson.delete')}
            </Button>
            <Group gap="sm">
              {dirty && (
                <Text size="sm" c="dimmed" aria-live="polite">
                  {t('instructor.form.unsaved')}
                </Text>
              )}
              <Button variant="default" disabled={!dirty || busy} onClick={() => { setForm(saved); setErrors({}); }}>
                {t('instructor.form.discard')}
              </Button>
              <Button type="submit" loading={busy} disabled={!dirty}>
                {t('instructor.form.save')}
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
    </form>
    {/* its own form: the exercise saves separately from the lesson's fields */}
    {lesson.type === 'assignment' && !readOnly && (
      <Suspense fallback={<Skeleton height={320} />}>
        <AssignmentEditor courseId={course.id} lessonId={lesson.id} />
      </Suspense>
    )}
    {lesson.type === 'code' && !readOnly && (
      <Suspense fallback={<Skeleton height={320} />}>
        <CodeExerciseEditor courseId={course.id} lessonId={lesson.id} />
      </Suspense>
    )}
    {(lesson.type === 'video' || lesson.type === 'document') && !readOnly && (
      <Suspense fallback={<Skeleton height={160} />}>
        <LessonMediaPicker courseId={course.id} lessonId={lesson.id} role={lesson.type} />
      </Suspense>
    )}
    {lesson.type === 'quiz' && !readOnly && (
      <Suspense fallback={<Skeleton height={320} />}>
        <QuizBuilder courseId={course.id} lessonId={lesson.id} />
      </Suspense>
    )}
    </Stack>
  );
}
