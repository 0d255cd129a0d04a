import {
  ActionIcon,
  Anchor,
  AppShell,
  Burger,
  Button,
  Group,
  NativeSelect,
  NavLink,
  Stack,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { api, call } from '../api';
import { SUPPORTED_LOCALES, setLocale, type Locale } from '../i18n';
import { useAuthActions, usePermissions, useSession } from '../session';
import { CartButton } from '../pages/commerce/CartButton';
import { PageLoading, notify, notifyError } from './common';
import { MoonIcon, SunIcon } from './icons';
import { AccountMenu } from '../pages/account/AccountMenu';

function ThemeToggle() {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light', { getInitialValueInEffect: true });
  return (
    <ActionIcon
      variant="default"
      size="lg"
      aria-label={t('app.toggleTheme')}
      aria-pressed={scheme === 'dark'}
      onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}
    >
      {scheme === 'dark' ? <SunIcon /> : <MoonIcon />}
    </ActionIcon>
  );
}

function LanguageSelect({ signedIn }: { signedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const onChange = async (locale: Locale) => {
    setLocale(locale);
    if (signedIn) {
      try {
        await call(api.PATCH('/api/v1/me', { body: { locale } }));
        await qc.invalidateQueries({ queryKey: ['me'] });
      } catch (e) {
        notifyError(e, t);
      }
    }
  };
  return (
    <NativeSelect
      aria-label={t('app.language')}
      size="sm"
      w={72}
      value={i18n.language}
      onChange={(e) => void onChange(e.currentTarget.value as Locale)}
      data={SUPPORTED_LOCALES.map((l) => ({ value: l, label: l.toUpperCase() }))}
    />
  );
}

export function Layout() {
  const { t } = useTranslation();
  const { user } = useSession();
  const perms = usePermissions();
  const { signOut } = useAuthActions();
  const navigate = useNavigate();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After client-side navigation, move focus to the new page for keyboard and screen-reader users.
  useEffect(() => {
    close();
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [location.pathname, close]);

  const onSignOut = async () => {
    try {
      await signOut();
      notify({ message: t('auth.signedOut') });
      navigate('/');
    } catch (e) {
      notifyError(e, t);
    }
  };

  const links = [
    { to: '/', label: t('nav.catalog'), end: true },
    ...(user ? [{ to: '/my-learning', label: t('nav.myLearning'), end: false }] : []),
    ...(user && perms.canAny('course.create', 'course.update', 'course.read_all') ? [{ to: '/teach', label: t('nav.teach'), end: false }] : []),
    ...(user && perms.can('media.manage') ? [{ to: '/teach/media', label: t('media.nav'), end: true }] : []),
    ...(user && perms.canAny('member.read', 'organization.update', 'role.manage', 'member.invite')
      ? [{ to: '/admin/organization', label: t('nav.organization'), end: false }]
      : []),
    ...(user && perms.isPlatformAdmin ? [{ to: '/admin/users', label: t('nav.platformAdmin'), end: false }] : []),
    ...(user && perms.activeOrganization ? [{ to: '/affiliate', label: t('growth.nav.affiliate'), end: false }] : []),
    ...(user && perms.canAny('revenue.read_all', 'course.create') ? [{ to: '/revenue', label: t('growth.nav.revenue'), end: false }] : []),
    ...(user ? [{ to: '/plans', label: t('billing.nav.plans'), end: false }] : []),
    ...(user && perms.can('billing.manage') ? [{ to: '/admin/billing', label: t('billing.nav.admin'), end: false }] : []),
    ...(user ? [{ to: '/my-orders', label: t('commerce.nav.orders'), end: false }] : []),
    ...(user && perms.can('commerce.manage') ? [{ to: '/shop', label: t('commerce.nav.shop'), end: false }] : []),
  ];

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { desktop: true, mobile: !opened } }} padding="md">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.openNav')} aria-expanded={opened} />
            <Anchor component={Link} to="/" fw={700} fz="lg" underline="never" c="var(--mantine-color-text)">
              {t('app.name')}
            </Anchor>
            <Group component="nav" aria-label={t('app.mainNav')} gap="xs" visibleFrom="sm">
              {links.map((l) => (
                <Button key={l.to} component={RouterNavLink} to={l.to} end={l.end} variant="subtle" size="sm">
                  {l.label}
                </Button>
              ))}
            </Group>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <CartButton />
            <LanguageSelect signedIn={!!user} />
            <ThemeToggle />
            {user ? (
              <AccountMenu user={user} onSignOut={() => void onSignOut()} />
            ) : (
              <Group gap="xs" wrap="nowrap" visibleFrom="xs">
                <Button component={Link} to="/sign-in" variant="default" size="sm">
                  {t('nav.signIn')}
                </Button>
                <Button component={Link} to="/sign-up" size="sm">
                  {t('nav.signUp')}
                </Button>
              </Group>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="md" aria-label={t('app.mainNav')}>
        <Stack gap={4}>
          {links.map((l) => (
            <NavLink key={l.to} component={RouterNavLink} to={l.to} end={l.end} label={l.label} />
          ))}
          {!user && (
            <>
              <NavLink component={RouterNavLink} to="/sign-in" label={t('nav.signIn')} />
              <NavLink component={RouterNavLink} to="/sign-up" label={t('nav.signUp')} />
            </>
          )}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={mainRef} tabIndex={-1}>
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
