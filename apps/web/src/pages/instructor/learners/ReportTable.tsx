import { Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../../components/common';
import type { EnrollResult, ReportRow } from './types';

const COLORS: Record<EnrollResult, string> = {
  enrolled: 'green',
  already_enrolled: 'blue',
  no_account: 'orange',
  invalid_email: 'red',
  duplicate_in_file: 'gray',
};

/** One line per input row: its email and what happened to it, in the current language. */
export function ReportTable({ rows, testId }: { rows: ReportRow[]; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={520} type="native" tabIndex={0} role="region" aria-label={t('roster.report.caption')}>
      <Table striped withTableBorder data-testid={testId} captionSide="top">
        <Table.Caption>{t('roster.report.caption')}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('roster.report.row')}</Table.Th>
            <Table.Th scope="col">{t('roster.report.email')}</Table.Th>
            <Table.Th scope="col">{t('roster.report.result')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.row}-${r.email}`} data-testid="report-row">
              <Table.Td>{formatNumber(r.row)}</Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{r.email}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={COLORS[r.result]}>
                  {t(`roster.report.${r.result}`)}
                </Badge>
                <Text size="xs" c="dimmed" mt={4}>
                  {t(`roster.report.explain.${r.result}`)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
