// What can be done with the current selection, above the canvas: run the selected nodes (and what
// they need), frame them in a group, make them a reusable component; ungroup, expand or collapse a group.
import { Icon } from '../ui/icons.jsx';

export function SelectionBar({ nodeIds, group, disabled, onRunSelected, onGroup, onMakeComponent, onUngroup, onExpand, onCollapse }) {
  // One node has its own menu (right-click); the bar is for several nodes or a group.
  if (nodeIds.length < 2 && !group) return null;
  return (
    <div className="selection-bar" data-testid="selection-bar" role="toolbar" aria-label="Selection">
      {nodeIds.length > 1 && (
        <>
          <span className="muted">{nodeIds.length} node{nodeIds.length === 1 ? '' : 's'}</span>
          <button type="button" className="btn btn-small" data-testid="btn-run-selected" disabled={disabled} onClick={onRunSelected}
            title="Run these nodes and what they need"><Icon name="play" size={12} /> Run selected</button>
          <button type="button" className="btn btn-small" data-testid="btn-group" disabled={disabled} onClick={onGroup}>Group</button>
          <button type="button" className="btn btn-small" data-testid="btn-make-component" disabled={disabled} onClick={onMakeComponent}>
            Make component</button>
        </>
      )}
      {group && (
        <>
          <span className="muted">{group.title || 'Group'}</span>
          {group.component && (group.collapsed
            ? <button type="button" className="btn btn-small" data-testid="btn-bar-expand" disabled={disabled} onClick={onExpand}>Expand</button>
            : <button type="button" className="btn btn-small" data-testid="btn-bar-collapse" disabled={disabled} onClick={onCollapse}>Collapse</button>)}
          <button type="button" className="btn btn-small" data-testid="btn-ungroup" disabled={disabled} onClick={onUngroup}>Ungroup</button>
        </>
      )}
    </div>
  );
}
