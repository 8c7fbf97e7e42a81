// The top bar shared by every page: product name (home link) and page-specific content.

export function AppHeader({ children }) {
  return (
    <header className="app-header">
      <a className="brand" href="#/" title="All pipelines">
        <span className="brand-mark" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="22" height="22"><rect width="32" height="32" rx="7" fill="currentColor" /><circle cx="10" cy="11" r="3.5" fill="#fff" /><circle cx="22" cy="21" r="3.5" fill="#fff" /><path d="M12 13l8 6" stroke="#fff" strokeWidth="2.4" /></svg>
        </span>
        <span className="brand-name">Pipeline Designer</span>
      </a>
      {children}
    </header>
  );
}
