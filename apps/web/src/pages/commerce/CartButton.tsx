import { Badge, Button, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../session';
import { cartKey, fetchCart } from './model';

/** The header's cart link with the number of items (guests too: their cookie cart). */
export function CartButton() {
  const { t } = useTranslation();
  const { user } = useSession();
  const qc = useQueryClient();
  const cart = useQuery({ queryKey: cartKey, queryFn: fetchCart });
  // signing in or out changes whose cart this is (and merges the guest cart)
  useEffect(() => {
    void qc.invalidateQueries({ queryKey: cartKey });
  }, [user?.id, qc]);
  const n = cart.data?.count ?? 0;
  return (
    <Button component={Link} to="/cart" variant="subtle" size="sm" px="xs" data-testid="cart-button">
      {t('commerce.nav.cart')}
      <Badge size="sm" ml={6} data-testid="cart-count">
        {n}
      </Badge>
      <VisuallyHidden>{t('commerce.nav.items')}</VisuallyHidden>
    </Button>
  );
}
