import { ActionIcon, Alert, Anchor, Button, Checkbox, Group, NumberInput, Paper, SegmentedControl, Skeleton, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call, callOrNull } from '../../api';
import { bodyFieldErrors, confirmAction, ErrorState, formatNumber, notify, notifyError } from '../../components/common';
import { type Assignment, FILE_TYPES, type PutAssignment } from './model';

interface LevelDraft {
  key: number;
  id?: string;
  title: string;
  description: string;
  points: number;
}
interface CriterionDraft {
  key: number;
  id?: string;
  title: string;
  description: string;
  levels: LevelDraft[];
}
interface Draft {
  instructions: string;
  dueAt: string;
  cutoffAt: string;
  latePenaltyPerDay: number;
  allowText: boolean;
  allowedFileTypes: string[];
  maxFileMb: number;
  maxFiles: number;
  mode: 'individual' | 'group';
  pointsPossible: number;
  anonymousGrading: boolean;
  peerReviewCount: number;
  passingPercent: number;
  rubric: CriterionDraft[];
}

let nextKey = 1;
const level = (title: string, points: number): LevelDraft => ({ key: nextKey++, title, description: '', points });
const criterion = (): CriterionDraft => ({ key: nextKey++, title: '', description: '', levels: [level('', 0), level('', 5)] });

/** ISO instant <-> the value of a datetime-local input (the browser's time zone). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
const fromLocalInput = (v: string) => (v ? new Date(v).toISOString() : null);

function draftOf(a: Assignment | null): Draft {
  if (!a)
    return {
      instructions: '',
      dueAt: '',
      cutoffAt: '',
      latePenaltyPerDay: 0,
      allowText: true,
      allowedFileTypes: ['application/pdf'],
      maxFileMb: 10,
      maxFiles: 1,
      mode: 'individual',
      pointsPossible: 10,
      anonymousGrading: false,
      peerReviewCount: 0,
      passingPercent: 50,
      rubric: [],
    };
  return {
    instructions: a.instructions,
    dueAt: toLocalInput(a.dueAt),
    cutoffAt: toLocalInput(a.cutoffAt),
    latePenaltyPerDay: a.latePenaltyPerDay,
    allowText: a.allowText,
    allowedFileTypes: a.allowedFileTypes,
    maxFileMb: Math.round((a.maxFileBytes / 1024 / 1024) * 10) / 10,
    maxFiles: a.maxFiles,
    mode: a.mode,
    pointsPossible: a.pointsPossible,
    anonymousGrading: a.anonymousGrading,
    peerReviewCount: a.peerReviewCount,
    passingPercent: a.passingPercent,
    rubric: a.rubric.map((c) => ({ key: nextKey++, id: c.id, title: c.title, description: c.description, levels: c.levels.map((l) => ({ key: nextKey++, id: l.id, title: l.title, description: l.description, points: l.points })) })),
  };
}

const rubricTotal = (r: CriterionDraft[]) => r.reduce((s, c) => s + Math.max(0, ...c.levels.map((l) => l.points)), 0);

/** The instructor's settings for an assignment lesson: dates and late policy, what may be submitted, grading and the rubric. */
export function AssignmentEditor({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: ['assignment', lessonId],
    queryFn: () => callOrNull<Assignment>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment', { params: { path: { courseId, lessonId } } })),
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (query.data !== undefined && draft === null) setDraft(draftOf(query.data));
  }, [query.data, draft]);

  const save = useMutation({
    mutationFn: (d: Draft) => {
      const body: PutAssignment = {
        instructions: d.instructions,
        dueAt: fromLocalInput(d.dueAt),
        cutoffAt: fromLocalInput(d.cutoffAt),
        latePenaltyPerDay: d.latePenaltyPerDay,
        allowText: d.allowText,
        allowedFileTypes: d.maxFiles > 0 ? (d.allowedFileTypes as PutAssignment['allowedFileTypes']) : [],
        maxFileBytes: Math.round(d.maxFileMb * 1024 * 1024),
        maxFiles: d.maxFiles,
        mode: d.mode,
        pointsPossible: d.rubric.length ? rubricTotal(d.rubric) : d.pointsPossible,
        anonymousGrading: d.anonymousGrading,
        peerReviewCount: d.peerReviewCount,
        passingPercent: d.passingPercent,
        rubric: d.rubric.map((c) => ({ id: c.id, title: c.title, description: c.description, levels: c.levels.map((l) => ({ id: l.id, title: l.title, description: l.description, points: l.points })) })),
      };
      return call<Assignment>(api.PUT('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment', { params: { path: { courseId, lessonId } }, body }));
    },
    onSuccess: (a) => {
      setErrors({});
      qc.setQueryData(['assignment', lessonId], a);
      setDraft(draftOf(a));
      notify({ color: 'green', message: t('assignments.saved') });
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      if (Object.keys(fe).length === 0 || fe.rubric) notifyError(e, t);
    },
  });

  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!draft) return <Skeleton height={320} />;

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const setCriterion = (key: number, patch: Partial<CriterionDraft>) => setDraft((d) => (d ? { ...d, rubric: d.rubric.map((c) => (c.key === key ? { ...c, ...patch } : c)) } : d));
  const setLevel = (ck: number, lk: number, patch: Partial<LevelDraft>) =>
    setDraft((d) => (d ? { ...d, rubric: d.rubric.map((c) => (c.key === ck ? { ...c, levels: c.levels.map((l) => (l.key === lk ? { ...l, ...patch } : l)) } : c)) } : d));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate(draft);
  };
  const total = rubricTotal(draft.rubric);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="assignment-editor-title">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Group justify="space-between" wrap="wrap">
            <Title order={2} size="h3" id="assignment-editor-title">
              {t('assignments.editorTitle')}
            </Title>
            {query.data && (
              <Group gap="sm">
                <Anchor component={Link} to={`/teach/courses/${courseId}/assignments/${lessonId}/grade`}>
                  {t('assignments.openGrading')}
                </Anchor>
                <Anchor component={Link} to={`/teach/courses/${courseId}/assignment-groups`}>
                  {t('assignments.manageGroups')}
                </Anchor>
              </Group>
            )}
          </Group>
          <Textarea label={t('assignments.instructions')} autosize minRows={4} value={draft.instructions} onChange={(e) => set('instructions', e.currentTarget.value)} error={errors.instructions} />

          <Title order={3} size="h4">
            {t('assignments.datesTitle')}
          </Title>
          <Group grow align="flex-start" wrap="wrap">
            <TextInput type="datetime-local" label={t('assignments.dueAt')} value={draft.dueAt} onChange={(e) => set('dueAt', e.currentTarget.value)} error={errors.dueAt} />
            <TextInput type="datetime-local" label={t('assignments.cutoffAt')} description={t('assignments.cutoffHint')} value={draft.cutoffAt} onChange={(e) => set('cutoffAt', e.currentTarget.value)} error={errors.cutoffAt} />
            <NumberInput label={t('assignments.latePenalty')} min={0} max={100} allowDecimal={false} value={draft.latePenaltyPerDay} onChange={(v) => set('latePenaltyPerDay', Number(v) || 0)} error={errors.latePenaltyPerDay} />
          </Group>

          <Title order={3} size="h4">
            {t('assignments.whatTitle')}
          </Title>
          <Switch label={t('assignments.allowText')} checked={draft.allowText} onChange={(e) => set('allowText', e.currentTarget.checked)} error={errors.allowText} />
          <Group grow align="flex-start" wrap="wrap">
            <NumberInput label={t('assignments.maxFiles')} min={0} max={20} allowDecimal={false} value={draft.maxFiles} onChange={(v) => set('maxFiles', Number(v) || 0)} error={errors.maxFiles} />
            <NumberInput label={t('assignments.maxFileMb')} min={0.1} max={50} decimalScale={1} value={draft.maxFileMb} onChange={(v) => set('maxFileMb', Number(v) || 0)} error={errors.maxFileBytes} disabled={draft.maxFiles === 0} />
          </Group>
          {draft.maxFiles > 0 && (
            <Checkbox.Group label={t('assignments.fileTypes')} value={draft.allowedFileTypes} onChange={(v) => set('allowedFileTypes', v)} error={errors.allowedFileTypes}>
              <Group mt="xs" gap="md">
                {FILE_TYPES.map((f) => (
                  <Checkbox key={f.value} value={f.value} label={f.label} />
                ))}
              </Group>
            </Checkbox.Group>
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500} id="assignment-mode-label">
              {t('assignments.mode')}
            </Text>
            <SegmentedControl
              aria-labelledby="assignment-mode-label"
              value={draft.mode}
              onChange={(v) => set('mode', v as Draft['mode'])}
              data={[
                { value: 'individual', label: t('assignments.modeIndividual') },
                { value: 'group', label: t('assignments.modeGroup') },
              ]}
              style={{ alignSelf: 'flex-start' }}
            />
            {errors.mode && (
              <Text size="xs" c="red" role="alert">
                {errors.mode}
              </Text>
            )}
          </Stack>

          <Title order={3} size="h4">
            {t('assignments.gradingTitle')}
          </Title>
          <Group grow align="flex-start" wrap="wrap">
            <NumberInput
              label={t('assignments.pointsPossible')}
              description={draft.rubric.length ? t('assignments.pointsFromRubric') : undefined}
              min={1}
              max={10000}
              allowDecimal={false}
              value={draft.rubric.length ? total : draft.pointsPossible}
              readOnly={draft.rubric.length > 0}
              onChange={(v) => set('pointsPossible', Number(v) || 0)}
              error={errors.pointsPossible}
            />
            <NumberInput label={t('assignments.passingPercent')} min={0} max={100} allowDecimal={false} value={draft.passingPercent} onChange={(v) => set('passingPercent', Number(v) || 0)} error={errors.passingPercent} />
            <NumberInput label={t('assignments.peerReviewCount')} description={t('assignments.peerReviewHint')} min={0} max={10} allowDecimal={false} value={draft.peerReviewCount} onChange={(v) => set('peerReviewCount', Number(v) || 0)} error={errors.peerReviewCount} />
          </Group>
          <Switch label={t('assignments.anonymous')} description={t('assignments.anonymousHint')} checked={draft.anonymousGrading} onChange={(e) => set('anonymousGrading', e.currentTarget.checked)} />

          <Title order={3} size="h4">
            {t('assignments.rubricTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('assignments.rubricHint')}
          </Text>
          {errors.rubric && (
            <Alert color="red" role="alert">
              {errors.rubric}
            </Alert>
          )}
          {draft.rubric.map((c, ci) => (
            <Paper key={c.key} withBorder p="sm" component="section" aria-label={t('assignments.criterionN', { n: ci + 1 })} data-testid="rubric-criterion">
              <Stack gap="xs">
                <Group justify="space-between" wrap="nowrap" align="flex-end">
                  <TextInput style={{ flex: 1 }} label={t('assignments.criterionTitle', { n: ci + 1 })} value={c.title} onChange={(e) => setCriterion(c.key, { title: e.currentTarget.value })} error={errors[`rubric.${ci}.title`]} />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={t('assignments.removeCriterion', { n: ci + 1 })}
                    onClick={async () => {
                      if (await confirmAction({ title: t('assignments.removeCriterionTitle'), message: t('assignments.removeCriterionConfirm'), confirmLabel: t('assignments.remove') }))
                        setDraft((d) => (d ? { ...d, rubric: d.rubric.filter((x) => x.key !== c.key) } : d));
                    }}
                  >
                    ×
                  </ActionIcon>
                </Group>
                {c.levels.map((l, li) => (
                  <Group key={l.key} wrap="nowrap" align="flex-end" gap="xs">
                    <TextInput
                      style={{ flex: 1 }}
                      label={t('assignments.levelTitle', { n: li + 1 })}
                      value={l.title}
                      onChange={(e) => setLevel(c.key, l.key, { title: e.currentTarget.value })}
                      error={errors[`rubric.${ci}.levels.${li}.title`]}
                    />
                    <NumberInput w={110} label={t('assignments.levelPoints')} min={0} max={10000} value={l.points} onChange={(v) => setLevel(c.key, l.key, { points: Number(v) || 0 })} error={errors[`rubric.${ci}.levels.${li}.points`]} />
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      size="lg"
                      disabled={c.levels.length <= 2}
                      aria-label={t('assignments.removeLevel', { n: li + 1, criterion: ci + 1 })}
                      onClick={() => setCriterion(c.key, { levels: c.levels.filter((x) => x.key !== l.key) })}
                    >
                      ×
                    </ActionIcon>
                  </Group>
                ))}
                {errors[`rubric.${ci}.levels`] && (
                  <Text size="xs" c="red" role="alert">
                    {errors[`rubric.${ci}.levels`]}
                  </Text>
                )}
                <Button variant="subtle" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => setCriterion(c.key, { levels: [...c.levels, level('', 0)] })}>
                  {t('assignments.addLevel')}
                </Button>
              </Stack>
            </Paper>
          ))}
          {draft.rubric.length > 0 && (
            <Text size="sm" aria-live="polite">
              {t('assignments.rubricTotal', { total: formatNumber(total) })}
            </Text>
          )}
          <Group>
            <Button variant="default" onClick={() => setDraft((d) => (d ? { ...d, rubric: [...d.rubric, criterion()] } : d))}>
              {t('assignments.addCriterion')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('assignments.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
