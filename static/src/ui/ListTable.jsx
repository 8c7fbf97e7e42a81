// The pieces every list page shares: its title row, a row's name cell and its delete button.
import { Icon } from './icons.jsx';

/** The page heading with its one-line explanation and, on the right, the page's actions. */
export function PageTitle({ title, subtitle, children }) {
  return (
    <div className="page-title-row">
      <div>
        <h1>{title}</h1>
        <p className="muted">{subtitle}</p>
      </div>
      {children}
    </div>
  );
}

/** A row's first cell: its name as a link (the row itself opens it too) and a muted detail line. */
export function NameCell({ href, name, detail, mono = false, detailMono = true }) {
  return (
    <td>
      <a className={`graph-name${mono ? ' mono' : ''}`} href={href} onClick={(e) => e.stopPropagation()}>{name}</a>
      {detail && <div className={`muted small ellipsis${detailMono ? ' mono' : ''}`}>{detail}</div>}
    </td>
  );
}

/** The trash button at the end of a row; it asks the page to confirm rather than deleting at once. */
export function DeleteButton({ label, onClick }) {
  return (
    <button type="button" className="btn btn-small btn-ghost-danger" aria-label={label} data-testid="btn-delete"
      onClick={(e) => { e.stopPropagation(); onClick(); }}><Icon name="trash" /></button>
  );
}
