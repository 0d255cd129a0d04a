import { Button } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../session';
import { cartKey, fetchCart } from './model';

/** The header's cart link with the number of items (guests too: their cookie cart). */
export function CartButton() {
  const { t } = useTranslation();
  const { user } = useSession();
  const cart = useQuery({ queryKey: [...cartKey, user?.id ?? 'guest'], queryFn: fetchCart });
  const n = cart.data?.count ?? 0;
  return (
    <Button component={Link} to="/cart" variant="subtle" size="sm" px="xs" aria-label={t('commerce.nav.cartWithCount', { count: n })} data-testid="cart-button">
      <span aria-hidden="true">🛒 {n}</span>
    </Button>
  );
}
