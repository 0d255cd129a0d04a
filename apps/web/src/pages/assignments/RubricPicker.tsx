import { Chip, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../components/common';
import { type Rubric, selectionScore } from './model';

/**
 * The rubric used in place: one row per criterion, its levels as a radio group (click or arrow
 * keys); the total follows the choice. Read-only shows the chosen level of each criterion.
 */
export function RubricPicker({
  rubric,
  value,
  onChange,
  readOnly,
  pointsPossible,
  idPrefix,
}: {
  rubric: Rubric;
  value: Record<string, string>;
  onChange?: (v: Record<string, string>) => void;
  readOnly?: boolean;
  pointsPossible: number;
  idPrefix: string;
}) {
  const { t } = useTranslation();
  const total = selectionScore(rubric, value);
  return (
    <Stack gap="sm" data-testid="rubric">
      {rubric.map((c) => (
        <Stack key={c.id} gap={4} role="radiogroup" aria-labelledby={`${idPrefix}-${c.id}`}>
          <Text size="sm" fw={600} id={`${idPrefix}-${c.id}`}>
            {c.title}
          </Text>
          {c.description && (
            <Text size="xs" c="dimmed">
              {c.description}
            </Text>
          )}
          <Chip.Group multiple={false} value={value[c.id] ?? null} onChange={(v) => !readOnly && onChange?.({ ...value, [c.id]: v as string })}>
            <Group gap="xs">
              {c.levels.map((l) => (
                <Chip key={l.id} value={l.id} disabled={readOnly && value[c.id] !== l.id} variant="outline" data-testid="rubric-level">
                  {t('assignments.levelChip', { title: l.title, points: formatNumber(l.points) })}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </Stack>
      ))}
      <Text fw={600} aria-live="polite" data-testid="rubric-total">
        {t('assignments.total', { score: formatNumber(total), max: formatNumber(pointsPossible) })}
      </Text>
    </Stack>
  );
}
