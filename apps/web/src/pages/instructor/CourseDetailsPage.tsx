import { Button, Group, Paper, Select, SimpleGrid, Stack, Switch, TagsInput, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useOutletContext } from 'react-router';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, notify, notifyError, usePageTitle } from '../../components/common';
import { useLanguageName } from '../CatalogPage';
import { CapacityCard } from '../growth/CapacityCard';
import { CohortsCard } from '../growth/CohortsCard';
import { CoverUpload } from './CoverUpload';
import { InstructorsInput } from './InstructorsInput';
import { MarkdownEditor } from './MarkdownEditor';
import { LEVELS, useCourseCache, VISIBILITIES, type CourseEditor, type UpdateCourseBody } from './model';
import { GeoRulesCard } from '../player/GeoRulesCard';

const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'pl', 'ca', 'ja', 'zh', 'ar'];

interface DetailsForm {
  title: string;
  slug: string;
  subtitle: string;
  description: string;
  language: string;
  level: CourseEditor['draft']['level'];
  category: string;
  tags: string[];
  visibility: CourseEditor['visibility'];
  isFree: boolean;
  instructorIds: string[];
}

function formOf(c: CourseEditor): DetailsForm {
  return {
    title: c.draft.title,
    slug: c.slug,
    subtitle: c.draft.subtitle,
    description: c.draft.description,
    language: c.draft.language,
    level: c.draft.level,
    category: c.draft.category ?? '',
    tags: c.draft.tags,
    visibility: c.visibility,
    isFree: c.isFree,
    instructorIds: c.instructors.map((i) => i.userId),
  };
}

/** Only the fields that changed, in the shape PATCH /courses/:id takes. */
function changes(from: DetailsForm, to: DetailsForm): UpdateCourseBody {
  const out: UpdateCourseBody = {};
  if (to.title !== from.title) out.title = to.title.trim();
  if (to.slug !== from.slug) out.slug = to.slug.trim();
  if (to.subtitle !== from.subtitle) out.subtitle = to.subtitle;
  if (to.description !== from.description) out.description = to.description;
  if (to.language !== from.language) out.language = to.language;
  if (to.level !== from.level) out.level = to.level;
  if (to.category !== from.category) out.category = to.category.trim() || null;
  if (to.tags.join('\n') !== from.tags.join('\n')) out.tags = to.tags;
  if (to.visibility !== from.visibility) out.visibility = to.visibility;
  if (to.isFree !== from.isFree) out.isFree = to.isFree;
  if (to.instructorIds.join() !== from.instructorIds.join()) out.instructorIds = to.instructorIds;
  return out;
}

/** Warns before leaving the page (reload, close, other site) with unsaved edits. */
export function useUnloadGuard(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
}

export function CourseDetailsPage() {
  const course = useOutletContext<CourseEditor>();
  const { t } = useTranslation();
  const languageName = useLanguageName();
  const cache = useCourseCache(course.id);
  const saved = useMemo(() => formOf(course), [course]);
  const [form, setForm] = useState<DetailsForm>(saved);
  const [base, setBase] = useState<DetailsForm>(saved);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const diff = changes(base, form);
  const dirty = Object.keys(diff).length > 0;
  useUnloadGuard(dirty);
  const readOnly = !course.can.edit;
  usePageTitle(course.draft.title);

  // a newer server copy (after publishing, another tab) replaces the form unless it holds edits
  useEffect(() => {
    if (!dirty) {
      setForm(saved);
      setBase(saved);
    }
  }, [saved]);

  const set = <K extends keyof DetailsForm>(key: K, value: DetailsForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !dirty) return;
    if (!form.title.trim()) {
      setErrors({ title: t('instructor.form.required') });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const next = await call<CourseEditor>(api.PATCH('/api/v1/courses/{id}', { params: { path: { id: course.id } }, body: diff }));
      const nextForm = formOf(next);
      setBase(nextForm);
      setForm(nextForm);
      cache.set(next);
      notify({ color: 'green', message: t('instructor.details.saved') });
    } catch (err) {
      const fields = bodyFieldErrors(err);
      if (err instanceof ApiError && err.code === 'slug_taken') fields.slug = err.message;
      // the server names refused ids; the summary reads better beside the field
      if (err instanceof ApiError && err.code === 'instructor_not_eligible') fields.instructorIds = err.message;
      setErrors(fields);
      // a message for a field this form does not show goes to a toast
      if (!Object.keys(fields).some((k) => k.split('.')[0]! in saved)) notifyError(err, t);
    } finally {
      setBusy(false);
    }
  };

  const languages = [...new Set([...LANGUAGES, form.language])];

  return (
    <Stack>
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="details-heading">
      <Stack>
        <Title order={2} size="h3" id="details-heading">
          {t('instructor.details.heading')}
        </Title>
        <Paper withBorder p="md">
          <CoverUpload course={course} disabled={readOnly} />
        </Paper>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('instructor.details.title')} required value={form.title} onChange={(e) => set('title', e.currentTarget.value)} error={errors.title} maxLength={200} readOnly={readOnly} />
          <TextInput label={t('instructor.details.slug')} description={t('instructor.details.slugHint')} value={form.slug} onChange={(e) => set('slug', e.currentTarget.value)} error={errors.slug} maxLength={80} readOnly={readOnly} />
        </SimpleGrid>
        <Textarea label={t('instructor.details.subtitle')} description={t('instructor.details.subtitleHint')} value={form.subtitle} onChange={(e) => set('subtitle', e.currentTarget.value)} error={errors.subtitle} autosize minRows={2} maxLength={300} readOnly={readOnly} />
        <MarkdownEditor label={t('instructor.details.description')} value={form.description} onChange={(v) => set('description', v)} error={errors.description} readOnly={readOnly} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label={t('instructor.details.language')}
            value={form.language}
            onChange={(v) => v && set('language', v)}
            data={languages.map((l) => ({ value: l, label: languageName(l) }))}
            error={errors.language}
            allowDeselect={false}
            searchable
            readOnly={readOnly}
          />
          <Select
            label={t('instructor.details.level')}
            value={form.level}
            onChange={(v) => v && set('level', v as DetailsForm['level'])}
            data={LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }))}
            error={errors.level}
            allowDeselect={false}
            readOnly={readOnly}
          />
          <TextInput label={t('instructor.details.category')} value={form.category} onChange={(e) => set('category', e.currentTarget.value)} error={errors.category} maxLength={60} readOnly={readOnly} />
        </SimpleGrid>
        <TagsInput
          label={t('instructor.details.tags')}
          description={t('instructor.details.tagsHint')}
          value={form.tags}
          onChange={(v) => set('tags', v)}
          error={errors.tags ?? Object.entries(errors).find(([k]) => k.startsWith('tags.'))?.[1]}
          maxTags={20}
          clearable
          readOnly={readOnly}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('instructor.details.visibility')}
            value={form.visibility}
            onChange={(v) => v && set('visibility', v as DetailsForm['visibility'])}
            data={VISIBILITIES.map((v) => ({ value: v, label: t(`instructor.visibility.${v}`) }))}
            description={t(`instructor.visibility.${form.visibility}Hint`)}
            error={errors.visibility}
            allowDeselect={false}
            readOnly={readOnly}
          />
          <Switch
            mt={{ sm: 'xl' }}
            label={t('instructor.details.isFree')}
            description={t('instructor.details.isFreeHint')}
            checked={form.isFree}
            onChange={(e) => set('isFree', e.currentTarget.checked)}
            error={errors.isFree}
            disabled={readOnly}
          />
        </SimpleGrid>
        <InstructorsInput
          course={course}
          value={form.instructorIds}
          onChange={(v) => set('instructorIds', v)}
          error={errors.instructorIds ?? Object.entries(errors).find(([k]) => k.startsWith('instructorIds.'))?.[1]}
          readOnly={readOnly}
        />
        {!readOnly && (
          <Group justify="flex-end" gap="sm">
            {dirty && (
              <Text size="sm" c="dimmed" aria-live="polite">
                {t('instructor.form.unsaved')}
              </Text>
            )}
            <Button variant="default" disabled={!dirty || busy} onClick={() => { setForm(base); setErrors({}); }}>
              {t('instructor.form.discard')}
            </Button>
            <Button type="submit" loading={busy} disabled={!dirty}>
              {t('instructor.form.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
    <CapacityCard courseId={course.id} />
    <CohortsCard courseId={course.id} readOnly={readOnly} />
    {!readOnly && <GeoRulesCard courseId={course.id} />}
    </Stack>
  );
}
