import { Button, Group, NumberInput, Popover, Stack, Text, Textarea, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, notify, notifyError } from '../../components/common';
import { gradebookKeys, type LearnerGrades } from './types';

interface Props {
  courseId: string;
  learner: LearnerGrades;
  /** null: the final grade */
  lessonId: string | null;
  itemTitle: string;
  current: number | null;
  overridden: boolean;
  canOverride: boolean;
  /** what the cell shows */
  children: ReactNode;
  /** the accessible description of the cell's value */
  valueText: string;
}

/**
 * A gradebook cell. For graders it is a button that opens a small form: the new percent and the
 * reason (both required), or removing an existing override, which restores the reported grade.
 */
export function OverrideCell({ courseId, learner, lessonId, itemTitle, current, overridden, canOverride, children, valueText }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [percent, setPercent] = useState<string | number>(current ?? '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const titleId = useId();

  const save = useMutation({
    mutationFn: (body: { percent: number | null; reason: string }) =>
      call<LearnerGrades>(api.POST('/api/v1/courses/{courseId}/gradebook/overrides', { params: { path: { courseId } }, body: { userId: learner.userId, lessonId, ...body } })),
    onSuccess: (_row, body) => {
      notify({ color: 'green', message: body.percent === null ? t('gradebook.override.removed', { name: learner.name }) : t('gradebook.override.saved', { name: learner.name }) });
      void qc.invalidateQueries({ queryKey: gradebookKeys.all(courseId) });
      setOpened(false);
    },
    onError: (e) => {
      const f = bodyFieldErrors(e);
      if (f.percent || f.reason) setErrors(f);
      else notifyError(e, t);
    },
  });

  if (!canOverride) return <span aria-label={valueText}>{children}</span>;

  const open = () => {
    setPercent(current ?? '');
    setReason('');
    setErrors({});
    setOpened(true);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (percent === '' || percent === null) next.percent = t('gradebook.override.percentRequired');
    if (reason.trim().length < 3) next.reason = t('gradebook.override.reasonRequired');
    setErrors(next);
    if (Object.keys(next).length) return;
    save.mutate({ percent: Number(percent), reason: reason.trim() });
  };
  const remove = async () => {
    if (reason.trim().length < 3) {
      setErrors({ reason: t('gradebook.override.reasonRequired') });
      return;
    }
    const ok = await confirmAction({
      title: t('gradebook.override.removeTitle'),
      message: t('gradebook.override.removeMessage', { name: learner.name, item: itemTitle }),
      confirmLabel: t('gradebook.override.remove'),
    });
    if (ok) save.mutate({ percent: null, reason: reason.trim() });
  };
  const label = t('gradebook.override.cellLabel', { item: itemTitle, name: learner.name, value: valueText });

  return (
    <Popover opened={opened} onChange={setOpened} trapFocus returnFocus withArrow position="bottom" width={300} shadow="md">
      <Popover.Target>
        <UnstyledButton
          onClick={() => (opened ? setOpened(false) : open())}
          aria-label={label}
          aria-haspopup="dialog"
          aria-expanded={opened}
          data-testid="grade-cell"
          style={{ display: 'block', width: '100%', padding: '2px 4px', borderRadius: 4, textAlign: 'right' }}
          className="gradebook-cell"
        >
          {children}
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown aria-labelledby={titleId}>
        <form onSubmit={submit} noValidate>
          <Stack gap="xs">
            <Text size="sm" fw={600} id={titleId}>
              {t('gradebook.override.title', { item: itemTitle, name: learner.name })}
            </Text>
            <NumberInput
              label={t('gradebook.override.percent')}
              min={0}
              max={100}
              decimalScale={2}
              clampBehavior="none"
              suffix=" %"
              value={percent}
              onChange={setPercent}
              error={errors.percent}
              required
              data-autofocus
            />
            <Textarea
              label={t('gradebook.override.reason')}
              description={t('gradebook.override.reasonHint')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={errors.reason}
              required
              autosize
              minRows={2}
              maxLength={500}
            />
            <Group justify="space-between" gap="xs">
              {overridden ? (
                <Button variant="subtle" color="red" size="xs" onClick={() => void remove()} disabled={save.isPending}>
                  {t('gradebook.override.remove')}
                </Button>
              ) : (
                <span />
              )}
              <Group gap="xs">
                <Button variant="default" size="xs" onClick={() => setOpened(false)}>
                  {t('app.cancel')}
                </Button>
                <Button type="submit" size="xs" loading={save.isPending}>
                  {t('gradebook.override.save')}
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}
