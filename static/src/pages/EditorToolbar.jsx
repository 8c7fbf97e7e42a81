// The editor's header and command bar: name, save state, edit commands, validate and submit.
import { Icon } from '../ui/icons.jsx';
import { AppHeader } from './AppHeader.jsx';
import { useDropdown } from '../ui/useDropdown.js';

const SAVE_TEXT = { saved: 'Saved', saving: 'Saving…', conflict: 'Conflict', error: 'Not saved' };

export function SaveState({ state }) {
  return (
    <span className={`save-state save-${state}`} data-testid="save-state" aria-live="polite">
      <span className="save-dot" aria-hidden="true" />{SAVE_TEXT[state] || state}
    </span>
  );
}

export function EditorHeader({ name, onRename, saveState, children }) {
  return (
    <AppHeader>
      <span className="crumb-sep" aria-hidden="true">/</span>
      <input className="title-input" value={name || ''} placeholder="Untitled pipeline" aria-label="Pipeline name"
        data-testid="graph-title" onChange={(e) => onRename(e.target.value)} size={Math.max(12, Math.min(40, (name || '').length + 2))} />
      <SaveState state={saveState} />
      <div className="header-spacer" />
      {children}
    </AppHeader>
  );
}

export function ConflictBanner({ onReload, onSaveCopy }) {
  return (
    <div className="conflict-banner" role="alert" data-testid="conflict-banner">
      <Icon name="alert" />
      <span><strong>This pipeline was changed in another tab or by someone else.</strong> Your latest edits were not saved, and editing is paused so nothing is overwritten.</span>
      <div className="row gap-8">
        <button type="button" className="btn btn-small" onClick={onSaveCopy} data-testid="btn-save-copy">Save my version as a copy</button>
        <button type="button" className="btn btn-small btn-primary" onClick={onReload} data-testid="btn-reload">Reload</button>
      </div>
    </div>
  );
}

function ValidationSummary({ validation, onSelectNode }) {
  const [open, setOpen, box] = useDropdown();
  if (!validation.checked) return null;
  const count = validation.errors.length;
  if (!count) return <span className="validation-pill ok" data-testid="validation-summary"><Icon name="check" size={13} /> Valid</span>;
  return (
    <div className="menu-anchor" ref={box}>
      <button type="button" className="validation-pill bad" data-testid="validation-summary" onClick={() => setOpen(!open)}>
        {count} {count === 1 ? 'problem' : 'problems'} <Icon name="chevronDown" size={12} />
      </button>
      {open && (
        <div className="dropdown-menu dropdown-right problems-menu">
          {validation.errors.map((e, i) => (
            <button key={i} type="button" className="menu-item problem-item" onClick={() => { if (e.node) onSelectNode(e.node); setOpen(false); }}>
              <span className="mono">{e.node ? `${e.node}${e.port ? `.${e.port}` : ''}` : 'pipeline'}</span>
              <span>{e.message}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

export function CommandBar({ graph, onLayout, onAddNote, onFit, onHelp, onHistory, onValidate, onSubmit, exportUrl, validation, onSelectNode, disabled, children }) {
  return (
    <div className="command-bar">
      <div className="toolbar-group">
        <button type="button" className="icon-btn" title="Undo (Ctrl+Z)" aria-label="Undo" data-testid="btn-undo" disabled={!graph.canUndo || disabled} onClick={graph.undo}><Icon name="undo" /></button>
        <button type="button" className="icon-btn" title="Redo (Ctrl+Shift+Z)" aria-label="Redo" data-testid="btn-redo" disabled={!graph.canRedo || disabled} onClick={graph.redo}><Icon name="redo" /></button>
      </div>
      <span className="toolbar-divider" />
      <div className="toolbar-group">
        <button type="button" className="btn btn-toolbar" title="Arrange nodes left to right" data-testid="btn-layout" disabled={disabled} onClick={onLayout}><Icon name="layout" /> Auto-layout</button>
        <button type="button" className="btn btn-toolbar" title="Add a free text note" data-testid="btn-add-note" disabled={disabled} onClick={onAddNote}><Icon name="comment" /> Note</button>
        <button type="button" className="icon-btn" title="Fit to view" aria-label="Fit view" data-testid="btn-fit" onClick={onFit}><Icon name="fit" /></button>
        <a className="icon-btn" href={exportUrl} download title="Export JSON" aria-label="Export JSON" data-testid="btn-export"><Icon name="download" /></a>
        {onHistory && <button type="button" className="icon-btn" title="History of revisions" aria-label="History" data-testid="btn-history" onClick={onHistory}><Icon name="history" /></button>}
        <button type="button" className="icon-btn" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" data-testid="btn-help" onClick={onHelp}><Icon name="help" /></button>
      </div>
      {children && <><span className="toolbar-divider" /><div className="toolbar-group">{children}</div></>}
      <div className="header-spacer" />
      <div className="toolbar-group">
        <ValidationSummary validation={validation} onSelectNode={onSelectNode} />
        <button type="button" className="btn btn-toolbar" data-testid="btn-validate" onClick={onValidate}><Icon name="check" /> Validate</button>
        <button type="button" className="btn btn-primary" data-testid="btn-run" disabled={disabled} onClick={onSubmit}><Icon name="play" /> Submit</button>
      </div>
    </div>
  );
}
