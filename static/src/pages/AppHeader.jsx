// The top bar shared by every page: product name (home link), the main sections, page-specific content, the user.
import { useRoute } from '../ui/router.js';
import { UserMenu, useMe } from './UserMenu.jsx';

const SECTIONS = [
  { href: '#/', label: 'Pipelines', pages: ['pipelines', 'graph', 'run', 'revision'], testId: 'nav-pipelines' },
  { href: '#/runs', label: 'Runs', pages: ['runs', 'compare'], testId: 'nav-runs' },
  { href: '#/models', label: 'Models', pages: ['models', 'model'], testId: 'nav-models' },
  { href: '#/data', label: 'Data', pages: ['data', 'dataset'], testId: 'nav-data' },
  { href: '#/endpoints', label: 'Endpoints', pages: ['endpoints', 'endpoint'], testId: 'nav-endpoints' },
  { href: '#/published', label: 'Published', pages: ['published', 'published-pipeline'], testId: 'nav-published' },
  { href: '#/sweeps', label: 'Sweeps', pages: ['sweeps', 'sweep'], testId: 'nav-sweeps' },
  { href: '#/schedules', label: 'Schedules', pages: ['schedules'], testId: 'nav-schedules' },
];
const ACCESS = { href: '#/access', label: 'Access', pages: ['access'], testId: 'nav-access' };

export function AppHeader({ children }) {
  const route = useRoute();
  const user = useMe();
  const sections = user && user.role === 'admin' ? [...SECTIONS, ACCESS] : SECTIONS;
  return (
    <header className={`app-header${children ? ' with-page' : ''}`}>
      <a className="brand" href="#/" title="All pipelines">
        <span className="brand-mark" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="22" height="22"><rect width="32" height="32" rx="7" fill="currentColor" /><circle cx="10" cy="11" r="3.5" fill="#fff" /><circle cx="22" cy="21" r="3.5" fill="#fff" /><path d="M12 13l8 6" stroke="#fff" strokeWidth="2.4" /></svg>
        </span>
        <span className="brand-name">Pipeline Designer</span>
      </a>
      <nav className="main-nav" aria-label="Sections">
        {sections.map((s) => (
          <a key={s.href} href={s.href} data-testid={s.testId}
            className={`main-nav-link${s.pages.includes(route.page) ? ' active' : ''}`}
            aria-current={s.pages.includes(route.page) ? 'page' : undefined}>{s.label}</a>
        ))}
      </nav>
      {children}
      <UserMenu user={user} />
    </header>
  );
}
