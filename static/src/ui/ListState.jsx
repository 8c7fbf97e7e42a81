// What a list page shows before its table: a load error, "Loading…", or an empty state that says what to do.
import { describeError } from '../api/client.js';
import { Icon } from './icons.jsx';

/** Renders nothing once `items` has rows (the page renders its table then). */
export function ListState({ items, error, what, icon, title, testId, children }) {
  if (error) return <div className="callout callout-error">Could not load {what}: {describeError(error)}</div>;
  if (items === null) return <div className="muted pad-16">Loading {what}…</div>;
  if (items.length > 0) return null;
  return (
    <div className="empty-state" data-testid={testId}>
      <div className="empty-illustration" aria-hidden="true"><Icon name={icon} size={40} /></div>
      <h2>{title}</h2>
      {children}
    </div>
  );
}
