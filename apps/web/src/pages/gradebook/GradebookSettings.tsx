import { ActionIcon, Button, Checkbox, Group, NumberInput, Paper, Radio, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, notify, notifyError } from '../../components/common';
import { gradebookKeys, type GradebookItem, type GradebookSetup } from './types';

type Mode = GradebookSetup['mode'];
const num = (v: string | number): number | null => (v === '' ? null : Number(v));

function useRefresh(courseId: string) {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: gradebookKeys.all(courseId) });
}

function SettingsForm({ courseId, setup, canEdit }: { courseId: string; setup: GradebookSetup; canEdit: boolean }) {
  const { t } = useTranslation();
  const refresh = useRefresh(courseId);
  const [mode, setMode] = useState<Mode>(setup.mode);
  const [passing, setPassing] = useState<string | number>(setup.passingPercent);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () => call<GradebookSetup>(api.PUT('/api/v1/courses/{courseId}/gradebook/settings', { params: { path: { courseId } }, body: { mode, passingPercent: Number(passing) } })),
    onSuccess: () => {
      notify({ color: 'green', message: t('gradebook.settings.saved') });
      setErrors({});
      refresh();
    },
    onError: (e) => {
      const f = bodyFieldErrors(e);
      if (f.passingPercent || f.mode) setErrors(f);
      else notifyError(e, t);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (passing === '') return setErrors({ passingPercent: t('gradebook.settings.passingRequired') });
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Radio.Group label={t('gradebook.settings.mode')} value={mode} onChange={(v) => setMode(v as Mode)} error={errors.mode}>
          <Stack gap={6} mt={4}>
            <Radio value="points" label={t('gradebook.modePoints')} description={t('gradebook.settings.pointsHint')} disabled={!canEdit} />
            <Radio value="weighted" label={t('gradebook.modeWeighted')} description={t('gradebook.settings.weightedHint')} disabled={!canEdit} />
          </Stack>
        </Radio.Group>
        <NumberInput
          label={t('gradebook.settings.passing')}
          description={t('gradebook.settings.passingHint')}
          min={0}
          max={100}
          decimalScale={2}
          clampBehavior="none"
          suffix=" %"
          value={passing}
          onChange={setPassing}
          error={errors.passingPercent}
          disabled={!canEdit}
          maw={240}
        />
        {canEdit && (
          <Group>
            <Button type="submit" loading={save.isPending}>
              {t('gradebook.settings.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

interface CatDraft {
  key: string;
  id?: string;
  name: string;
  weight: string | number;
}

function CategoriesForm({ courseId, setup, canEdit }: { courseId: string; setup: GradebookSetup; canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const refresh = useRefresh(courseId);
  const [rows, setRows] = useState<CatDraft[]>(setup.categories.map((c) => ({ key: c.id, id: c.id, name: c.name, weight: c.weight })));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () =>
      call<GradebookSetup>(
        api.PUT('/api/v1/courses/{courseId}/gradebook/categories', {
          params: { path: { courseId } },
          body: { categories: rows.map((r) => ({ ...(r.id ? { id: r.id } : {}), name: r.name.trim(), weight: Number(r.weight) })) },
        }),
      ),
    onSuccess: (next) => {
      notify({ color: 'green', message: t('gradebook.categories.saved') });
      setErrors({});
      setRows(next.categories.map((c) => ({ key: c.id, id: c.id, name: c.name, weight: c.weight })));
      refresh();
    },
    onError: (e) => {
      const f = bodyFieldErrors(e);
      if (Object.keys(f).length) setErrors(f);
      else notifyError(e, t);
    },
  });
  const total = rows.reduce((s, r) => s + (Number(r.weight) || 0), 0);
  const update = (i: number, patch: Partial<CatDraft>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    rows.forEach((r, i) => {
      if (!r.name.trim()) local[`categories.${i}.name`] = t('gradebook.categories.nameRequired');
      if (r.weight === '') local[`categories.${i}.weight`] = t('gradebook.categories.weightRequired');
    });
    setErrors(local);
    if (Object.keys(local).length) return;
    const removed = setup.categories.filter((c) => !rows.some((r) => r.id === c.id));
    if (removed.length) {
      const ok = await confirmAction({
        title: t('gradebook.categories.removeTitle'),
        message: t('gradebook.categories.removeMessage', { names: removed.map((c) => c.name).join(', ') }),
        confirmLabel: t('gradebook.categories.removeConfirm'),
      });
      if (!ok) return;
    }
    save.mutate();
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('gradebook.categories.hint')}
        </Text>
        {rows.length === 0 && <Text size="sm">{t('gradebook.categories.empty')}</Text>}
        {rows.map((r, i) => (
          <Group key={r.key} align="flex-start" gap="xs" wrap="wrap">
            <TextInput
              label={t('gradebook.categories.name', { n: i + 1 })}
              value={r.name}
              onChange={(e) => update(i, { name: e.currentTarget.value })}
              error={errors[`categories.${i}.name`]}
              disabled={!canEdit}
              maxLength={80}
              style={{ flex: '1 1 180px' }}
            />
            <NumberInput
              label={t('gradebook.categories.weight', { n: i + 1 })}
              min={0}
              max={100}
              decimalScale={2}
              clampBehavior="none"
              suffix=" %"
              value={r.weight}
              onChange={(v) => update(i, { weight: v })}
              error={errors[`categories.${i}.weight`]}
              disabled={!canEdit}
              w={130}
            />
            {canEdit && (
              <ActionIcon variant="subtle" color="red" mt={26} aria-label={t('gradebook.categories.remove', { name: r.name || i + 1 })} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
                <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" focusable="false">
                  <path d="M6 6l12 12M18 6L6 18" />
                </svg>
              </ActionIcon>
            )}
          </Group>
        ))}
        {errors.categories && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {errors.categories}
          </Text>
        )}
        <Text size="sm" aria-live="polite">
          {t('gradebook.categories.total', { total: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(total) })}
        </Text>
        {canEdit && (
          <Group>
            <Button variant="default" onClick={() => setRows((rs) => [...rs, { key: `new-${Date.now()}-${rs.length}`, name: '', weight: '' }])} disabled={rows.length >= 20}>
              {t('gradebook.categories.add')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('gradebook.categories.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

const toDateInput = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

function ItemRow({ courseId, item, setup, canEdit }: { courseId: string; item: GradebookItem; setup: GradebookSetup; canEdit: boolean }) {
  const { t } = useTranslation();
  const refresh = useRefresh(courseId);
  const [categoryId, setCategoryId] = useState<string | null>(item.categoryId);
  const [weight, setWeight] = useState<string | number>(item.weight);
  const [points, setPoints] = useState<string | number>(item.points ?? '');
  const [passing, setPassing] = useState<string | number>(item.passingPercent ?? '');
  const [due, setDue] = useState(toDateInput(item.dueAt));
  const [required, setRequired] = useState(item.required);
  const [excluded, setExcluded] = useState(item.excluded);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () =>
      call<GradebookSetup>(
        api.PATCH('/api/v1/courses/{courseId}/gradebook/items/{lessonId}', {
          params: { path: { courseId, lessonId: item.lessonId } },
          body: {
            categoryId,
            weight: weight === '' ? 1 : Number(weight),
            points: num(points),
            passingPercent: num(passing),
            dueAt: due ? new Date(`${due}T23:59:59`).toISOString() : null,
            required,
            excluded,
          },
        }),
      ),
    onSuccess: () => {
      notify({ color: 'green', message: t('gradebook.items.saved', { title: item.title }) });
      setErrors({});
      refresh();
    },
    onError: (e) => {
      const f = bodyFieldErrors(e);
      if (Object.keys(f).length) setErrors(f);
      else notifyError(e, t);
    },
  });
  const title = item.title;
  return (
    <Table.Tr data-testid="gradebook-item">
      <Table.Th scope="row">
        <Text size="sm" fw={500}>
          {title}
        </Text>
        <Text size="xs" c="dimmed">
          {t(`gradebook.types.${item.type}`)} · {item.sectionTitle}
          {item.maxScore !== null ? ` · ${t('gradebook.items.maxScore', { max: item.maxScore })}` : ''}
        </Text>
      </Table.Th>
      <Table.Td>
        <Select
          aria-label={t('gradebook.items.categoryOf', { title })}
          placeholder={t('gradebook.items.noCategory')}
          data={setup.categories.map((c) => ({ value: c.id, label: c.name }))}
          value={categoryId}
          onChange={setCategoryId}
          clearable
          disabled={!canEdit}
          error={errors.categoryId}
          w={150}
        />
      </Table.Td>
      <Table.Td>
        <NumberInput aria-label={t('gradebook.items.weightOf', { title })} min={0} decimalScale={2} value={weight} onChange={setWeight} disabled={!canEdit} error={errors.weight} w={90} />
      </Table.Td>
      <Table.Td>
        <NumberInput
          aria-label={t('gradebook.items.pointsOf', { title })}
          placeholder={t('gradebook.items.pointsAuto')}
          min={0}
          decimalScale={2}
          value={points}
          onChange={setPoints}
          disabled={!canEdit}
          error={errors.points}
          w={120}
        />
      </Table.Td>
      <Table.Td>
        <NumberInput
          aria-label={t('gradebook.items.passingOf', { title })}
          placeholder={t('gradebook.items.passingCourse')}
          min={0}
          max={100}
          decimalScale={2}
          suffix=" %"
          value={passing}
          onChange={setPassing}
          disabled={!canEdit}
          error={errors.passingPercent}
          w={110}
        />
      </Table.Td>
      <Table.Td>
        <TextInput type="date" aria-label={t('gradebook.items.dueOf', { title })} value={due} onChange={(e) => setDue(e.currentTarget.value)} disabled={!canEdit} error={errors.dueAt} w={150} />
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          <Checkbox label={t('gradebook.items.required')} aria-label={t('gradebook.items.requiredOf', { title })} checked={required} onChange={(e) => setRequired(e.currentTarget.checked)} disabled={!canEdit} />
          <Checkbox label={t('gradebook.items.excluded')} aria-label={t('gradebook.items.excludedOf', { title })} checked={excluded} onChange={(e) => setExcluded(e.currentTarget.checked)} disabled={!canEdit} />
        </Stack>
      </Table.Td>
      {canEdit && (
        <Table.Td>
          <Button size="xs" variant="light" loading={save.isPending} onClick={() => save.mutate()} aria-label={t('gradebook.items.saveOf', { title })}>
            {t('gradebook.items.save')}
          </Button>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

/** Grading settings under the table: mode and pass mark, categories, and each item's settings. */
export function GradebookSettings({ courseId, setup, canEdit }: { courseId: string; setup: GradebookSetup; canEdit: boolean }) {
  const { t } = useTranslation();
  // forms restart from the server's values whenever they change
  const version = JSON.stringify(setup);
  return (
    <Stack component="section" aria-labelledby="gradebook-settings-heading" gap="md">
      <Title order={2} id="gradebook-settings-heading" size="h3">
        {t('gradebook.settings.heading')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md">
          <Title order={3} size="h5" mb="xs">
            {t('gradebook.settings.subheading')}
          </Title>
          <SettingsForm key={version} courseId={courseId} setup={setup} canEdit={canEdit} />
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h5" mb="xs">
            {t('gradebook.categories.heading')}
          </Title>
          <CategoriesForm key={version} courseId={courseId} setup={setup} canEdit={canEdit} />
        </Paper>
      </SimpleGrid>
      {setup.items.length > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('gradebook.items.heading')}
          </Title>
          <Table.ScrollContainer minWidth={980} type="native" tabIndex={0} role="region" aria-label={t('gradebook.items.heading')}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('gradebook.items.item')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.items.category')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.items.weight')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.items.points')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.items.passing')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.items.due')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.items.rules')}</Table.Th>
                  {canEdit && <Table.Th scope="col">{t('gradebook.items.actions')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {setup.items.map((it) => (
                  <ItemRow key={`${it.lessonId}:${version}`} courseId={courseId} item={it} setup={setup} canEdit={canEdit} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </Stack>
  );
}
