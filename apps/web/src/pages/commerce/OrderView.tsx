import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDate } from '../../components/common';
import { formatMoney, type Order } from './model';

export function statusColor(s: Order['status']): string {
  return s === 'paid' || s === 'fulfilled' ? 'green' : s === 'failed' || s === 'canceled' ? 'red' : s === 'pending' ? 'orange' : 'gray'; // orange, not yellow: yellow's light badge misses the 4.5:1 contrast
}

/** One order: its lines (with refund state), totals, invoice download and links to the courses. */
export function OrderView({ order, headingLevel = 2, showLinks = true }: { order: Order; headingLevel?: 1 | 2; showLinks?: boolean }) {
  const { t, i18n } = useTranslation();
  const money = (n: number) => formatMoney(n, order.currency, i18n.language);
  const owned = order.status === 'paid' || order.status === 'fulfilled' || order.status === 'partially_refunded';
  return (
    <Card withBorder component="article" aria-labelledby={`order-${order.id}`} data-testid="order">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={headingLevel} size="h4" id={`order-${order.id}`}>
            {t('commerce.order.title', { number: order.number })}
          </Title>
          <Badge color={statusColor(order.status)} variant="light" data-testid="order-status">
            {t(`commerce.order.status.${order.status}`)}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t('commerce.order.placed', { date: formatDate(order.createdAt, i18n.language) })}
        </Text>
        {order.status === 'failed' && <Alert color="red">{t('commerce.order.failed', { reason: order.failureReason ?? '' })}</Alert>}
        <Stack component="ul" gap={6} p={0} style={{ listStyle: 'none' }}>
          {order.lines.map((l) => (
            <Group component="li" key={l.id} justify="space-between" wrap="nowrap" data-testid="order-line">
              <Stack gap={0}>
                <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {l.title}
                </Text>
                {l.refundedMinor > 0 && (
                  <Text size="xs" c="red">
                    {t('commerce.order.refunded', { amount: money(l.refundedMinor) })}
                    {l.revoked ? ` · ${t('commerce.order.revoked')}` : ''}
                  </Text>
                )}
                {showLinks && owned && !l.revoked && l.kind === 'course' && (
                  <Anchor component={Link} to={`/courses/${l.refId}`} size="sm">
                    {t('commerce.order.openCourse', { title: l.title })}
                  </Anchor>
                )}
              </Stack>
              <Text>{money(l.totalMinor)}</Text>
            </Group>
          ))}
        </Stack>
        {order.discountMinor > 0 && (
          <Group justify="space-between">
            <Text size="sm">{t('commerce.checkout.discount')}</Text>
            <Text size="sm">−{money(order.discountMinor)}</Text>
          </Group>
        )}
        {order.taxLines.map((tl) => (
          <Group key={tl.label} justify="space-between">
            <Text size="sm">{tl.inclusive ? t('commerce.checkout.taxIncluded', { label: tl.label }) : tl.label}</Text>
            <Text size="sm">{money(tl.amountMinor)}</Text>
          </Group>
        ))}
        <Group justify="space-between">
          <Text fw={700}>{t('commerce.checkout.total')}</Text>
          <Text fw={700}>{money(order.totalMinor)}</Text>
        </Group>
        {order.refundedMinor > 0 && (
          <Text size="sm" c="red" ta="right">
            {t('commerce.order.refunded', { amount: money(order.refundedMinor) })}
          </Text>
        )}
        {order.invoice && (
          <Group>
            <Button component="a" href={order.invoice.pdfPath} download={`${order.invoice.number}.pdf`} variant="default" size="sm">
              {t('commerce.order.invoice', { number: order.invoice.number })}
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
