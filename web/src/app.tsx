import { lazy, Suspense, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { useI18n } from './i18n/locale';
import type { MessageKey } from './i18n/messages';
import { Dashboard } from './pages/dashboard';
import { useSession } from './session/session';
import { LanguageSwitch } from './ui/language-switch';

// The dashboard is the first page and comes with the bundle; the others load when opened.
const Orders = lazy(() => import('./pages/orders'));
const OrderDetail = lazy(() => import('./pages/order-detail'));
const Catalog = lazy(() => import('./pages/catalog'));
const Inventory = lazy(() => import('./pages/inventory'));
const Returns = lazy(() => import('./pages/returns'));
const Claims = lazy(() => import('./pages/claims'));
const PickLists = lazy(() => import('./pages/pick-lists'));
const Campaigns = lazy(() => import('./pages/campaigns'));
const Sync = lazy(() => import('./pages/sync'));
const Analytics = lazy(() => import('./pages/analytics'));
const Audit = lazy(() => import('./pages/audit'));
const MarketRules = lazy(() => import('./pages/market-rules'));
const Notifications = lazy(() => import('./pages/notifications'));
const Channels = lazy(() => import('./pages/channels'));
const Customers = lazy(() => import('./pages/customers'));

/** The pages, each shown to a key that may call the list it opens with. */
const PAGES: { path: string; label: MessageKey; needs: string }[] = [
  { path: '/', label: 'dashboard', needs: 'GET /v1/orders' },
  { path: '/orders', label: 'orders', needs: 'GET /v1/orders' },
  { path: '/customers', label: 'customers', needs: 'GET /v1/customers' },
  { path: '/catalog', label: 'catalog', needs: 'GET /v1/products' },
  { path: '/inventory', label: 'inventory', needs: 'GET /v1/inventory' },
  { path: '/returns', label: 'returns', needs: 'GET /v1/returns' },
  { path: '/claims', label: 'claims', needs: 'GET /v1/claims' },
  { path: '/pick-lists', label: 'pickLists', needs: 'POST /v1/warehouses/{id}/pick-lists' },
  { path: '/campaigns', label: 'campaigns', needs: 'GET /v1/campaigns' },
  { path: '/sync', label: 'sync', needs: 'GET /v1/subscriptions' },
  { path: '/channels', label: 'channels', needs: 'GET /v1/channels' },
  { path: '/notifications', label: 'notifications', needs: 'GET /v1/notification-templates' },
  { path: '/analytics', label: 'analytics', needs: 'GET /v1/analytics/sales' },
  { path: '/audit', label: 'audit', needs: 'GET /v1/audit' },
  { path: '/market-rules', label: 'marketRules', needs: 'GET /v1/compliance/rules' },
];

export function App() {
  const { t } = useI18n();
  const { me, can, signOut } = useSession();
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const pages = PAGES.filter((p) => can(p.needs));
  const current = (path: string) => (path === '/' ? location === '/' : location.startsWith(path));

  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('appName')}</span>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t('menu')}
        </button>
        <div className="who">
          <span className="muted">{t('signedInAs', { name: me.name, role: me.role })}</span>
          <LanguageSwitch />
          <button type="button" onClick={signOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <nav id="main-nav" aria-label={t('navigation')} className={menuOpen ? 'sidebar open' : 'sidebar'}>
        <ul>
          {pages.map((p) => (
            <li key={p.path}>
              <Link
                href={p.path}
                aria-current={current(p.path) ? 'page' : undefined}
                onClick={() => setMenuOpen(false)}
              >
                {t(p.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content">
        <Suspense fallback={<p role="status">{t('loading')}</p>}>
          <Switch>
            <Route path="/" component={Dashboard} />
            <Route path="/orders" component={Orders} />
            <Route path="/orders/:id">{(params) => <OrderDetail id={params.id} />}</Route>
            <Route path="/catalog" component={Catalog} />
            <Route path="/inventory" component={Inventory} />
            <Route path="/returns" component={Returns} />
            <Route path="/claims" component={Claims} />
            <Route path="/pick-lists" component={PickLists} />
            <Route path="/campaigns" component={Campaigns} />
            <Route path="/sync" component={Sync} />
            <Route path="/channels" component={Channels} />
            <Route path="/customers" component={Customers} />
            <Route path="/notifications" component={Notifications} />
            <Route path="/analytics" component={Analytics} />
            <Route path="/audit" component={Audit} />
            <Route path="/market-rules" component={MarketRules} />
            <Route>
              <p>{t('none')}</p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </div>
  );
}
